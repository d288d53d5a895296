/**
 * Given / then for projections: `projectionSpec(projection)(t).given(events).then(documentsById)`.
 * The events are routed and folded into documents per id in log order – as the runtime does, but
 * without its position guard, which `projections/apply.ts` adds and its own tests cover. Documents
 * and events are deep-frozen before `apply` sees them, so an update that mutates its input throws.
 *
 * `eventLog()` records events the way the store hands them back: validated envelopes with
 * positions 1, 2, 3 …, a revision per stream from 0, event ids and times that follow from the
 * position (`eventIdAt(n)`, `minute(n)`), and the actor and engagement of the context.
 */
import type { Test } from 'tap';
import { DomainEvent, EventMetadata, type Actor, type RecordedEvent } from '../../contracts/index.js';
import type { Projection, ReadDocument } from '../../projections/index.js';
import { consultant, E1, NOW } from './fixtures.js';

type Assert = Pick<Test, 'strictSame' | 'match'>;

/** The time of the event at log position `n`: a minute apart, from `NOW`. */
export const minute = (n: number): string => new Date(Date.parse(NOW) + n * 60_000).toISOString();

/** The id of the event at log position `n`. */
export const eventIdAt = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

export type RecordContext = { actor?: Actor; at?: string; engagementId?: string; correlationId?: string };

const streamOf = (event: DomainEvent): string => {
  const data: Record<string, unknown> = event.data;
  if (typeof data.requirementId === 'string') return `requirement-${data.requirementId}`;
  if (typeof data.interviewId === 'string') return `interview-${data.interviewId}`;
  if (typeof data.baselineId === 'string') return `baseline-${data.baselineId}`;
  return `engagement-${String(data.engagementId)}`;
};

export const eventLog = (defaults: { actor?: Actor; engagementId?: string } = {}) => {
  const revisions = new Map<string, number>();
  let position = 0;
  const record = (event: DomainEvent, context: RecordContext = {}): RecordedEvent => {
    position += 1;
    const streamId = streamOf(event);
    const revision = (revisions.get(streamId) ?? -1) + 1;
    revisions.set(streamId, revision);
    const engagementId = context.engagementId ?? defaults.engagementId ?? E1;
    const metadata = EventMetadata.parse({
      eventId: eventIdAt(position),
      schemaVersion: 1,
      occurredAt: context.at ?? minute(position),
      actor: context.actor ?? defaults.actor ?? consultant,
      correlationId: context.correlationId ?? `corr-${position}`,
      causationId: `cmd-${position}`,
      engagementId,
    });
    return { ...DomainEvent.parse(event), ...metadata, streamId, revision, position: String(position) };
  };
  return {
    record,
    /** Several events of one command (or of one actor), in order. */
    recordAll: (events: readonly DomainEvent[], context: RecordContext = {}) => events.map((event) => record(event, context)),
  };
};

/** Events recorded on a fresh log with the default context, for specs that need nothing else. */
export const recorded = (events: readonly DomainEvent[], context: RecordContext = {}): RecordedEvent[] =>
  eventLog().recordAll(events, context);

export const deepFreeze = <T>(value: T): T => {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
};

/** Routes and folds `events` in order, without a position guard. */
export const fold = <D extends ReadDocument>(projection: Projection<D>, events: readonly RecordedEvent[]): Map<string, D> => {
  const documents = new Map<string, D>();
  for (const event of events) {
    for (const id of projection.route(deepFreeze(event))) {
      const next = projection.apply(deepFreeze(documents.get(id)), event, id);
      if (next === undefined) documents.delete(id);
      else documents.set(id, next);
    }
  }
  return documents;
};

export const projectionSpec =
  <D extends ReadDocument>(projection: Projection<D>) =>
  (t: Assert) => ({
    given: (events: readonly RecordedEvent[]) => {
      const documents = fold(projection, events);
      return {
        /** Exactly these documents, and no others. */
        then: (expected: Record<string, D>) =>
          t.strictSame(Object.fromEntries(documents), expected, `${projection.name}: the expected documents`),
        /** Documents that have at least these fields (arrays and nested objects as `t.match` reads them). */
        thenMatch: (expected: Record<string, unknown>) =>
          t.match(Object.fromEntries(documents), expected, `${projection.name}: documents with the expected fields`),
        documents,
      };
    },
  });
