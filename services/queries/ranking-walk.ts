/**
 * The 20/80 ranking through time: the requirement events of one engagement folded in log order by
 * the backlog projection (the fold the live read model and `asOf` use), the cohort ranked again
 * after every event that changed who is ranked or by what. A requirement's tier depends on the
 * whole cohort, so it can move when another requirement is prioritized or rejected; the walk
 * records each such move with the event that caused it.
 */
import type { RecordedEvent } from '../../contracts/index.js';
import { applyInOrder, isRanked, rankBacklog, requirementBacklog, type BacklogItem, type Ranking } from '../../projections/index.js';

/** A requirement's tier changed (from or to none: it entered or left the ranking) because of `event`. */
export type TierMove = { event: RecordedEvent; requirementId: string; from: Ranking; to: Ranking };

export type RankingWalk = {
  items: Map<string, BacklogItem>;
  rankings: Map<string, Ranking>;
  moves: TierMove[];
};

export const UNRANKED: Ranking = { rank: null, tier: null, score: null };

/** What the ranking reads of an item: whether it is ranked, its score and its place among equal scores. */
const rankingInput = (item: BacklogItem | undefined): string | undefined =>
  item !== undefined && isRanked(item) ? `${item.priority!.score}@${item.prioritizedPosition}` : undefined;

const rank = (items: ReadonlyMap<string, BacklogItem>): Map<string, Ranking> =>
  new Map(rankBacklog([...items.values()]).map(({ id, rank, tier, score }) => [id, { rank, tier, score }]));

/** Whether an event happened at or before `instant` (as the backlog's `asOf` reads it). */
export const occurredBy = (instant: string) => {
  const until = Date.parse(instant);
  return (event: RecordedEvent): boolean => Date.parse(event.occurredAt) <= until;
};

/** Walks `events` (in log order); `until` leaves out what happened after that instant. */
export const walkRanking = (events: Iterable<RecordedEvent>, until?: string): RankingWalk => {
  const within = until === undefined ? () => true : occurredBy(until);
  let items = new Map<string, BacklogItem>();
  let rankings = new Map<string, Ranking>();
  const moves: TierMove[] = [];
  for (const event of events) {
    if (!within(event)) continue;
    const next = applyInOrder(requirementBacklog, items, [event]);
    const touched = requirementBacklog.route(event);
    const before = items;
    items = next;
    if (touched.every((id) => rankingInput(before.get(id)) === rankingInput(next.get(id)))) continue;
    const ranked = rank(next);
    for (const [id, to] of ranked) {
      const from = rankings.get(id) ?? UNRANKED;
      if (from.tier !== to.tier) moves.push({ event, requirementId: id, from, to });
    }
    rankings = ranked;
  }
  return { items, rankings: rank(items), moves };
};
