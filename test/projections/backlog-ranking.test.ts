import t from 'tap';
import fc from 'fast-check';
import type { RequirementStatus } from '../../contracts/index.js';
import { rankBacklog, rankedCohort, sortBacklog, tierFor, tierReason, vitalFewCount, type Rankable } from '../../projections/index.js';

type Flags = { fundSafety?: boolean; stakeholderConcern?: boolean };
/** A prioritized requirement with `score`, prioritized at log position `position`. */
const item = (id: string, score: number, position: number, opts: Flags & { status?: RequirementStatus; engagementId?: string } = {}): Rankable => ({
  id,
  engagementId: opts.engagementId ?? 'eng-1',
  status: opts.status ?? 'prioritized',
  priority: { score, inputs: { fundSafety: opts.fundSafety ?? false, stakeholderConcern: opts.stakeholderConcern ?? false } },
  prioritizedPosition: String(position),
});
const captured = (id: string): Rankable => ({ id, engagementId: 'eng-1', status: 'captured' });
/** n requirements with distinct scores n, n-1, …, 1, none flagged. */
const descending = (n: number) => Array.from({ length: n }, (_, i) => item(`r${i + 1}`, n - i, 100 + i));
const tiersOf = (items: Rankable[]) => Object.fromEntries(rankBacklog(items).map((r) => [r.id, r.tier]));
const ranksOf = (items: Rankable[]) => Object.fromEntries(rankBacklog(items).map((r) => [r.id, r.rank]));

t.test('the top ceil(20 %) of the ranked requirements are the vital few', async (t) => {
  for (const [n, vital] of [[1, 1], [4, 1], [5, 1], [6, 2], [10, 2], [11, 3], [15, 3], [16, 4]] as const) {
    const ranked = rankBacklog(descending(n));
    t.equal(ranked.filter((r) => r.tier === 'vital-few').length, vital, `${n} requirements: ${vital} vital`);
    t.same(
      ranked.filter((r) => r.tier === 'vital-few').map((r) => r.rank),
      Array.from({ length: vital }, (_, i) => i + 1),
      `${n} requirements: the vital ones are the best ranked`,
    );
  }
  t.equal(vitalFewCount(0), 0, 'nothing ranked, nothing vital');
  t.equal(vitalFewCount(15), 3, '15 · 20 % is 3, not 4 (0.2 · 15 is 3.0000000000000004 in floating point)');
});

t.test('a single prioritized requirement is rank 1 and vital', async (t) => {
  t.same(rankBacklog([item('r1', 0, 7)]), [{ ...item('r1', 0, 7), rank: 1, tier: 'vital-few', score: 0 }]);
});

t.test('equal scores rank by the earlier prioritization', async (t) => {
  const items = [item('late', 9, 30), item('early', 9, 10), item('middle', 9, 20), item('low', 3, 5), item('lower', 2, 1), item('lowest', 1, 2)];
  t.same(ranksOf(items), { late: 3, early: 1, middle: 2, low: 4, lower: 5, lowest: 6 });
  t.same(
    tiersOf(items),
    { early: 'vital-few', middle: 'vital-few', late: 'trivial-many', low: 'trivial-many', lower: 'trivial-many', lowest: 'trivial-many' },
    'of three equal scores at the 20 % boundary (6 → 2 vital) the two prioritized first are vital',
  );
  t.same(ranksOf([item('a', 5, 2), item('b', 5, 10)]), { a: 1, b: 2 }, 'positions compare as numbers, not text ("10" > "2")');
});

t.test('money and the client’s concern make a requirement vital whatever its rank', async (t) => {
  const items = [...descending(9), item('money', 0, 1, { fundSafety: true }), item('asked', 1, 2, { stakeholderConcern: true })];
  const ranked = Object.fromEntries(rankBacklog(items).map((r) => [r.id, r]));
  t.match(ranked.money, { rank: 11, tier: 'vital-few' }, 'fund safety: vital at the last rank');
  t.match(ranked.asked, { rank: 9, tier: 'vital-few' }, 'stakeholder concern: vital at rank 9 (ties r9 on score, prioritized earlier)');
  t.same(
    rankBacklog(items).filter((r) => r.tier === 'vital-few').map((r) => r.id).sort(),
    ['asked', 'money', 'r1', 'r2', 'r3'],
    '11 ranked: the top 3 by score, plus the two flagged',
  );
});

