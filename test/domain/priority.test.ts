import t from 'tap';
import fc from 'fast-check';
import { priorityScore, priorityTerms, PRIORITY_SCORE_RANGE } from '../../domain/index.js';
import { PrioritizeRequirementBody, type PriorityInputs } from '../../contracts/index.js';

const ratings = [0, 1, 2, 3];
const flags = [false, true];
/** Every possible input: 4 × 4 × 4 × 2 × 2 = 256 combinations. */
const everyInput: PriorityInputs[] = ratings.flatMap((frequency) =>
  ratings.flatMap((lossIfMismanaged) =>
    ratings.flatMap((urgency) =>
      flags.flatMap((fundSafety) => flags.map((stakeholderConcern) => ({ frequency, lossIfMismanaged, urgency, fundSafety, stakeholderConcern }))),
    ),
  ),
);

t.test('the score on the whole input range', async (t) => {
  t.equal(everyInput.length, 256);
  const scores = everyInput.map(priorityScore);
  t.ok(scores.every((s) => Number.isInteger(s) && s >= PRIORITY_SCORE_RANGE.min && s <= PRIORITY_SCORE_RANGE.max), 'always an integer in 0–15');
  t.same([...new Set(scores)].sort((a, b) => a - b), Array.from({ length: 16 }, (_, i) => i), 'reaches every value from 0 to 15');
  t.equal(priorityScore({ frequency: 0, lossIfMismanaged: 0, urgency: 0, fundSafety: false, stakeholderConcern: false }), 0);
  t.equal(priorityScore({ frequency: 3, lossIfMismanaged: 3, urgency: 3, fundSafety: true, stakeholderConcern: true }), 15);
  t.equal(priorityScore({ frequency: 3, lossIfMismanaged: 2, urgency: 1, fundSafety: true, stakeholderConcern: false }), 9);
  t.equal(priorityScore({ frequency: 1, lossIfMismanaged: 0, urgency: 2, fundSafety: false, stakeholderConcern: true }), 6);
});

t.test('each rating adds itself and each concern adds exactly 3', async (t) => {
  for (const input of everyInput) {
    const base = priorityScore(input);
    for (const rating of ['frequency', 'lossIfMismanaged', 'urgency'] as const) {
      if (input[rating] < 3) t.equal(priorityScore({ ...input, [rating]: input[rating] + 1 }), base + 1);
    }
    for (const flag of ['fundSafety', 'stakeholderConcern'] as const) {
      if (!input[flag]) t.equal(priorityScore({ ...input, [flag]: true }), base + 3);
    }
  }
});

t.test('a concern of the client outranks any rating the consultant gives alone', async () => {
  fc.assert(
    fc.property(fc.constantFrom(...everyInput), (input) => {
      const withConcern = { ...input, stakeholderConcern: true };
      return priorityScore(withConcern) >= 3 + input.frequency + input.lossIfMismanaged + input.urgency;
    }),
  );
});

t.test('inputs outside the range are refused before they reach the formula', async (t) => {
  const valid = { frequency: 1, lossIfMismanaged: 1, urgency: 1, fundSafety: false, stakeholderConcern: false, rationale: 'r' };
  t.ok(PrioritizeRequirementBody.safeParse(valid).success);
  fc.assert(
    fc.property(
      fc.constantFrom('frequency', 'lossIfMismanaged', 'urgency'),
      fc.oneof(fc.integer({ min: 4 }), fc.integer({ max: -1 }), fc.double({ min: 0.01, max: 2.99, noInteger: true })),
      (field, value) => !PrioritizeRequirementBody.safeParse({ ...valid, [field]: value }).success,
    ),
  );
  t.notOk(PrioritizeRequirementBody.safeParse({ ...valid, fundSafety: 'yes' }).success, 'flags are booleans');
  t.notOk(PrioritizeRequirementBody.safeParse({ ...valid, rationale: '  ' }).success, 'a rationale is required');
});

t.test('the terms spell out the score: every input once, value × weight, summing to the score', async (t) => {
  for (const input of everyInput) {
    const terms = priorityTerms(input);
    t.same(terms.map((term) => term.input), ['frequency', 'lossIfMismanaged', 'urgency', 'fundSafety', 'stakeholderConcern']);
    t.ok(terms.every((term) => term.points === term.value * term.weight && term.value === Number(input[term.input])));
    t.equal(terms.reduce((sum, term) => sum + term.points, 0), priorityScore(input));
  }
  t.same(
    priorityTerms({ frequency: 3, lossIfMismanaged: 2, urgency: 1, fundSafety: true, stakeholderConcern: false }).map(({ value, weight, points }) => [value, weight, points]),
    [[3, 1, 3], [2, 1, 2], [1, 1, 1], [1, 3, 3], [0, 3, 0]],
    '3·1 + 2·1 + 1·1 + 1·3 + 0·3 = 9',
  );
});
