/**
 * Reading a log that this package keeps itself (in memory, SQLite) in bounded steps. A filtered
 * step looks at a window of positions rather than "the next n matches", so that a narrow filter
 * over a long log neither loads nor blocks on more than a window at a time, and so that each step
 * knows how far it has looked – which is what a subscription's checkpoint reports.
 */
import type { RecordedEvent } from '../../contracts/index.js';
import { isRestrictive } from './log-filter.js';
import { BEFORE_FIRST, parsePosition } from './log-position.js';
import type { LogFilter, LogStart } from './port.js';

export interface ScannableLog {
  /** Position of the last event, undefined for an empty log. */
  head(): bigint | undefined;
  /** Events at positions in (after, upTo] that match `filter`, in log order, at most `limit`. */
  eventsBetween(after: bigint, upTo: bigint, filter: LogFilter | undefined, limit: number): RecordedEvent[];
}

export type ScanTuning = {
  /** Most events decoded at a time. */
  pageSize: number;
  /** Most positions a filtered step looks at. */
  searchWindow: number;
};

export type ScanStep = {
  events: RecordedEvent[];
  /** Every matching event up to here has been returned by this or an earlier step. */
  scannedTo: bigint;
  atHead: boolean;
};

export const scanStep = (
  log: ScannableLog,
  after: bigint,
  filter: LogFilter | undefined,
  limit: number,
  tuning: ScanTuning,
): ScanStep => {
  // The head is read before the events: whatever is appended in between lies beyond it, so
  // `scannedTo` never passes an event that was not looked at.
  const head = log.head();
  if (head === undefined || after >= head) return { events: [], scannedTo: after, atHead: true };
  const windowEnd = after + BigInt(tuning.searchWindow);
  const upTo = isRestrictive(filter) && windowEnd < head ? windowEnd : head;
  const events = log.eventsBetween(after, upTo, filter, limit);
  const last = events.at(-1);
  const scannedTo = events.length === limit && last ? BigInt(last.position) : upTo;
  return { events, scannedTo, atHead: scannedTo >= head };
};

/** The port's `readAll`: 'end' reads nothing, since a read has no live part. */
export async function* readLog(
  log: ScannableLog,
  options: { start?: LogStart; filter?: LogFilter | undefined; limit?: number | undefined },
  tuning: ScanTuning,
): AsyncGenerator<RecordedEvent, void, undefined> {
  const start = options.start ?? 'start';
  if (start === 'end') return;
  let remaining = options.limit ?? Number.POSITIVE_INFINITY;
  let cursor = start === 'start' ? BEFORE_FIRST : parsePosition(start.after);
  while (remaining > 0) {
    const step = scanStep(log, cursor, options.filter, Math.min(tuning.pageSize, remaining), tuning);
    for (const event of step.events) yield event;
    remaining -= step.events.length;
    cursor = step.scannedTo;
    if (step.atHead) return;
  }
}
