/**
 * Forwards the log's public events to the message bus, at least once and in log order.
 *
 * A session subscribes to the log after the stored checkpoint (only event types that map to
 * integration events), gathers what arrives into batches and sends one batch at a time; the
 * checkpoint moves to a batch's last position only after the broker acknowledged the whole batch.
 * Any failure – broker, log, checkpoint store – ends the session; the next one starts again from
 * the stored checkpoint after an exponential backoff, for as long as the publisher runs. Events
 * acknowledged but not yet checkpointed when a session ends are sent again: consumers dedupe by id.
 */
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { PUBLISHED_DOMAIN_EVENT_TYPES, toIntegrationEvent } from '../../contracts/index.js';
import { EventStoreUnavailableError, type EventStore, type LogFilter, type LogSubscription } from '../event-store/port.js';
import { BrokerUnavailableError, type MessageSink } from '../kafka/index.js';
import { backoffDelay, DEFAULT_BACKOFF, pause, StoppedError, type BackoffPolicy } from '../consumer/retry.js';
import { BatchQueue, type QueueItem } from './batch-queue.js';
import { CheckpointStoreError, type CheckpointStore } from './checkpoint-store.js';
import { CheckpointWriter } from './checkpoint-writer.js';
import { createPublisherMetrics, type ErrorStage, type PublisherLag, type PublisherMetrics } from './metrics.js';
import { messageBytes, toOutgoingMessage } from './outgoing-message.js';

/**
 * `starting` until the first session is open; `catching-up` while history is being sent; `live`
 * once everything up to the head of the log was acknowledged; `retrying` between a failure and the
 * next session that opens (the log keeps the events meanwhile: nothing is lost, only delayed).
 */
export type PublisherState = 'stopped' | 'starting' | 'catching-up' | 'live' | 'retrying' | 'stopping';

export type PublisherStatus = {
  state: PublisherState;
  /** The stored checkpoint: the log position up to which every public event was acknowledged. */
  checkpoint: string | undefined;
  /** Public events in the log after what was acknowledged, counted up to `lagCountLimit`; undefined when the log cannot be read. */
  lagEvents: number | undefined;
  /** Age of the oldest of them (by its `occurredAt`), 0 when none is waiting. */
  lagSeconds: number | undefined;
  /** Events acknowledged by the broker since `start()`. */
  published: number;
  lastError: { stage: ErrorStage; message: string; at: string } | undefined;
};

export type EventPublisherOptions = {
  store: EventStore;
  checkpoints: CheckpointStore;
  sink: MessageSink;
  logger: Logger;
  /** Where the metrics go; one publisher per registry. */
  registry?: Registry;
  /** The name of this publisher's checkpoint in the checkpoint store. */
  checkpointName?: string;
  maxBatchEvents?: number;
  /** Kept well under the broker's default `message.max.bytes` (1 MiB) per partition. */
  maxBatchBytes?: number;
  backoff?: BackoffPolicy;
  /** How long `stop()` waits for the batch in flight before it cuts the connection. */
  stopTimeoutMs?: number;
  lagCountLimit?: number;
  clock?: () => number;
};

export const DEFAULT_CHECKPOINT_NAME = 'kafka-publisher';
const LAG_CACHE_MS = 1_000;

const PUBLISHED: LogFilter = { eventTypes: PUBLISHED_DOMAIN_EVENT_TYPES };

const stageOf = (error: unknown): ErrorStage =>
  error instanceof BrokerUnavailableError
    ? 'broker'
    : error instanceof EventStoreUnavailableError
      ? 'event-store'
      : error instanceof CheckpointStoreError
        ? 'checkpoint'
        : 'internal';

