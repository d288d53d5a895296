/**
 * A catch-up subscription to `$all` through @eventstore/db-client, as the port's `LogSubscription`.
 *
 * The client delivers events as the items of a Node stream, but `caughtUp` as an event emitted and
 * checkpoints through a callback, both at the moment the gRPC message is processed – while events
 * that came before may still sit in the stream's buffer. So each of them is queued as a marker that
 * counts the events pushed before it (those read plus those still buffered) and is delivered once
 * that many events have been read: the port's messages keep the server's order.
 *
 * `caught-up` is derived as well, because servers before 23.10 never send it: the head of the log
 * is read before the subscription starts, and the subscription counts as caught up at whichever
 * comes first – the server's `caughtUp`, or an event or checkpoint at or past that head (at once
 * when it starts at or past the head). The position it reports is the furthest of the head, the
 * start and what the server has passed: everything up to it has been delivered.
 *
 * The server may filter on stream names or on event types, not both: the stream prefixes go to
 * the server when there are any, the event types otherwise (as prefixes, then matched exactly),
 * and every event is matched against the whole filter here. Without a filter the server leaves out
 * system events. A filter also makes the server send checkpoints.
 */
import {
  START,
  eventTypeFilter,
  excludeSystemEvents,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type EventStoreDBClient,
  type Filter,
  type Position,
  type ReadPosition,
} from '@eventstore/db-client';
import type { RecordedEvent } from '../../contracts/index.js';
import { translateEsdbError } from './esdb-errors.js';
import { fromPosition, isSystemEvent, toPosition } from './esdb-records.js';
import { matchesLogFilter } from './log-filter.js';
import { comparePositions, EventStoreUnavailableError, type LogFilter, type LogMessage, type LogStart, type LogSubscription } from './port.js';

export type EsdbSubscriptionSource = {
  client: EventStoreDBClient;
  /** The position of the last event of the log that is not a system event. */
  headPosition(): Promise<string | undefined>;
  decode(event: NonNullable<AllStreamResolvedEvent['event']>): RecordedEvent;
  /** Multiples of the server's search window (32 events) after which it sends a checkpoint. */
  checkpointInterval: number;
};

/** A message from the server that is not an event, waiting for the events pushed before it. */
type Marker = { afterEvents: number } & ({ kind: 'caught-up' } | { kind: 'checkpoint'; position: string });

/** Where the subscription starts, fixed when the head has been read. */
type Origin = { after: string | undefined; head: string | undefined };

const later = (a: string | undefined, b: string | undefined): string | undefined =>
  a === undefined ? b : b === undefined ? a : comparePositions(a, b) >= 0 ? a : b;

export class EsdbSubscription implements LogSubscription {
  readonly #source: EsdbSubscriptionSource;
  readonly #filter: LogFilter | undefined;
  readonly #onClose: (subscription: EsdbSubscription) => void;
  readonly #origin: Promise<Origin>;
  readonly #markers: Marker[] = [];
  #driver: AllStreamSubscription | undefined;
  #messages: AsyncGenerator<LogMessage, void, undefined> | undefined;
  /** Events read from the driver's stream, delivered or filtered out. */
  #eventsRead = 0;
  #failure: unknown;
  #ended = false;
  #closed = false;
  #wake: (() => void) | undefined;

  constructor(source: EsdbSubscriptionSource, start: LogStart, filter: LogFilter | undefined, onClose: (subscription: EsdbSubscription) => void) {
    this.#source = source;
    this.#filter = filter;
    this.#onClose = onClose;
    // Started now rather than at the first `next()`, so that 'end' means the end as of subscribing.
    this.#origin = this.#open(start);
    this.#origin.catch(() => undefined); // the failure is raised by the first `next()`
  }

  [Symbol.asyncIterator](): AsyncIterator<LogMessage> {
    this.#messages ??= this.#follow();
    return this.#messages;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#wake?.();
    this.#onClose(this);
    const driver = this.#driver;
    if (!driver) return;
    try {
      await driver.unsubscribe();
    } catch {
      // The call never started: there is nothing to cancel.
    }
    // Drained rather than destroyed: the client's gRPC stream finishes (and `client.dispose()` stops
    // waiting for it) only once what it holds has been consumed, should the server have ended the call.
    driver.removeAllListeners('readable');
    driver.resume();
  }