t.test('only prioritized, non-rejected requirements are ranked and counted', async (t) => {
  const items = [
    ...descending(5),
    item('rejected-high', 15, 1, { status: 'rejected', fundSafety: true, stakeholderConcern: true }),
    captured('captured'),
    item('accepted', 0, 3, { status: 'accepted' }),
    item('deferred', 0, 4, { status: 'deferred' }),
  ];
  const ranked = Object.fromEntries(rankBacklog(items).map((r) => [r.id, r]));
  t.match(ranked['rejected-high'], { rank: null, tier: null, score: 15 }, 'rejected: no rank, no tier, even flagged; the score stays visible');
  t.match(ranked.captured, { rank: null, tier: null, score: null }, 'not prioritized: nothing');
  t.match(ranked.accepted, { rank: 6, tier: 'trivial-many' }, 'accepted requirements are ranked');
  t.match(ranked.deferred, { rank: 7, tier: 'trivial-many' }, 'deferred requirements are ranked');
  t.equal(rankBacklog(items).filter((r) => r.tier === 'vital-few').length, 2, '7 ranked (the rejected one not counted): ceil(1.4) = 2 vital');
  t.same(
    ranksOf(descending(5)),
    Object.fromEntries(Object.entries(ranksOf(items)).filter(([id]) => id.startsWith('r') && !id.startsWith('rej'))),
    'the rejected requirement, though scored highest, takes no rank from the others',
  );
});

t.test('each engagement is ranked on its own', async (t) => {
  const other = [item('x1', 15, 1, { engagementId: 'eng-2' }), item('x2', 14, 2, { engagementId: 'eng-2' })];
  t.same(ranksOf([...descending(2), ...other]), { r1: 1, r2: 2, x1: 1, x2: 2 });
});

t.test('ranking keeps the input order and leaves its input alone', async (t) => {
  const items = Object.freeze([item('b', 1, 2), captured('c'), item('a', 2, 1)]);
  t.same(rankBacklog(items).map((r) => r.id), ['b', 'c', 'a']);
});

t.test('the backlog is answered vital few first, then trivial many, then unranked; by score, then rank', async (t) => {
  const ranked = rankBacklog([
    captured('c-unscored'),
    item('rej', 12, 1, { status: 'rejected' }),
    ...descending(6),
    item('flagged', 1, 200, { stakeholderConcern: true }),
  ]);
  t.same(sortBacklog(ranked).map((r) => `${r.id}:${r.tier}:${r.rank}`), [
    'r1:vital-few:1',
    'r2:vital-few:2',
    'flagged:vital-few:7',
    'r3:trivial-many:3',
    'r4:trivial-many:4',
    'r5:trivial-many:5',
    'r6:trivial-many:6',
    'rej:null:null',
    'c-unscored:null:null',
  ]);
});

const arbitraryBacklog = fc
  .array(
    fc.record({
      score: fc.integer({ min: 0, max: 15 }),
      status: fc.constantFrom<RequirementStatus>('captured', 'prioritized', 'accepted', 'deferred', 'rejected'),
      fundSafety: fc.boolean(),
      stakeholderConcern: fc.boolean(),
    }),
    { maxLength: 40 },
  )
  .map((rows) =>
    rows.map((row, i) =>
      row.status === 'captured' ? captured(`q${i}`) : item(`q${i}`, row.score, i + 1, { status: row.status, fundSafety: row.fundSafety, stakeholderConcern: row.stakeholderConcern }),
    ),
  );
const flagged = (r: Rankable) => !!(r.priority?.inputs.fundSafety || r.priority?.inputs.stakeholderConcern);

t.test('properties of the 20/80 ranking', async (t) => {
  fc.assert(
    fc.property(arbitraryBacklog, (items) => {
      const ranked = rankBacklog(items);
      const eligible = items.filter((r) => r.priority && r.status !== 'rejected' && r.status !== 'captured');
      const withRank = ranked.filter((r) => r.rank !== null);
      // Ranks are 1 … n over exactly the prioritized, non-rejected requirements.
      if (withRank.length !== eligible.length) return false;
      if (withRank.map((r) => r.rank).sort((a, b) => a! - b!).some((rank, i) => rank !== i + 1)) return false;
      // A better rank never has a lower score.
      const byRank = [...withRank].sort((a, b) => a.rank! - b.rank!);
      if (byRank.some((r, i) => i > 0 && r.score! > byRank[i - 1]!.score!)) return false;
      // Unflagged vital-few are at most ceil(20 %), and none scores below an unflagged trivial-many.
      const vitalByRank = withRank.filter((r) => r.tier === 'vital-few' && !flagged(r));
      const trivial = withRank.filter((r) => r.tier === 'trivial-many');
      if (vitalByRank.length > Math.ceil(eligible.length / 5)) return false;
      if (vitalByRank.some((v) => trivial.some((x) => x.score! > v.score!))) return false;
      // Flagged requirements with a rank are always vital; nothing without a rank has a tier.
      if (withRank.some((r) => flagged(r) && r.tier !== 'vital-few')) return false;
      return ranked.every((r) => (r.rank === null) === (r.tier === null));
    }),
  );
  t.pass('rank and tier follow DOMAIN.md for any backlog');
});

