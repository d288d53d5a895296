/**
 * The backlog answer: items ranked by the 20/80 rule across the engagement, filtered, sorted and
 * cut into pages. The same code answers the live backlog (from the read model) and the backlog as
 * of a past instant (from the log, folded with the same projection).
 */
import type { RecordedEvent } from '../../contracts/index.js';
import { project, rankBacklog, requirementBacklog, sortBacklog, TIERS, type BacklogItem, type RankedBacklogItem } from '../../projections/index.js';

export type BacklogQuery = {
  status?: string;
  category?: string;
  department?: string;
  tier?: string;
  limit: number;
  cursor?: string;
};

type SortKey = { t: number; s: number; r: number; id: string };
const keyOf = (item: RankedBacklogItem): SortKey => ({
  t: item.tier === null ? TIERS.length : TIERS.indexOf(item.tier),
  s: item.score ?? -1,
  r: item.rank ?? Number.MAX_SAFE_INTEGER,
  id: item.id,
});
const after = (a: SortKey, b: SortKey) => a.t - b.t || b.s - a.s || a.r - b.r || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export const encodeCursor = (key: object) => Buffer.from(JSON.stringify(key)).toString('base64url');
export const decodeCursor = <T>(cursor: string, valid: (value: unknown) => value is T): T | undefined => {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return valid(value) ? value : undefined;
  } catch {
    return undefined;
  }
};
const isSortKey = (v: unknown): v is SortKey =>
  typeof v === 'object' && v !== null && ['t', 's', 'r'].every((k) => typeof (v as Record<string, unknown>)[k] === 'number') && typeof (v as SortKey).id === 'string';

export class InvalidCursorError extends Error {}

/** One page of the ranked, filtered backlog and the cursor of the next (null on the last page). */
export const backlogPage = (items: readonly BacklogItem[], query: BacklogQuery): { items: RankedBacklogItem[]; nextCursor: string | null } => {
  const start = query.cursor === undefined ? undefined : decodeCursor(query.cursor, isSortKey);
  if (query.cursor !== undefined && start === undefined) throw new InvalidCursorError('the cursor is not one this backlog gave out');
  const selected = sortBacklog(rankBacklog(items)).filter(
    (item) =>
      (query.status === undefined || item.status === query.status) &&
      (query.category === undefined || item.category === query.category) &&
      (query.department === undefined || item.departments.includes(query.department)) &&
      (query.tier === undefined || item.tier === query.tier) &&
      (start === undefined || after(keyOf(item), start) > 0),
  );
  const page = selected.slice(0, query.limit);
  const last = page.at(-1);
  return { items: page, nextCursor: selected.length > query.limit && last ? encodeCursor(keyOf(last)) : null };
};

/** The backlog items as they stood at `asOf`: the requirement events up to that instant, folded by the live projection's code. */
export const backlogAsOf = (events: Iterable<RecordedEvent>, asOf: string): BacklogItem[] => {
  const until = Date.parse(asOf);
  const upToThen = [...events].filter((event) => Date.parse(event.occurredAt) <= until);
  return [...project(requirementBacklog, upToThen).values()];
};
