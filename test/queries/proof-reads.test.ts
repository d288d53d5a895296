/** Given the log, then the ranking walk, the changes between two instants and the explanation of a rank. */
import t from 'tap';
import type { DomainEvent, PriorityInputs } from '../../contracts/index.js';
import { Changes, changesBetween } from '../../services/queries/changes.js';
import { explainPriority, PriorityExplanation } from '../../services/queries/priority-explanation.js';
import { walkRanking } from '../../services/queries/ranking-walk.js';
import { E1, pm, requirementCaptured } from '../support/fixtures.js';
import { eventLog, minute } from '../support/projection-spec.js';

const captured = (requirementId: string): DomainEvent => ({ ...requirementCaptured, data: { ...requirementCaptured.data, requirementId } }) as DomainEvent;
const prioritized = (requirementId: string, inputs: Omit<PriorityInputs, 'fundSafety' | 'stakeholderConcern'>, score: number): DomainEvent => ({
  type: 'RequirementPrioritized',
  data: { requirementId, ...inputs, fundSafety: false, stakeholderConcern: false, rationale: 'workshop', score, formulaVersion: 1 },
});
const rejected = (requirementId: string): DomainEvent => ({ type: 'RequirementRejected', data: { requirementId, previousStatus: 'prioritized', reason: 'duplicate' } });
const revised = (requirementId: string): DomainEvent => ({
  type: 'RequirementRevised',
  data: { requirementId, changes: { title: 'Credit check' }, previous: { title: 'Credit limit check on quotes' }, reason: 'wording' },
});

/**
 * 1–3 capture r1, r2, r3; 4 r1 scores 2+2+1 = 5 (alone: rank 1, vital); 5 r2 scores 3+2+2 = 7
 * (two ranked, ceil(2/5) = 1 vital: r2, and r1 drops out); 6 r2 is rejected (r1 alone again: back
 * in); 7 r3 scores 1+1+1 = 3 (rank 2 of 2, beyond the one vital); 8 r3 is revised (no ranking change).
 */
const log = () => {
  const { record } = eventLog({ actor: pm });
  return [
    record(captured('r1')),
    record(captured('r2')),
    record(captured('r3')),
    record(prioritized('r1', { frequency: 2, lossIfMismanaged: 2, urgency: 1 }, 5)),
    record(prioritized('r2', { frequency: 3, lossIfMismanaged: 2, urgency: 2 }, 7)),
    record(rejected('r2')),
    record(prioritized('r3', { frequency: 1, lossIfMismanaged: 1, urgency: 1 }, 3)),
    record(revised('r3')),
  ];
};
const halfPast = (n: number) => new Date(Date.parse(minute(n)) + 30_000).toISOString();

t.test('the walk records every change of tier with the event that caused it, on whichever requirement', async (t) => {
  const walk = walkRanking(log());
  t.same(
    walk.moves.map((m) => [m.event.position, m.requirementId, m.from.tier, m.to.tier]),
    [
      ['4', 'r1', null, 'vital-few'],
      // An event's own requirement first, then those it moved.
      ['5', 'r2', null, 'vital-few'],
      ['5', 'r1', 'vital-few', 'trivial-many'],
      ['6', 'r2', 'vital-few', null],
      ['6', 'r1', 'trivial-many', 'vital-few'],
      ['7', 'r3', null, 'trivial-many'],
    ],
  );
  t.same(walk.rankings.get('r3'), { rank: 2, tier: 'trivial-many', score: 3 });
  t.same(walkRanking(log(), minute(3)).moves, [], 'captured requirements have no tier to move');
  t.equal(walkRanking(log(), minute(5)).moves.length, 3, 'what happened after the instant is left out');
});

t.test('changes: net per requirement between the instants, each with its events', async (t) => {
  t.same(
    changesBetween(log(), halfPast(4), halfPast(6)).map((c) => ({ ...c, events: c.events.map((e) => e.position) })),
    [
      { kind: 'requirement-rescored', requirementId: 'r2', title: 'Credit limit check on quotes', score: { from: null, to: 7 }, events: ['5'] },
      // r1 left the vital few at 5 and came back at 6: no change between the instants.
      { kind: 'requirement-decided', requirementId: 'r2', title: 'Credit limit check on quotes', status: { from: 'captured', to: 'rejected' }, events: ['6'] },
    ],
  );
  t.same(
    changesBetween(log(), halfPast(6), halfPast(8)).map((c) => [c.kind, 'requirementId' in c ? c.requirementId : undefined]),
    [
      ['requirement-rescored', 'r3'],
      ['requirement-retiered', 'r3'],
      ['requirement-revised', 'r3'],
    ],
  );
  t.same(changesBetween(log(), halfPast(8), halfPast(9)), [], 'nothing after the last event');
});

t.test('the explanation of a rank at an instant', async (t) => {
  const explanation = explainPriority(log(), 'r1', halfPast(5))!;
  t.match(explanation, {
    engagementId: E1,
    status: 'prioritized',
    // 2·1 + 2·1 + 1·1 + 0·3 + 0·3 = 5
    priority: { score: 5, formulaVersion: 1, terms: [{ input: 'frequency', value: 2, weight: 1, points: 2, setBy: { position: '4' } }] },
    // r2 7, r1 5: ceil(2/5) = 1 vital, cut-off 7; r1 is rank 2.
    ranking: { rank: 2, tier: 'trivial-many', tierReason: 'beyond-vital-few-count', ranked: 2, vitalFewCount: 1, cutOffScore: 7 },
  });
  t.same(
    explanation.moves.map((m) => [m.event.position, m.event.subjectId, m.tier.to]),
    [
      ['4', 'r1', 'vital-few'],
      ['5', 'r2', 'trivial-many'],
    ],
  );
  t.equal(
    explanation.priority!.terms.reduce((sum, term) => sum + term.points, 0),
    explanation.priority!.score,
    'the arithmetic adds up to the score recorded',
  );
  t.match(explainPriority(log(), 'r2', halfPast(7)), { status: 'rejected', ranking: { rank: null, tier: null, tierReason: null, ranked: 2 } }, 'a rejected requirement has no rank');
  t.match(explainPriority(log(), 'r3', halfPast(4)), { priority: null, ranking: { rank: null, ranked: 1, vitalFewCount: 1, cutOffScore: 5 } }, 'a captured one has no priority yet');
  t.equal(explainPriority(log(), 'r3', minute(2)), undefined, 'before its capture there is nothing to explain');
});

t.test('the OpenAPI examples are answers the schemas accept', async (t) => {
  for (const schema of [Changes, PriorityExplanation]) {
    const examples = (schema.meta()?.['examples'] ?? []) as unknown[];
    t.ok(examples.length > 0, 'an example is documented');
    for (const example of examples) t.ok(schema.safeParse(example).success, JSON.stringify(schema.safeParse(example).error?.issues ?? []));
  }
  t.ok(Changes.safeParse({ engagementId: E1, from: minute(1), to: minute(2), changes: changesBetween(log(), minute(1), minute(8)) }).success, 'so is a computed answer');
  t.ok(PriorityExplanation.safeParse(explainPriority(log(), 'r1', minute(8))).success);
});
