/**
 * The 20/80 ranking through time: the requirement events of one engagement folded in log order by
 * the backlog projection (the fold the live read model and `asOf` use), the cohort's ranking kept
 * up to date after every event (`rankedCohort`). A requirement's tier depends on the
 * whole cohort, so it can move when another requirement is prioritized or rejected; the walk
 * records each such move with the event that caused it.
 */
import type { RecordedEvent } from '../../contracts/index.js';
import { applyInOrder, rankBacklog, rankedCohort, requirementBacklog, type BacklogItem, type Ranking } from '../../projections/index.js';

/** A requirement's tier changed (from or to none: it entered or left the ranking) because of `event`. */
export type TierMove = { event: RecordedEvent; requirementId: string; from: Ranking; to: Ranking };

export type RankingWalk = {
  items: Map<string, BacklogItem>;
  rankings: Map<string, Ranking>;
  moves: TierMove[];
};

export const UNRANKED: Ranking = { rank: null, tier: null, score: null };

/** Whether an event happened at or before `instant` (as the backlog's `asOf` reads it). */
export const occurredBy = (instant: string) => {
  const until = Date.parse(instant);
  return (event: RecordedEvent): boolean => Date.parse(event.occurredAt) <= until;
};

/** Walks `events` (in log order); `until` leaves out what happened after that instant. */
export const walkRanking = (events: Iterable<RecordedEvent>, until?: string): RankingWalk => {
  const within = until === undefined ? () => true : occurredBy(until);
  const items = new Map<string, BacklogItem>();
  const cohort = rankedCohort();
  const moves: TierMove[] = [];
  for (const event of events) {
    if (!within(event)) continue;
    for (const id of requirementBacklog.route(event)) {
      // The backlog's own fold, one document at a time: copying every document per event would make the walk quadratic.
      const before = items.get(id);
      const after = applyInOrder(requirementBacklog, before === undefined ? new Map() : new Map([[id, before]]), [event]).get(id);
      if (after === undefined) items.delete(id);
      else items.set(id, after);
      if (after === undefined || after === before) continue;
      for (const [requirementId, { from, to }] of cohort.update(after)) {
        if (from.tier !== to.tier) moves.push({ event, requirementId, from, to });
      }
    }
  }
  return { items, rankings: new Map(rankBacklog([...items.values()]).map(({ id, rank, tier, score }) => [id, { rank, tier, score }])), moves };
};
