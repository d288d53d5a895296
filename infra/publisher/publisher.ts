/**
 * Forwards the log's public events to the message bus, at least once and in log order, as the one
 * processor of a log consumer (`infra/consumer/`) of its own – so that a broker outage never holds
 * up the read models.
 *
 * A session loads the stored checkpoint, opens the producer and follows the log after the
 * checkpoint (only event types that map to integration events); each batch is sent in sends under
 * the size limits, and the checkpoint moves to a position only after the broker acknowledged
 * everything up to it. Any failure – broker, log, checkpoint store – ends the session; the next
 * one starts again from the stored checkpoint after a backoff, for as long as the publisher runs.
 * Events acknowledged but not yet checkpointed when a session ends are sent again: consumers
 * dedupe by id.
 */
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { PUBLISHED_DOMAIN_EVENT_TYPES, toIntegrationEvent } from '../../contracts/index.js';
import { CheckpointStoreError, type Checkpointer } from '../consumer/checkpointer.js';
import { CheckpointWriter } from '../consumer/checkpoint-writer.js';
import { LogConsumer, type Batch, type Processor } from '../consumer/consumer.js';
import { DEFAULT_LAG_COUNT_LIMIT, LagProbe } from '../consumer/lag.js';
import type { Fence } from '../consumer/lease.js';
import type { BackoffPolicy } from '../consumer/retry.js';
import { EventStoreUnavailableError, type EventStore } from '../event-store/port.js';
import { BrokerUnavailableError, type MessageSink, type OutgoingMessage } from '../kafka/port.js';
import { createPublisherMetrics, type ErrorStage, type PublisherMetrics } from './metrics.js';
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
  checkpoints: Checkpointer;
  sink: MessageSink;
  logger: Logger;
  /** Where the metrics go; one publisher per registry. */
  registry?: Registry;
  /** The name of this publisher's checkpoint. */
  checkpointName?: string;
  maxBatchEvents?: number;
  /** Kept well under the broker's default `message.max.bytes` (1 MiB) per partition. */
  maxBatchBytes?: number;
  backoff?: BackoffPolicy;
  /** How long `stop()` waits for the batch in flight before it cuts the connection. */
  stopTimeoutMs?: number;
  lagCountLimit?: number;
  clock?: () => number;
  /** The lease term the publisher runs under, when several processes may run it: checked before every send. */
  fence?: Fence;
};

export const DEFAULT_CHECKPOINT_NAME = 'kafka-publisher';

const stageOf = (error: unknown): ErrorStage =>
  error instanceof BrokerUnavailableError
    ? 'broker'
    : error instanceof EventStoreUnavailableError
      ? 'event-store'
      : error instanceof CheckpointStoreError
        ? 'checkpoint'
        : 'internal';

type Send = { messages: OutgoingMessage[]; position: string };

export class EventPublisher implements Processor {
  readonly name: string;
  readonly eventTypes = PUBLISHED_DOMAIN_EVENT_TYPES;
  readonly #checkpoints: Checkpointer;
  readonly #sink: MessageSink;
  readonly #logger: Logger;
  readonly #metrics: PublisherMetrics;
  readonly #maxBatchEvents: number;
  readonly #maxBatchBytes: number;
  readonly #stopTimeoutMs: number;
  readonly #clock: () => number;
  readonly #consumer: LogConsumer;
  readonly #lag: LagProbe;
  readonly #fence: Fence | undefined;

  #state: PublisherState = 'stopped';
  #started = false;
  /** The stored checkpoint as last loaded or saved; the box is undefined until the first load. */
  #stored: { position: string | undefined } | undefined;
  #writer: CheckpointWriter | undefined;
  /** Everything up to here was acknowledged by the broker in this session. */
  #acknowledged: string | undefined;
  #published = 0;
  #lastError: PublisherStatus['lastError'];

  constructor(options: EventPublisherOptions) {
    this.name = options.checkpointName ?? DEFAULT_CHECKPOINT_NAME;
    this.#checkpoints = options.checkpoints;
    this.#sink = options.sink;
    this.#logger = options.logger;
    this.#maxBatchEvents = options.maxBatchEvents ?? 1_000;
    this.#maxBatchBytes = options.maxBatchBytes ?? 512 * 1024;
    this.#stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
    this.#clock = options.clock ?? Date.now;
    this.#fence = options.fence;
    this.#lag = new LagProbe(options.store, { limit: options.lagCountLimit ?? DEFAULT_LAG_COUNT_LIMIT, now: this.#clock });
    this.#consumer = new LogConsumer({
      eventStore: options.store,
      processors: [this],
      logger: this.#logger,
      batch: { maxEvents: this.#maxBatchEvents },
      catchUpBatch: { maxEvents: this.#maxBatchEvents },
      ...(options.backoff && { backoff: options.backoff }),
      onRetry: (error) => this.#failed(error),
    });
    this.#metrics = createPublisherMetrics(options.registry ?? new Registry(), async () => this.#measureLag());
  }

