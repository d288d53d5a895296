/**
 * The event store on EventStoreDB, through @eventstore/db-client 6.x (gRPC). Streams are the
 * caller's; every event is a JSON event with the envelope's event id, its domain event type, the
 * domain event's data and the rest of the envelope as metadata (`serialization.ts`). Positions are
 * commit positions as decimal strings.
 *
 * The server keeps the promises that the other adapters keep in code: it checks the expected
 * revision, and it answers a retried batch (same ids at the same expected revision) with the
 * earlier result instead of writing it twice – with `any`, only as long as it remembers the write.
 * Unlike the adapters with their own log it does not make an event id unique across the whole log;
 * the ids are deterministic per command, so a retry carries the same ids to the same stream, which
 * is the case the server recognises.
 *
 * Reads of `$all`: client 6.x sends no server-side filter with a read (only with a subscription),
 * so `readAll` reads the log from its start position and filters as it goes; system events
 * (`$`-types, `$`-streams) are always left out.
 *
 * `readEngagement`: EventStoreDB has no secondary index on the engagement id (and no `$by…`
 * projections may be assumed), so it is a scan of the relevant part of the log: `$all` from the
 * start, of which only the engagement's stream kinds are looked at, keeping the events whose
 * metadata names the engagement (checked before decoding). Linear in the size of the log;
 * acceptable because it serves phase-gate decisions, which are rare, while everything frequent
 * reads one stream or follows a subscription.
 *
 * Failures: a server that cannot be reached, is going away or does not answer in time is an
 * `EventStoreUnavailableError` (`esdb-errors.ts`); `ping` waits `pingTimeoutMs` at most, because
 * the client gives reads no deadline of its own, and appends wait `appendDeadlineMs`.
 */
import { BACKWARDS, END, EventStoreDBClient, FORWARDS, START, type AllStreamRecordedEvent, type ReadPosition } from '@eventstore/db-client';
import type { EventEnvelope, RecordedEvent } from '../../contracts/index.js';
import { wrongExpectedRevision } from './append-rules.js';
import { isWrongExpectedVersion, translateEsdbError } from './esdb-errors.js';
import { driverRead, drainWithin } from './esdb-read.js';
import {
  fromPosition,
  isSystemEvent,
  storedMetadataOf,
  toActualRevision,
  toSealedEventData,
  toStoredEvent,
  toExpectedRevision,
  toRecordedEvent,
} from './esdb-records.js';
import { EsdbSubscription, type EsdbSubscriptionSource } from './esdb-subscription.js';
import { matchesLogFilter } from './log-filter.js';
import { parsePosition } from './log-position.js';
import {
  EventStoreUnavailableError,
  streamName,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type LogFilter,
  type LogStart,
  type LogSubscription,
} from './port.js';
import { prevOfNext } from './chain.js';
import { CURRENT_UPCASTING, type StoredEvent, type Upcasting } from './serialization.js';

export type EsdbEventStoreOptions = {
  upcasting?: Upcasting;
  /** How long `ping` waits for an answer; default 2 s. */
  pingTimeoutMs?: number;
  /** Deadline of one append; default 10 s, the client's own default. */
  appendDeadlineMs?: number;
  /** Multiples of the server's 32-event search window after which a subscription gets a checkpoint; default 32. */
  checkpointInterval?: number;
};

/** The stream kinds of an engagement, as `readEngagement` reads them by default. */
const ENGAGEMENT_STREAM_PREFIXES = [streamName.engagement(''), streamName.interview(''), streamName.requirement(''), streamName.baseline('')];

/** Appends with `any` or `stream-exists` that lose the race for the stream this often in a row answer a conflict. */
const MAX_LOOSE_ATTEMPTS = 8;

/** How many of a stream's last events are searched for a retried batch sent with `any` or `stream-exists`. */
const RETRY_WINDOW = 64;

/** Events handed out at a time by `readEngagementAsStored`, as the embedded stores' pages. */
const STORED_PAGE = 500;

/** Events read at a time while looking backwards for the last event that is not a system event. */
const HEAD_SEARCH_PAGE = 100;

export class EsdbEventStore implements EventStore {
  readonly #client: EventStoreDBClient;
  readonly #upcasting: Upcasting;
  readonly #pingTimeoutMs: number;
  readonly #appendDeadlineMs: number;
  readonly #subscriptions = new Set<EsdbSubscription>();
  readonly #subscriptionSource: EsdbSubscriptionSource;
  #closed = false;

  constructor(client: EventStoreDBClient, options: EsdbEventStoreOptions = {}) {
    this.#client = client;
    this.#upcasting = options.upcasting ?? CURRENT_UPCASTING;
    this.#pingTimeoutMs = options.pingTimeoutMs ?? 2_000;
    this.#appendDeadlineMs = options.appendDeadlineMs ?? 10_000;
    this.#subscriptionSource = {
      client,
      headPosition: () => this.headPosition(),
      decode: (event) => toRecordedEvent(event, this.#upcasting),
      checkpointInterval: options.checkpointInterval ?? 32,
    };
  }