  async #open(start: LogStart): Promise<Origin> {
    // The head is read before subscribing: whatever is appended in between comes after it, so the
    // derived caught-up never claims an event that was not delivered.
    const head = await this.#source.headPosition();
    const after = start === 'start' ? undefined : start === 'end' ? head : start.after;
    if (this.#closed) return { after, head };
    const fromPosition: ReadPosition = after === undefined ? START : toPosition(after);
    const driver = this.#source.client.subscribeToAll({ fromPosition, filter: this.#serverFilter() });
    this.#driver = driver;
    driver.on('readable', () => this.#wake?.());
    driver.on('caughtUp', () => this.#mark({ kind: 'caught-up' }));
    driver.on('end', () => {
      this.#ended = true;
      this.#wake?.();
    });
    driver.on('error', (error) => {
      this.#failure ??= error;
      this.#wake?.();
    });
    return { after, head };
  }

  #serverFilter(): Filter {
    const settings = {
      checkpointInterval: this.#source.checkpointInterval,
      checkpointReached: (_: AllStreamSubscription, position: Position) => this.#mark({ kind: 'checkpoint', position: fromPosition(position) }),
    };
    const streamPrefixes = this.#filter?.streamPrefixes ?? [];
    const eventTypes = this.#filter?.eventTypes ?? [];
    if (streamPrefixes.length > 0) return streamNameFilter({ prefixes: [...streamPrefixes], ...settings });
    if (eventTypes.length > 0) return eventTypeFilter({ prefixes: [...eventTypes], ...settings });
    return excludeSystemEvents(settings);
  }

  #mark(marker: { kind: 'caught-up' } | { kind: 'checkpoint'; position: string }): void {
    // Everything pushed before this message has either been read or is still buffered.
    this.#markers.push({ ...marker, afterEvents: this.#eventsRead + (this.#driver?.readableLength ?? 0) });
    this.#wake?.();
  }

  async *#follow(): AsyncGenerator<LogMessage, void, undefined> {
    try {
      const { after, head } = await this.#origin;
      let caughtUp = false;
      /** The furthest position the server has passed, by any event or checkpoint. */
      let passed = after;
      /** The furthest position named in a message to the consumer, or the start, which the consumer named. */
      let reported = after;
      const reachesHead = (position: string | undefined) =>
        position !== undefined && (head === undefined || comparePositions(position, head) >= 0);
      const caughtUpAt = (position: string | undefined): LogMessage => {
        caughtUp = true;
        reported = later(reported, position);
        return { kind: 'caught-up', position };
      };

      if (this.#closed) return;
      if (head === undefined || reachesHead(after)) yield caughtUpAt(after);

      while (!this.#closed) {
        const marker = this.#markers[0];
        if (marker && marker.afterEvents <= this.#eventsRead) {
          this.#markers.shift();
          if (marker.kind === 'caught-up') {
            if (!caughtUp) yield caughtUpAt(later(later(head, after), passed));
            continue;
          }
          passed = later(passed, marker.position);
          if (reported === undefined || comparePositions(marker.position, reported) > 0) {
            reported = marker.position;
            yield { kind: 'checkpoint', position: marker.position };
          }
          if (!caughtUp && reachesHead(marker.position)) yield caughtUpAt(marker.position);
          continue;
        }

        const resolved = this.#driver?.read() as AllStreamResolvedEvent | null | undefined;
        if (resolved) {
          this.#eventsRead++;
          const event = resolved.event;
          if (!event) continue;
          const position = fromPosition(event.position);
          passed = later(passed, position);
          if (!isSystemEvent(event) && matchesLogFilter(this.#filter, event.streamId, event.type)) {
            reported = later(reported, position);
            yield { kind: 'event', event: this.#source.decode(event) };
          }
          if (!caughtUp && reachesHead(position)) yield caughtUpAt(position);
          continue;
        }

        if (this.#closed) return;
        if (this.#failure !== undefined) throw translateEsdbError(this.#failure, 'following the log');
        if (this.#ended) throw new EventStoreUnavailableError('EventStoreDB ended the subscription to the log');
        await this.#nextChange();
      }
    } finally {
      await this.close();
    }
  }

  /** Resolves when the driver has something new – an item, a marker, an end or an error – or on close. */
  #nextChange(): Promise<void> {
    return new Promise((resolve) => {
      this.#wake = () => {
        this.#wake = undefined;
        resolve();
      };
    });
  }
}
