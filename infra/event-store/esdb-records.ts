/**
 * The port's shapes in @eventstore/db-client's terms and back: envelopes as JSON events (the
 * split into id, type, data and metadata is `serialization.ts`'s), expected and actual revisions,
 * positions, and the recorded events the client hands out.
 *
 * A position of the port is the event's commit position as a decimal string. The log positions the
 * port hands out are always those of events, whose commit and prepare positions are equal (written
 * without explicit transactions), so a position is turned back into `{ commit, prepare }` with both
 * set to it.
 */
import {
  ANY,
  NO_STREAM,
  STREAM_EXISTS,
  jsonEvent,
  type AppendExpectedRevision,
  type CurrentRevision,
  type EventData,
  type JSONType,
  type Position,
  type RecordedEvent as DriverRecordedEvent,
} from '@eventstore/db-client';
import type { EventEnvelope, RecordedEvent } from '../../contracts/index.js';
import { parsePosition } from './log-position.js';
import type { ExpectedRevision } from './port.js';
import { sealBatch } from './chain.js';
import { fromEventRecord, toEventRecord, type StoredEvent, type StoredMetadata, type Upcasting } from './serialization.js';

/** A batch for `stream` from `firstRevision` on, after the event whose digest is `prev`, sealed (`chain.ts`). */
export const toSealedEventData = (stream: string, firstRevision: number, prev: string, envelopes: readonly EventEnvelope[]): EventData[] =>
  sealBatch(stream, firstRevision, prev, envelopes.map(toEventRecord)).sealed.map((record) =>
    jsonEvent({ id: record.eventId, type: record.type, data: record.data as JSONType, metadata: record.metadata }),
  );

/** An event this service wrote, exactly as stored; undefined for anything else. */
export const toStoredEvent = (event: DriverRecordedEvent): StoredEvent | undefined => {
  const metadata = storedMetadataOf(event);
  if (!metadata || !event.position) return undefined;
  return {
    streamId: event.streamId,
    revision: Number(event.revision),
    position: fromPosition(event.position),
    eventId: event.id,
    type: event.type,
    data: event.data,
    metadata: metadata as StoredEvent['metadata'],
  };
};

export const toExpectedRevision = (expected: ExpectedRevision): AppendExpectedRevision => {
  switch (expected) {
    case 'no-stream':
      return NO_STREAM;
    case 'stream-exists':
      return STREAM_EXISTS;
    case 'any':
      return ANY;
    default:
      return BigInt(expected);
  }
};

export const toActualRevision = (actual: CurrentRevision): number | 'no-stream' => (actual === NO_STREAM ? 'no-stream' : Number(actual));

export const toPosition = (position: string): Position => {
  const at = parsePosition(position);
  return { commit: at, prepare: at };
};

export const fromPosition = (position: Position): string => position.commit.toString(10);

/** What servers before 22.6 send as the position of an event read from a stream: none. */
const UNKNOWN_POSITION = 2n ** 64n - 1n;

/** Server-internal events (`$metadata`, `$>` links, statistics…) and the events of `$`-streams. */
export const isSystemEvent = (event: { type: string; streamId: string }): boolean =>
  event.type.startsWith('$') || event.streamId.startsWith('$');

/** The envelope metadata of an event this service wrote, or undefined for anything else. */
export const storedMetadataOf = (event: DriverRecordedEvent): StoredMetadata | undefined => {
  const metadata = event.metadata as Partial<StoredMetadata> | Uint8Array | undefined;
  if (!event.isJson || metadata === undefined || metadata instanceof Uint8Array || typeof metadata !== 'object') return undefined;
  return typeof metadata.schemaVersion === 'number' && typeof metadata.engagementId === 'string' ? (metadata as StoredMetadata) : undefined;
};

export const toRecordedEvent = (event: DriverRecordedEvent, upcasting: Upcasting): RecordedEvent => {
  const metadata = storedMetadataOf(event);
  const position = event.position;
  if (!metadata || !position || position.commit === UNKNOWN_POSITION) {
    const what = metadata ? 'without a log position (servers before 22.6 omit it on stream reads)' : 'that this service did not write';
    throw new Error(`EventStoreDB returned event ${event.id} in ${event.streamId}@${event.revision} ${what}`);
  }
  return fromEventRecord(
    { eventId: event.id, type: event.type, data: event.data, metadata },
    { streamId: event.streamId, revision: Number(event.revision), position: fromPosition(position) },
    upcasting,
  );
};