  /** Starts publishing in the background; a broker that is down delays publishing, not `start()`. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    this.#state = 'starting';
    this.#consumer.start();
  }

  /** Finishes the batch in flight and saves its checkpoint (up to `stopTimeoutMs`), then disconnects. */
  async stop(): Promise<void> {
    if (!this.#started) return;
    this.#state = 'stopping';
    const stopping = this.#consumer.stop();
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      stopping.then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), this.#stopTimeoutMs))),
    ]);
    clearTimeout(timer);
    if (!finished) {
      this.#logger.warn({ timeoutMs: this.#stopTimeoutMs }, 'the batch in flight did not finish in time; disconnecting (it will be sent again)');
      await this.#sink.close();
      await stopping;
    }
    this.#started = false;
    this.#state = 'stopped';
  }

  async status(): Promise<PublisherStatus> {
    const lag = await this.#measureLag();
    return {
      state: this.#state,
      checkpoint: this.#writer?.saved ?? this.#stored?.position,
      lagEvents: lag?.events,
      lagSeconds: lag?.seconds,
      published: this.#published,
      lastError: this.#lastError,
    };
  }

  running(): boolean {
    return true;
  }

  async open(): Promise<string | undefined> {
    const stored = await this.#checkpoints.load(this.name);
    this.#stored = { position: stored };
    this.#acknowledged = stored;
    this.#writer = new CheckpointWriter(this.#checkpoints, this.name, stored);
    await this.#sink.open();
    if (this.#state !== 'stopping') this.#state = 'catching-up';
    return stored;
  }

  async handle(batch: Batch): Promise<void> {
    const writer = this.#writer!;
    for (const send of this.#sends(batch)) {
      if (send.messages.length > 0) {
        this.#fence?.check();
        await this.#sink.send(send.messages);
        this.#published += send.messages.length;
        this.#metrics.published.inc(send.messages.length);
      }
      this.#acknowledge(writer, send.position);
    }
    if (batch.through !== undefined) this.#acknowledge(writer, batch.through);
    if (batch.caughtUp && this.#state === 'catching-up') {
      this.#state = 'live';
      this.#logger.info({ position: batch.through }, 'caught up with the log; publishing live');
    }
  }

  async close(): Promise<void> {
    const writer = this.#writer;
    try {
      // A save still in flight must land before the next session loads the checkpoint.
      await writer?.flush().catch(() => {});
      if (writer !== undefined) this.#stored = { position: writer.saved };
    } finally {
      await this.#sink.close();
    }
  }

  #acknowledge(writer: CheckpointWriter, position: string): void {
    this.#acknowledged = position;
    writer.advance(position);
  }

  /** The batch's messages in sends under the size limits, each with the position it acknowledges. */
  *#sends(batch: Batch): Generator<Send> {
    let send: Send | undefined;
    let bytes = 0;
    for (const event of batch.events) {
      const integration = toIntegrationEvent(event);
      const message = integration && toOutgoingMessage(integration);
      const size = message === undefined ? 0 : messageBytes(message);
      if (send !== undefined && send.messages.length > 0 && (send.messages.length >= this.#maxBatchEvents || bytes + size > this.#maxBatchBytes)) {
        yield send;
        send = undefined;
      }
      if (send === undefined) {
        send = { messages: [], position: event.position };
        bytes = 0;
      }
      if (message !== undefined) send.messages.push(message);
      send.position = event.position;
      bytes += size;
    }
    if (send !== undefined) yield send;
  }

  #failed(error: unknown): void {
    if (this.#state === 'stopping') return;
    const stage = stageOf(error);
    this.#metrics.errors.inc({ stage });
    this.#lastError = { stage, message: (error as Error).message ?? String(error), at: new Date(this.#clock()).toISOString() };
    this.#state = 'retrying';
  }

  /** From what the broker acknowledged (or, when not running, the stored checkpoint). */
  async #measureLag() {
    try {
      const stored = this.#stored ?? { position: await this.#checkpoints.load(this.name) };
      const after = this.#started && this.#stored !== undefined ? this.#acknowledged : stored.position;
      const [lag] = await this.#lag.measure([{ checkpoint: after, eventTypes: this.eventTypes }]);
      return lag;
    } catch {
      return undefined;
    }
  }
}