t.test('the ranking does not depend on the order the items are read in', async (t) => {
  fc.assert(
    fc.property(arbitraryBacklog, fc.func(fc.integer()), (items, key) => {
      const shuffled = [...items].sort((a, b) => key(a.id) - key(b.id));
      const expected = Object.fromEntries(rankBacklog(items).map((r) => [r.id, `${r.rank}:${r.tier}`]));
      return rankBacklog(shuffled).every((r) => expected[r.id] === `${r.rank}:${r.tier}`);
    }),
  );
  t.pass('same ranks and tiers in any order');
});

t.test('sorting is a permutation ordered by tier, then score', async (t) => {
  const tierIndex = (tier: string | null) => (tier === 'vital-few' ? 0 : tier === 'trivial-many' ? 1 : 2);
  fc.assert(
    fc.property(arbitraryBacklog, (items) => {
      const sorted = sortBacklog(rankBacklog(items));
      if (sorted.length !== items.length || new Set(sorted.map((r) => r.id)).size !== items.length) return false;
      return sorted.every((r, i) => {
        if (i === 0) return true;
        const before = sorted[i - 1]!;
        const tierStep = tierIndex(r.tier) - tierIndex(before.tier);
        return tierStep > 0 || (tierStep === 0 && (r.score ?? -1) <= (before.score ?? -1));
      });
    }),
  );
  t.pass('ordered as the backlog is answered');
});

t.test('the reason for a tier: money first, then the client’s concern, then the rank against the vital-few count', async (t) => {
  const none = { fundSafety: false, stakeholderConcern: false };
  t.equal(tierReason({ fundSafety: true, stakeholderConcern: true }, 9, 1), 'fund-safety');
  t.equal(tierReason({ ...none, stakeholderConcern: true }, 9, 1), 'stakeholder-concern');
  t.equal(tierReason(none, 2, 2), 'within-vital-few-count');
  t.equal(tierReason(none, 3, 2), 'beyond-vital-few-count');
  t.same(['fund-safety', 'stakeholder-concern', 'within-vital-few-count', 'beyond-vital-few-count'].map((r) => tierFor(r as never)), ['vital-few', 'vital-few', 'vital-few', 'trivial-many']);
  const ranked = rankBacklog(descending(11));
  t.ok(ranked.every((r) => r.tier === tierFor(tierReason({ fundSafety: false, stakeholderConcern: false }, r.rank!, vitalFewCount(11)))), 'the backlog’s tiers follow their reasons');
});

t.test('the cohort kept up to date ranks as the backlog does, and names every requirement whose tier changed', async () => {
  const change = fc.record({
    id: fc.constantFrom(...Array.from({ length: 14 }, (_, i) => `r${i}`)),
    score: fc.integer({ min: 0, max: 15 }),
    status: fc.constantFrom<RequirementStatus>('prioritized', 'prioritized', 'accepted', 'deferred', 'rejected', 'captured'),
    fundSafety: fc.boolean(),
  });
  fc.assert(
    fc.property(fc.array(change, { minLength: 1, maxLength: 60 }), (changes) => {
      const cohort = rankedCohort();
      const items = new Map<string, Rankable>();
      let before = new Map<string, string | null>();
      changes.forEach((c, step) => {
        const updated = { ...item(c.id, c.score, step + 1, { status: c.status, fundSafety: c.fundSafety && c.score % 3 === 0 }), ...(c.status === 'captured' ? { priority: undefined } : {}) };
        items.set(c.id, updated);
        const answered = cohort.update(updated);
        const expected = new Map(rankBacklog([...items.values()]).map((r) => [r.id, r]));
        for (const [id, r] of expected) {
          const got = cohort.ranking(id);
          if (got.rank !== r.rank || got.tier !== r.tier) throw new Error(`step ${step}: ${id} ranked ${JSON.stringify(got)}, the backlog says ${r.rank} ${r.tier}`);
          const was = before.get(id) ?? null;
          if (was !== r.tier) {
            const move = answered.get(id);
            if (move === undefined || move.from.tier !== was || move.to.tier !== r.tier) throw new Error(`step ${step}: ${id} moved ${was} → ${r.tier} unannounced`);
          }
        }
        before = new Map([...expected].map(([id, r]) => [id, r.tier]));
      });
    }),
    { numRuns: 300 },
  );
});
