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
  // Listed field by field so that nothing but the metadata schema's fields reaches the log, and in
  // canonical key order, so that its canonical text is written without sorting (`canonical-json.ts`).
  metadata: {
    actor: envelope.actor,
    causationId: envelope.causationId,
    correlationId: envelope.correlationId,
    engagementId: envelope.engagementId,
    occurredAt: envelope.occurredAt,
    schemaVersion: envelope.schemaVersion,
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
  return { serialized: sealed, last };
};

/** How a batch is sealed and serialized for the log: `sealAndSerialize`, unless a benchmark measures without it. */
export type Sealing = typeof sealAndSerialize;

/** An event exactly as stored, with its place in the log: what the chain is verified over. */
export type StoredEvent = ChainedEvent & { position: string };

/**
 * A stored event read from JSON text. Its bodies are parsed when first asked for, so that a
 * verification that hashes the stored text (`storedDigest`) never parses them. A class, not an
 * object literal with accessors: those cost an engine more than the parsing they save. Its bodies
 * are accessors of the class, so a spread copy (`{ ...event }`) holds only the event's place and
 * must name `data` and `metadata`, as `withPersonalDataErased` does; JSON sees them through
 * `toJSON`. A copy never carries the stored text, so a changed copy is always checked in full.
 */
class StoredRow implements StoredEvent {
  #data: unknown;
  #metadata: StoredEvent['metadata'] | undefined;
  readonly #text: StoredText;

  constructor(
    readonly streamId: string,
    readonly revision: number,
    readonly position: string,
    readonly eventId: string,
    readonly type: string,
    text: StoredText,
  ) {
    this.#text = text;
  }

  get storedText(): StoredText {
    return this.#text;
  }

  get data(): unknown {
    if (this.#data === undefined) this.#data = JSON.parse(this.#text.data) as unknown;
    return this.#data;
  }

  get metadata(): StoredEvent['metadata'] {
    this.#metadata ??= JSON.parse(this.#text.metadata) as StoredEvent['metadata'];
    return this.#metadata;
  }

  toJSON(): StoredEvent {
    return { streamId: this.streamId, revision: this.revision, position: this.position, eventId: this.eventId, type: this.type, data: this.data, metadata: this.metadata };
  }
}

export const toStoredEvent = (serialized: SerializedEvent, location: LogLocation): StoredEvent =>
  new StoredRow(location.streamId, location.revision, location.position, serialized.eventId, serialized.type, { data: serialized.data, metadata: serialized.metadata });

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