export class EventPublisher {
  readonly #store: EventStore;
  readonly #checkpoints: CheckpointStore;
  readonly #sink: MessageSink;
  readonly #logger: Logger;
  readonly #metrics: PublisherMetrics;
  readonly #name: string;
  readonly #maxBatchEvents: number;
  readonly #maxBatchBytes: number;
  readonly #backoff: BackoffPolicy;
  readonly #stopTimeoutMs: number;
  readonly #lagCountLimit: number;
  readonly #clock: () => number;

  #state: PublisherState = 'stopped';
  #running: Promise<void> | undefined;
  #abort = new AbortController();
  #queue: BatchQueue | undefined;
  #subscription: LogSubscription | undefined;
  /** The stored checkpoint as last loaded or saved; the box is undefined until the first load. */
  #stored: { position: string | undefined } | undefined;
  #writer: CheckpointWriter | undefined;
  /** Everything up to here was acknowledged by the broker in this session. */
  #acknowledged: string | undefined;
  #published = 0;
  #lastError: PublisherStatus['lastError'];
  #lag: { at: number; value: Promise<PublisherLag> } | undefined;

  constructor(options: EventPublisherOptions) {
    this.#store = options.store;
    this.#checkpoints = options.checkpoints;
    this.#sink = options.sink;
    this.#logger = options.logger;
    this.#name = options.checkpointName ?? DEFAULT_CHECKPOINT_NAME;
    this.#maxBatchEvents = options.maxBatchEvents ?? 1_000;
    this.#maxBatchBytes = options.maxBatchBytes ?? 512 * 1024;
    this.#backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.#stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
    this.#lagCountLimit = options.lagCountLimit ?? 10_000;
    this.#clock = options.clock ?? Date.now;
    this.#metrics = createPublisherMetrics(options.registry ?? new Registry(), async () => {
      try {
        return await this.#measureLag();
      } catch {
        return undefined;
      }
    });
  }

  /** Starts publishing in the background; a broker that is down delays publishing, not `start()`. */
  async start(): Promise<void> {
    if (this.#running) return;
    this.#abort = new AbortController();
    this.#state = 'starting';
    this.#running = this.#run();
  }

  /** Finishes the batch in flight and saves its checkpoint (up to `stopTimeoutMs`), then disconnects. */
  async stop(): Promise<void> {
    const running = this.#running;
    if (!running) return;
    this.#state = 'stopping';
    this.#abort.abort();
    this.#queue?.close();
    await this.#subscription?.close();
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      running.then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), this.#stopTimeoutMs))),
    ]);
    clearTimeout(timer);
    if (!finished) {
      this.#logger.warn({ timeoutMs: this.#stopTimeoutMs }, 'the batch in flight did not finish in time; disconnecting (it will be sent again)');
      await this.#sink.close();
      await running;
    }
    this.#running = undefined;
    this.#state = 'stopped';
  }

  async status(): Promise<PublisherStatus> {
    let lag: PublisherLag | undefined;
    try {
      lag = await this.#measureLag();
    } catch {
      lag = undefined;
    }
    return {
      state: this.#state,
      checkpoint: this.#writer?.saved ?? this.#stored?.position,
      lagEvents: lag?.events,
      lagSeconds: lag?.seconds,
      published: this.#published,
      lastError: this.#lastError,
    };
  }

  async #run(): Promise<void> {
    let failures = 0;
    while (!this.#abort.signal.aborted) {
      try {
        await this.#session(() => (failures = 0));
      } catch (error) {
        if (this.#abort.signal.aborted) break;
        failures++;
        const stage = stageOf(error);
        const delay = backoffDelay(failures, this.#backoff);
        this.#metrics.errors.inc({ stage });
        this.#lastError = { stage, message: (error as Error).message ?? String(error), at: new Date(this.#clock()).toISOString() };
        this.#state = 'retrying';
        this.#logger.error({ err: error, stage, attempt: failures, retryInMs: delay }, 'publishing failed; retrying from the checkpoint');
        await pause(delay, this.#abort.signal).catch((error: unknown) => {
          if (!(error instanceof StoppedError)) throw error;
        });
      }
    }
  }

  /** One subscription and one producer, until `stop()` (resolves) or a failure (rejects). */
  async #session(onProgress: () => void): Promise<void> {
    const stored = await this.#checkpoints.load(this.#name);
    this.#stored = { position: stored };
    this.#acknowledged = stored;
    const writer = new CheckpointWriter(this.#checkpoints, this.#name, stored);
    this.#writer = writer;
    if (this.#abort.signal.aborted) return;
    await this.#sink.open();
    const queue = new BatchQueue({ items: this.#maxBatchEvents * 2, bytes: this.#maxBatchBytes * 2 });
    let subscription: LogSubscription | undefined;
    let pumping: Promise<void> | undefined;
    try {
      subscription = this.#store.subscribeToAll({ start: stored === undefined ? 'start' : { after: stored }, filter: PUBLISHED });
      this.#queue = queue;
      this.#subscription = subscription;
      if (this.#abort.signal.aborted) queue.close();
      else this.#state = 'catching-up';
      pumping = pump(subscription, queue);
      for (;;) {
        const batch = await queue.take(this.#maxBatchEvents, this.#maxBatchBytes);
        if (!batch) break;
        if (batch.messages.length > 0) {
          await this.#sink.send(batch.messages);
          this.#published += batch.messages.length;
          this.#metrics.published.inc(batch.messages.length);
        }
        if (batch.position !== undefined) {
          this.#acknowledged = batch.position;
          this.#lag = undefined;
          writer.advance(batch.position);
        }
        if (batch.caughtUp && this.#state === 'catching-up') {
          this.#state = 'live';
          this.#logger.info({ position: batch.position }, 'caught up with the log; publishing live');
        }
        onProgress();
      }
      await writer.flush();
    } finally {
      queue.close();
      await subscription?.close();
      await pumping;
      this.#queue = undefined;
      this.#subscription = undefined;
      // A save still in flight must land before the next session loads the checkpoint.
      await writer.flush().catch(() => {});
      this.#stored = { position: writer.saved };
      await this.#sink.close();
    }
  }

  /** Counted from what the broker acknowledged, by reading the log (bounded), cached briefly. */
  #measureLag(): Promise<PublisherLag> {
    const now = this.#clock();
    if (this.#lag && now - this.#lag.at < LAG_CACHE_MS) return this.#lag.value;
    const value = this.#countLag(now);
    this.#lag = { at: now, value };
    value.catch(() => (this.#lag = undefined));
    return value;
  }

  async #countLag(now: number): Promise<PublisherLag> {
    const stored = this.#stored ?? { position: await this.#checkpoints.load(this.#name) };
    const after = this.#running && this.#stored ? this.#acknowledged : stored.position;
    let events = 0;
    let oldest: string | undefined;
    for await (const event of this.#store.readAll({ start: after === undefined ? 'start' : { after }, filter: PUBLISHED, limit: this.#lagCountLimit })) {
      oldest ??= event.occurredAt;
      events++;
    }
    return { events, seconds: oldest === undefined ? 0 : Math.max(0, (now - Date.parse(oldest)) / 1_000) };
  }
}

/** Feeds the queue from the subscription until it ends; a failure goes to the queue's taker. */
const pump = async (subscription: LogSubscription, queue: BatchQueue): Promise<void> => {
  try {
    for await (const message of subscription) {
      let item: QueueItem;
      if (message.kind === 'event') {
        const event = toIntegrationEvent(message.event);
        const outgoing = event && toOutgoingMessage(event);
        item = outgoing
          ? { position: message.event.position, message: outgoing, bytes: messageBytes(outgoing) }
          : { position: message.event.position, bytes: 0 };
      } else {
        item = { position: message.position, bytes: 0, caughtUp: message.kind === 'caught-up' };
      }
      await queue.put(item);
    }
    queue.end();
  } catch (error) {
    queue.fail(error);
  }
};
