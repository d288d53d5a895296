/**
 * The event store in memory, for tests: the same promises as the durable adapters, down to
 * storing serialized events so that every read goes through the same decoding and upcasting.
 */
import type { EventEnvelope, RecordedEvent } from '../../contracts/index.js';
import { decideAppend, type AppendLookups, type StreamRevision } from './append-rules.js';
import { CatchUpSubscription, type FollowableLog, type FollowTuning } from './catch-up-subscription.js';
import { matchesLogFilter } from './log-filter.js';
import { formatPosition, startingAfter } from './log-position.js';
import { readLog } from './log-scan.js';
import {
  EventStoreUnavailableError,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type LogFilter,
  type LogStart,
  type LogSubscription,
} from './port.js';
import { prevOfNext } from './chain.js';
import {
  CURRENT_UPCASTING,
  deserializeEvent,
  sealAndSerialize,
  toStoredEvent,
  type SerializedEvent,
  type StoredEvent,
  type Upcasting,
} from './serialization.js';

type Entry = { serialized: SerializedEvent; streamId: string; revision: number; position: number; engagementId: string };

/** A stored entry of the in-memory log, as `tamper` hands it out. */
export type TamperableEntry = Entry;

export type InMemoryEventStoreOptions = {
  upcasting?: Upcasting;
  /** Positions a filtered subscription passes over before it sends a checkpoint. */
  checkpointEvery?: number;
};

export class InMemoryEventStore implements EventStore {
  /** `log[i]` is at position i + 1. */
  readonly #log: Entry[] = [];
  readonly #streams = new Map<string, Entry[]>();
  readonly #positionsById = new Map<string, number>();
  readonly #appendListeners = new Set<() => void>();
  readonly #subscriptions = new Set<CatchUpSubscription>();
  readonly #upcasting: Upcasting;
  readonly #tuning: FollowTuning;
  #closed = false;

  constructor(options: InMemoryEventStoreOptions = {}) {
    this.#upcasting = options.upcasting ?? CURRENT_UPCASTING;
    this.#tuning = { pageSize: 500, searchWindow: 4_096, checkpointEvery: options.checkpointEvery ?? 1_000 };
  }

