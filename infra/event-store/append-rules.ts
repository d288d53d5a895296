/**
 * The rules of an append, shared by the adapters that keep their own log (in memory, SQLite):
 * a batch whose first event id is already stored is a retry, answered with the earlier result when
 * the whole batch is what was stored; otherwise every id must be new and the expected revision must
 * hold. EventStoreDB applies its own equivalent rules on the server.
 */
import type { AppendResult, ExpectedRevision } from './port.js';

/** The revision of a stream's last event, or `no-stream`. */
export type StreamRevision = number | 'no-stream';

/** What the rules need to look up in a log; every lookup sees the log as of the append's start. */
export interface AppendLookups {
  revisionOf(stream: string): StreamRevision;
  /** Where an event id is stored, if anywhere. */
  locate(eventId: string): { streamId: string; revision: number } | undefined;
  /** Up to `count` events of `stream` from `revision` on, in revision order. */
  eventIdsFrom(stream: string, revision: number, count: number): readonly { eventId: string; position: string }[];
}

export type AppendDecision =
  | { kind: 'append'; firstRevision: number }
  | { kind: 'answer'; result: AppendResult };

export const expectationHolds = (expected: ExpectedRevision, actual: StreamRevision): boolean => {
  switch (expected) {
    case 'any':
      return true;
    case 'no-stream':
      return actual === 'no-stream';
    case 'stream-exists':
      return actual !== 'no-stream';
    default:
      return actual === expected;
  }
};

export const wrongExpectedRevision = (actualRevision: StreamRevision): AppendResult => ({
  ok: false,
  reason: 'wrong-expected-revision',
  actualRevision,
});

export const decideAppend = (
  log: AppendLookups,
  stream: string,
  eventIds: readonly string[],
  expected: ExpectedRevision,
): AppendDecision => {
  const [firstId] = eventIds;
  if (firstId === undefined) throw new RangeError('an append needs at least one event');
  const conflict = (): AppendDecision => ({ kind: 'answer', result: wrongExpectedRevision(log.revisionOf(stream)) });

  const earlier = log.locate(firstId);
  if (earlier) {
    if (earlier.streamId !== stream) return conflict();
    const stored = log.eventIdsFrom(stream, earlier.revision, eventIds.length);
    const sameBatch = stored.length === eventIds.length && stored.every((event, i) => event.eventId === eventIds[i]);
    const last = stored.at(-1);
    if (!sameBatch || !last) return conflict();
    return { kind: 'answer', result: { ok: true, revision: earlier.revision + eventIds.length - 1, position: last.position } };
  }

  // Ids are unique across the log, so an id used by another append (or twice in this batch) makes
  // this batch neither new nor a retry.
  if (new Set(eventIds).size !== eventIds.length) return conflict();
  if (eventIds.some((id, i) => i > 0 && log.locate(id) !== undefined)) return conflict();

  const current = log.revisionOf(stream);
  if (!expectationHolds(expected, current)) return { kind: 'answer', result: wrongExpectedRevision(current) };
  return { kind: 'append', firstRevision: current === 'no-stream' ? 0 : current + 1 };
};
