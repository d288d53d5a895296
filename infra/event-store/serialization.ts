/**
 * How an event envelope is stored and read back, for every adapter: the event id and type travel
 * as the store's own fields, the domain event's `data` as one JSON body and the rest of the
 * envelope as a JSON metadata body. SQLite keeps both bodies as text columns; EventStoreDB sends
 * them as the event's data and metadata.
 *
 * Reading does not validate with zod: only validated envelopes are ever appended, and a projection
 * rebuild decodes every event of the log, so the read path stays at two `JSON.parse` calls and the
 * upcaster chain.
 */
import {
  currentSchemaVersion,
  upcast,
  UPCASTERS,
  type EventEnvelope,
  type EventMetadata,
  type RecordedEvent,
  type UpcasterRegistry,
} from '../../contracts/index.js';
import { sealTexts, type ChainedEvent, type EventProof, type StoredText } from './chain.js';

/**
 * The envelope fields kept in the metadata body (the event id is a field of its own), and the
 * event's place in the chained history (`chain.ts`; absent on events stored before it existed).
 */
export type StoredMetadata = Omit<EventMetadata, 'eventId'> & { proof?: EventProof };

/** An envelope split into the store's fields, bodies still as JSON-ready values. */
export type EventRecord = { eventId: string; type: string; data: unknown; metadata: StoredMetadata };

/** An envelope split into the store's fields, bodies as JSON text. */
export type SerializedEvent = { eventId: string; type: string; data: string; metadata: string };

/** Where an event sits: its stream, its 0-based revision there and its position in the log. */
export type LogLocation = { streamId: string; revision: number; position: string };

/** Which upcasters bring stored events to which schema versions; tests inject their own. */
export type Upcasting = { upcasters: UpcasterRegistry; currentVersion: (type: string) => number | undefined };

export const CURRENT_UPCASTING: Upcasting = { upcasters: UPCASTERS, currentVersion: currentSchemaVersion };

export const toEventRecord = (envelope: EventEnvelope): EventRecord => ({
  eventId: envelope.eventId,
  type: envelope.type,
  data: envelope.data,
  // Listed field by field so that nothing but the metadata schema's fields reaches the log.
  metadata: {
    schemaVersion: envelope.schemaVersion,
    occurredAt: envelope.occurredAt,
    actor: envelope.actor,
    correlationId: envelope.correlationId,
    causationId: envelope.causationId,
    engagementId: envelope.engagementId,
  },
});

export const serializeEvent = (envelope: EventEnvelope): SerializedEvent => {
  const record = toEventRecord(envelope);
  return {
    eventId: record.eventId,
    type: record.type,
    data: JSON.stringify(record.data),
    metadata: JSON.stringify(record.metadata),
  };
};

/**
 * Seals a batch for `stream` from `firstRevision` on, after the event whose digest `prev` looks up, and
 * serializes it: the metadata of each event gains its proof. The bodies are written once, as the
 * canonical text the digest is computed over, so that verification can hash what is stored.
 */
export const sealAndSerialize = (
  stream: string,
  firstRevision: number,
  prev: () => string,
  envelopes: readonly EventEnvelope[],
): { serialized: SerializedEvent[]; last: string } => {
  const { sealed, last } = sealTexts(stream, firstRevision, prev(), envelopes.map(toEventRecord));
  return { serialized: sealed.map(({ eventId, type, data, metadata }) => ({ eventId, type, data, metadata })), last };
};

/** How a batch is sealed and serialized for the log: `sealAndSerialize`, unless a benchmark measures without it. */
export type Sealing = typeof sealAndSerialize;

/** An event exactly as stored, with its place in the log: what the chain is verified over. */
export type StoredEvent = ChainedEvent & { position: string };

/**
 * A stored event read from JSON text. Its bodies are parsed when first asked for, so that a
 * verification that hashes the stored text (`storedDigest`) never parses them; they are own
 * enumerable accessors, so a copy (`{ ...event }`) or JSON sees the parsed bodies like those of any
 * other event. The text itself is not enumerable: a copy never carries it, so a changed copy is
 * always checked in full.
 */
export const toStoredEvent = (serialized: SerializedEvent, location: LogLocation): StoredEvent => {
  let data: unknown;
  let metadata: StoredEvent['metadata'] | undefined;
  const text: StoredText = { data: serialized.data, metadata: serialized.metadata };
  const event: StoredEvent = {
    streamId: location.streamId,
    revision: location.revision,
    position: location.position,
    eventId: serialized.eventId,
    type: serialized.type,
    get data(): unknown {
      if (data === undefined) data = JSON.parse(text.data) as unknown;
      return data;
    },
    get metadata(): StoredEvent['metadata'] {
      metadata ??= JSON.parse(text.metadata) as StoredEvent['metadata'];
      return metadata;
    },
  };
  return Object.defineProperty(event, 'storedText', { value: text, enumerable: false });
};

export const fromEventRecord = (
  record: EventRecord,
  location: LogLocation,
  upcasting: Upcasting = CURRENT_UPCASTING,
): RecordedEvent => {
  const metadata = record.metadata;
  const current = upcast(
    { type: record.type, schemaVersion: metadata.schemaVersion, data: record.data },
    upcasting.upcasters,
    upcasting.currentVersion,
  );
  const recorded = {
    type: current.type,
    data: current.data,
    eventId: record.eventId,
    schemaVersion: current.schemaVersion,
    occurredAt: metadata.occurredAt,
    actor: metadata.actor,
    correlationId: metadata.correlationId,
    causationId: metadata.causationId,
    engagementId: metadata.engagementId,
    streamId: location.streamId,
    revision: location.revision,
    position: location.position,
  };
  // Trusted without parsing: the log holds only envelopes that were validated before the append,
  // and the upcasters bring older ones to the current shape.
  return recorded as RecordedEvent;
};

export const deserializeEvent = (
  serialized: SerializedEvent,
  location: LogLocation,
  upcasting: Upcasting = CURRENT_UPCASTING,
): RecordedEvent =>
  fromEventRecord(
    {
      eventId: serialized.eventId,
      type: serialized.type,
      data: JSON.parse(serialized.data) as unknown,
      metadata: JSON.parse(serialized.metadata) as StoredMetadata,
    },
    location,
    upcasting,
  );
