import { PRIORITY_FORMULA_VERSION, type PriorityInputs } from '../../contracts/index.js';

/** One addend of the score: the input, the value a person set, its weight and the points it gives. */
export type PriorityTerm = {
  input: keyof PriorityInputs;
  /** A rating 0–3, or a yes/no counted as 1/0. */
  value: number;
  weight: number;
  points: number;
};

const term = (input: keyof PriorityInputs, value: number | boolean, weight: number): PriorityTerm => {
  const counted = Number(value);
  return { input, value: counted, weight, points: weight * counted };
};

/**
 * The 20/80 score (formula version 1, docs/domain.md#the-2080-score) as its addends: how often the
 * process occurs, the loss if it is managed badly and the urgency count 0–3 each; touching the
 * safety of money and the client's explicit concern count 3 each – "what the client cares about
 * comes first". The score and its explanation are both read from this one list, so they cannot
 * disagree.
 */
export const priorityTerms = (inputs: PriorityInputs): PriorityTerm[] => [
  term('frequency', inputs.frequency, 1),
  term('lossIfMismanaged', inputs.lossIfMismanaged, 1),
  term('urgency', inputs.urgency, 1),
  term('fundSafety', inputs.fundSafety, 3),
  term('stakeholderConcern', inputs.stakeholderConcern, 3),
];

/** The score: the sum of the terms' points, 0–15. */
export const priorityScore = (inputs: PriorityInputs): number => priorityTerms(inputs).reduce((sum, { points }) => sum + points, 0);

export const PRIORITY_SCORE_RANGE = { min: 0, max: 15 } as const;
export { PRIORITY_FORMULA_VERSION };