  async appendToStream(stream: string, events: readonly EventEnvelope[], expected: ExpectedRevision): Promise<AppendResult> {
    this.#ensureOpen();
    const decision = decideAppend(this.#lookups, stream, events.map((event) => event.eventId), expected);
    if (decision.kind === 'answer') return decision.result;

    const streamEntries = this.#streams.get(stream) ?? [];
    const { serialized } = sealAndSerialize(stream, decision.firstRevision, () => prevOfNext(
      streamEntries.length > 0 ? this.#stored(streamEntries.at(-1)!) : undefined,
      () => streamEntries.map((entry) => this.#stored(entry)),
    ), events);
    this.#streams.set(stream, streamEntries);
    serialized.forEach((event, i) => {
      const position = this.#log.length + 1;
      const entry = { serialized: event, streamId: stream, revision: decision.firstRevision + i, position, engagementId: events[i]!.engagementId };
      this.#log.push(entry);
      streamEntries.push(entry);
      this.#positionsById.set(event.eventId, position);
    });
    for (const listener of [...this.#appendListeners]) listener();
    return { ok: true, revision: decision.firstRevision + events.length - 1, position: formatPosition(this.#log.length) };
  }

  async *readStream(stream: string, options: { fromRevision?: number } = {}): AsyncIterable<RecordedEvent> {
    this.#ensureOpen();
    const entries = this.#streams.get(stream) ?? [];
    for (let revision = Math.max(0, options.fromRevision ?? 0); revision < entries.length; revision++) {
      yield this.#decode(entries[revision]!.position);
    }
  }

  readAll(options: { start?: LogStart; filter?: LogFilter; limit?: number } = {}): AsyncIterable<RecordedEvent> {
    this.#ensureOpen();
    return readLog(this.#followable, options, this.#tuning);
  }

  async *readEngagement(engagementId: string, options: { streamPrefixes?: readonly string[] } = {}): AsyncIterable<RecordedEvent> {
    this.#ensureOpen();
    const filter = { streamPrefixes: options.streamPrefixes ?? [] };
    for (let index = 0; index < this.#log.length; index++) {
      const entry = this.#log[index]!;
      if (entry.engagementId === engagementId && matchesLogFilter(filter, entry.streamId, entry.serialized.type)) {
        yield this.#decode(index + 1);
      }
    }
  }

  async *readEngagementAsStored(engagementId: string): AsyncIterable<readonly StoredEvent[]> {
    this.#ensureOpen();
    const entries = this.#log.filter((entry) => entry.engagementId === engagementId);
    for (let from = 0; from < entries.length; from += this.#tuning.pageSize) {
      yield entries.slice(from, from + this.#tuning.pageSize).map((entry) => this.#stored(entry));
    }
  }

  /**
   * The log as a test double: `tamper` gets the stored entries (serialized bodies and their
   * places) to edit, drop, swap or add to, as someone with access to the storage could.
   */
  tamper(edit: (log: TamperableEntry[]) => void): void {
    edit(this.#log);
    this.#streams.clear();
    this.#positionsById.clear();
    this.#log.forEach((entry, i) => {
      entry.position = i + 1;
      const stream = this.#streams.get(entry.streamId) ?? [];
      stream.push(entry);
      this.#streams.set(entry.streamId, stream);
      this.#positionsById.set(entry.serialized.eventId, i + 1);
    });
  }

  subscribeToAll(options: { start: LogStart; filter?: LogFilter }): LogSubscription {
    this.#ensureOpen();
    const subscription = new CatchUpSubscription(
      this.#followable,
      startingAfter(options.start, () => this.#head()),
      options.filter,
      this.#tuning,
      (closed) => this.#subscriptions.delete(closed),
    );
    this.#subscriptions.add(subscription);
    return subscription;
  }

  async headPosition(): Promise<string | undefined> {
    this.#ensureOpen();
    const head = this.#head();
    return head === undefined ? undefined : formatPosition(head);
  }

  async ping(): Promise<void> {
    this.#ensureOpen();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#subscriptions].map((subscription) => subscription.close()));
  }

  readonly #lookups: AppendLookups = {
    revisionOf: (stream): StreamRevision => {
      const length = this.#streams.get(stream)?.length ?? 0;
      return length === 0 ? 'no-stream' : length - 1;
    },
    locate: (eventId) => {
      const position = this.#positionsById.get(eventId);
      const entry = position === undefined ? undefined : this.#log[position - 1];
      return entry && { streamId: entry.streamId, revision: entry.revision };
    },
    eventIdsFrom: (stream, revision, count) =>
      (this.#streams.get(stream) ?? []).slice(revision, revision + count).map((entry) => ({
        eventId: entry.serialized.eventId,
        position: formatPosition(entry.position),
      })),
  };

  readonly #followable: FollowableLog = {
    head: () => this.#head(),
    eventsBetween: (after, upTo, filter, limit) => {
      const events: RecordedEvent[] = [];
      for (let position = Number(after) + 1; position <= Number(upTo) && events.length < limit; position++) {
        const entry = this.#log[position - 1];
        if (entry && matchesLogFilter(filter, entry.streamId, entry.serialized.type)) events.push(this.#decode(position));
      }
      return events;
    },
    onAppend: (listener) => {
      this.#appendListeners.add(listener);
      return () => this.#appendListeners.delete(listener);
    },
  };

  #stored(entry: Entry): StoredEvent {
    return toStoredEvent(entry.serialized, { streamId: entry.streamId, revision: entry.revision, position: formatPosition(entry.position) });
  }

  #head(): bigint | undefined {
    return this.#log.length === 0 ? undefined : BigInt(this.#log.length);
  }

  #decode(position: number): RecordedEvent {
    const entry = this.#log[position - 1]!;
    return deserializeEvent(
      entry.serialized,
      { streamId: entry.streamId, revision: entry.revision, position: formatPosition(position) },
      this.#upcasting,
    );
  }

  #ensureOpen(): void {
    if (this.#closed) throw new EventStoreUnavailableError('the in-memory event store is closed');
  }
}
