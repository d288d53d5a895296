/**
 * The 20/80 tier (DOMAIN.md, seed 001) – a backlog concern, because a requirement's rank depends
 * on every other requirement of its engagement, so no single document can hold it. Computed when
 * the backlog is read (now or as of a past instant), from the documents of one engagement.
 *
 * Ranked: prioritized, non-rejected requirements (status prioritized, accepted or deferred, with a
 * priority). Rank 1, 2, … by score descending, ties broken by the earlier (latest) prioritization,
 * i.e. the lower log position. Tier `vital-few` when the requirement touches the safety of money or
 * the client said it cares (those come first whatever their rank), or when its rank is within the
 * top ceil(20 %) of the ranked requirements; otherwise `trivial-many`. Everything else – captured,
 * or rejected – has neither rank nor tier.
 */
import type { RequirementStatus } from '../contracts/index.js';
import { comparePositions } from './apply.js';
import type { BacklogItem } from './requirement-backlog.js';

export const TIERS = ['vital-few', 'trivial-many'] as const;
export type Tier = (typeof TIERS)[number];

export type Ranking = { rank: number | null; tier: Tier | null; score: number | null };

/** A backlog item as the backlog answers it: the stored document with its ranking. */
export type RankedBacklogItem = BacklogItem & Ranking;

/** What ranking needs of a backlog item. */
export type Rankable = {
  id: string;
  engagementId: string;
  status: RequirementStatus;
  priority?: { score: number; inputs: { fundSafety: boolean; stakeholderConcern: boolean } };
  prioritizedPosition?: string;
};

const RANKED_STATUSES: ReadonlySet<RequirementStatus> = new Set(['prioritized', 'accepted', 'deferred']);

export const isRanked = (item: Rankable): boolean => item.priority !== undefined && RANKED_STATUSES.has(item.status);

/** How many of `ranked` requirements make the top 20 %: ceil(ranked / 5), in integers (0.2 · 15 is not 3 in floating point). */
export const vitalFewCount = (ranked: number): number => Math.ceil(ranked / 5);

/** Why a ranked requirement is in its tier: the first of these that holds, in this order. */
export const TIER_REASONS = ['fund-safety', 'stakeholder-concern', 'within-vital-few-count', 'beyond-vital-few-count'] as const;
export type TierReason = (typeof TIER_REASONS)[number];

/** The reason for the tier of the requirement at `rank` among requirements whose top `vitalFew` make the vital few. */
export const tierReason = (inputs: { fundSafety: boolean; stakeholderConcern: boolean }, rank: number, vitalFew: number): TierReason =>
  inputs.fundSafety ? 'fund-safety' : inputs.stakeholderConcern ? 'stakeholder-concern' : rank <= vitalFew ? 'within-vital-few-count' : 'beyond-vital-few-count';

export const tierFor = (reason: TierReason): Tier => (reason === 'beyond-vital-few-count' ? 'trivial-many' : 'vital-few');

const byScoreThenEarlierPrioritization = (a: Rankable, b: Rankable): number =>
  b.priority!.score - a.priority!.score ||
  comparePositions(a.prioritizedPosition ?? '0', b.prioritizedPosition ?? '0') ||
  (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Each item with its rank, tier and score, in the order given. Items of several engagements are
 * ranked each within their own engagement.
 */
export const rankBacklog = <T extends Rankable>(items: readonly T[]): (T & Ranking)[] => {
  const rankings = new Map<T, Ranking>();
  const engagements = new Map<string, T[]>();
  for (const item of items) {
    if (!isRanked(item)) continue;
    engagements.set(item.engagementId, [...(engagements.get(item.engagementId) ?? []), item]);
  }
  for (const ranked of engagements.values()) {
    const top = vitalFewCount(ranked.length);
    [...ranked].sort(byScoreThenEarlierPrioritization).forEach((item, index) => {
      const rank = index + 1;
      const { score, inputs } = item.priority!;
      rankings.set(item, { rank, tier: tierFor(tierReason(inputs, rank, top)), score });
    });
  }
  return items.map((item) => ({ ...item, ...(rankings.get(item) ?? { rank: null, tier: null, score: item.priority?.score ?? null }) }));
};

const tierOrder = (tier: Tier | null): number => (tier === null ? TIERS.length : TIERS.indexOf(tier));

/**
 * The order the backlog is answered in: vital few, then trivial many, then unranked; within each,
 * score descending, then rank ascending; unscored last; the id settles what is left. A new array.
 */
export const sortBacklog = <T extends { id: string } & Ranking>(items: readonly T[]): T[] =>
  [...items].sort(
    (a, b) =>
      tierOrder(a.tier) - tierOrder(b.tier) ||
      (b.score ?? -1) - (a.score ?? -1) ||
      (a.rank ?? Number.MAX_SAFE_INTEGER) - (b.rank ?? Number.MAX_SAFE_INTEGER) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );

/**
 * One engagement's ranking kept up to date requirement by requirement, for walking the log and
 * ranking after every event (what `rankBacklog` gives from scratch, with the same order and the
 * same tier rule). A change moves one requirement and the ranks between its old and new place by
 * one, and the vital-few count by at most one, so a tier can only change for that requirement or
 * near the cut: `update` answers those, as they stood before the change and after it.
 */
export const rankedCohort = () => {
  const order: Rankable[] = [];
  const current = new Map<string, Rankable>();
  /** Where `item` is, or would go, in `order`. */
  const placeOf = (item: Rankable): number => {
    let low = 0;
    let high = order.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (byScoreThenEarlierPrioritization(order[middle]!, item) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  };
  const ranking = (id: string): Ranking => {
    const item = current.get(id);
    if (item === undefined) return { rank: null, tier: null, score: null };
    const rank = placeOf(item) + 1;
    return { rank, tier: tierFor(tierReason(item.priority!.inputs, rank, vitalFewCount(order.length))), score: item.priority!.score };
  };
  /** The requirements around the cut, `margin` places either side of it. */
  const nearTheCut = (margin: number): string[] => {
    const cut = vitalFewCount(order.length);
    return order.slice(Math.max(0, cut - margin), cut + margin).map((item) => item.id);
  };
  return {
    ranking,
    /**
     * Puts `item` in its place (out of the ranking when it is not ranked) and answers the ranking,
     * before and after, of every requirement whose tier may have changed.
     */
    update: (item: Rankable): Map<string, { from: Ranking; to: Ranking }> => {
      // A tier can flip only for a requirement whose new place is within two of the new cut (ranks
      // and the cut each move by at most one); before the change those were within four of the cut.
      const before = new Map([item.id, ...nearTheCut(4)].map((id) => [id, ranking(id)]));
      const previous = current.get(item.id);
      if (previous !== undefined) {
        order.splice(placeOf(previous), 1);
        current.delete(item.id);
      }
      if (isRanked(item)) {
        order.splice(placeOf(item), 0, item);
        current.set(item.id, item);
      }
      const affected = new Set([item.id, ...nearTheCut(2)]);
      return new Map([...affected].map((id) => [id, { from: before.get(id)!, to: ranking(id) }]));
    },
  };
};