  /**
   * The chain (`chain.ts`) needs each event's predecessor, so an append reads the stream's last
   * event first and sends the batch sealed after it with that exact revision: the server then
   * refuses the batch if anything was appended in between. A caller's `any` or `stream-exists` is
   * kept by retrying on fresh state, unless the batch is already in the stream (a retry), which
   * is sent as it was asked for so that the server answers with the earlier result.
   */
  async appendToStream(stream: string, events: readonly EventEnvelope[], expected: ExpectedRevision): Promise<AppendResult> {
    this.#ensureOpen();
    if (events.length === 0) throw new RangeError('an append needs at least one event');
    try {
      for (let attempt = 1; ; attempt++) {
        const tail = await this.#lastOf(stream);
        const actual = tail ? tail.revision : 'no-stream';
        if (expected === 'stream-exists' && actual === 'no-stream') return wrongExpectedRevision(actual);
        const loose = expected === 'any' || expected === 'stream-exists';
        const retried = loose && (await this.#holds(stream, events[0]!.eventId));
        const sent: ExpectedRevision = loose && !retried ? actual : expected;
        const data = toSealedEventData(stream, actual === 'no-stream' ? 0 : actual + 1, await this.#prevOfNext(stream, tail), events);
        try {
          const result = await this.#client.appendToStream(stream, data, { expectedRevision: toExpectedRevision(sent), deadline: this.#appendDeadlineMs });
          const revision = Number(result.nextExpectedRevision);
          // A retry the server recognised may come back without a position: look it up.
          const position = result.position ? fromPosition(result.position) : await this.#positionOf(stream, revision);
          return { ok: true, revision, position };
        } catch (error) {
          if (!isWrongExpectedVersion(error)) throw error;
          if (!loose || attempt >= MAX_LOOSE_ATTEMPTS) return wrongExpectedRevision(toActualRevision(error.actualVersion));
        }
      }
    } catch (error) {
      throw translateEsdbError(error, `appending to ${stream}`);
    }
  }

  async *readStream(stream: string, options: { fromRevision?: number } = {}): AsyncIterable<RecordedEvent> {
    this.#ensureOpen();
    const read = this.#client.readStream(stream, { fromRevision: BigInt(Math.max(0, options.fromRevision ?? 0)), direction: FORWARDS });
    for await (const resolved of driverRead(read, { doing: `reading ${stream}`, emptyWhenMissing: true })) {
      if (resolved.event) yield toRecordedEvent(resolved.event, this.#upcasting);
    }
  }

  async *readAll(options: { start?: LogStart; filter?: LogFilter; limit?: number } = {}): AsyncIterable<RecordedEvent> {
    this.#ensureOpen();
    const start = options.start ?? 'start';
    let remaining = options.limit ?? Number.POSITIVE_INFINITY;
    if (start === 'end' || remaining <= 0) return;
    for await (const event of this.#scanLog(start, options.filter)) {
      yield toRecordedEvent(event, this.#upcasting);
      if (--remaining <= 0) return;
    }
  }

  async *readEngagement(engagementId: string, options: { streamPrefixes?: readonly string[] } = {}): AsyncIterable<RecordedEvent> {
    this.#ensureOpen();
    const streamPrefixes = options.streamPrefixes?.length ? options.streamPrefixes : ENGAGEMENT_STREAM_PREFIXES;
    for await (const event of this.#scanLog('start', { streamPrefixes })) {
      // The engagement id is checked before decoding: most of what the scan passes is not wanted.
      if (storedMetadataOf(event)?.engagementId === engagementId) yield toRecordedEvent(event, this.#upcasting);
    }
  }

  subscribeToAll(options: { start: LogStart; filter?: LogFilter }): LogSubscription {
    this.#ensureOpen();
    const subscription = new EsdbSubscription(this.#subscriptionSource, options.start, options.filter, (closed) =>
      this.#subscriptions.delete(closed),
    );
    this.#subscriptions.add(subscription);
    return subscription;
  }

  async headPosition(): Promise<string | undefined> {
    this.#ensureOpen();
    let from: ReadPosition = END;
    for (;;) {
      const read = this.#client.readAll({ fromPosition: from, direction: BACKWARDS, maxCount: HEAD_SEARCH_PAGE });
      let count = 0;
      for await (const resolved of driverRead(read, { doing: 'reading the head of the log' })) {
        const event = resolved.event;
        if (!event) continue;
        count++;
        if (!isSystemEvent(event)) return fromPosition(event.position);
        from = event.position;
      }
      if (count < HEAD_SEARCH_PAGE) return undefined;
    }
  }

  async ping(): Promise<void> {
    this.#ensureOpen();
    const read = this.#client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1 });
    await drainWithin(read, this.#pingTimeoutMs, 'pinging');
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#subscriptions].map((subscription) => subscription.close()));
    await this.#client.dispose();
  }

  /** Events of `$all` after `start` that pass `filter`, system events left out, in log order. */
  async *#scanLog(start: 'start' | { after: string }, filter: LogFilter | undefined): AsyncGenerator<AllStreamRecordedEvent, void, undefined> {
    const after = start === 'start' ? undefined : parsePosition(start.after);
    const fromPosition: ReadPosition = after === undefined ? START : { commit: after, prepare: after };
    const read = this.#client.readAll({ fromPosition, direction: FORWARDS });
    for await (const resolved of driverRead(read, { doing: 'reading the log' })) {
      const event = resolved.event;
      // A forward read from a position includes the event there; the port's start is exclusive.
      if (!event || (after !== undefined && event.position.commit <= after)) continue;
      if (!isSystemEvent(event) && matchesLogFilter(filter, event.streamId, event.type)) yield event;
    }
  }

  async *readEngagementAsStored(engagementId: string): AsyncIterable<readonly StoredEvent[]> {
    this.#ensureOpen();
    let page: StoredEvent[] = [];
    for await (const event of this.#scanLog('start', { streamPrefixes: ENGAGEMENT_STREAM_PREFIXES })) {
      const stored = storedMetadataOf(event)?.engagementId === engagementId ? toStoredEvent(event) : undefined;
      if (!stored) continue;
      page.push(stored);
      if (page.length === STORED_PAGE) {
        yield page;
        page = [];
      }
    }
    if (page.length > 0) yield page;
  }

  /** The last event of `stream` as stored, if any. */
  async #lastOf(stream: string): Promise<StoredEvent | undefined> {
    const read = this.#client.readStream(stream, { fromRevision: END, direction: BACKWARDS, maxCount: 1 });
    for await (const resolved of driverRead(read, { doing: `reading the last event of ${stream}`, emptyWhenMissing: true })) {
      if (resolved.event) return toStoredEvent(resolved.event);
    }
    return undefined;
  }

  /** Whether one of the last events of `stream` has the id `eventId`. */
  async #holds(stream: string, eventId: string): Promise<boolean> {
    const read = this.#client.readStream(stream, { fromRevision: END, direction: BACKWARDS, maxCount: RETRY_WINDOW });
    let found = false;
    for await (const resolved of driverRead(read, { doing: `reading ${stream}`, emptyWhenMissing: true })) {
      if (resolved.event?.id === eventId) found = true;
    }
    return found;
  }

  async #prevOfNext(stream: string, tail: StoredEvent | undefined): Promise<string> {
    if (!tail?.metadata.proof) {
      const legacy: StoredEvent[] = [];
      const read = this.#client.readStream(stream, { fromRevision: START, direction: FORWARDS });
      for await (const resolved of driverRead(read, { doing: `reading ${stream}`, emptyWhenMissing: true })) {
        const stored = resolved.event && toStoredEvent(resolved.event);
        if (stored) legacy.push(stored);
      }
      return prevOfNext(tail, () => legacy);
    }
    return tail.metadata.proof.digest;
  }

  /** The log position of `stream`'s event at `revision`. */
  async #positionOf(stream: string, revision: number): Promise<string> {
    const read = this.#client.readStream(stream, { fromRevision: BigInt(revision), direction: FORWARDS, maxCount: 1 });
    for await (const resolved of driverRead(read, { doing: `reading ${stream}@${revision}` })) {
      if (resolved.event) return toRecordedEvent(resolved.event, this.#upcasting).position;
    }
    throw new Error(`EventStoreDB acknowledged an append to ${stream} at revision ${revision}, which it cannot read back`);
  }

  #ensureOpen(): void {
    if (this.#closed) throw new EventStoreUnavailableError('the EventStoreDB event store is closed');
  }
}

/**
 * Connects (lazily: the first call opens the channel) to the EventStoreDB at `url`, e.g.
 * `esdb://127.0.0.1:2113?tls=false`. A malformed URL fails here; an unreachable server fails the
 * first call – `ping()` tells.
 */
export const openEsdbEventStore = async (url: string, options?: EsdbEventStoreOptions): Promise<EsdbEventStore> => {
  let client: EventStoreDBClient;
  try {
    client = EventStoreDBClient.connectionString(url);
  } catch (error) {
    // Without the cause: it is a driver class, and its message repeats the URL with any password.
    const reason = (error instanceof Error ? error.message : String(error)).replace(/\/\/[^/@\s]*@/g, '//***@');
    throw new Error(`not an EventStoreDB connection string: ${reason}`);
  }
  return new EsdbEventStore(client, options);
};
