import { PRIORITY_FORMULA_VERSION, type PriorityInputs } from '../../contracts/index.js';

/**
 * The 20/80 score (formula version 1, DOMAIN.md): how often the process occurs, the loss if it is
 * managed badly and the urgency count 0–3 each; touching the safety of money and the client's
 * explicit concern count 3 each – "what the client cares about comes first". Range 0–15.
 */
export const priorityScore = (inputs: PriorityInputs): number =>
  inputs.frequency +
  inputs.lossIfMismanaged +
  inputs.urgency +
  3 * Number(inputs.fundSafety) +
  3 * Number(inputs.stakeholderConcern);

export const PRIORITY_SCORE_RANGE = { min: 0, max: 15 } as const;
export { PRIORITY_FORMULA_VERSION };
