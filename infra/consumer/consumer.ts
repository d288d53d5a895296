/**
 * The log consumer: one catch-up subscription that feeds a group of processors – the projections,
 * the Kafka publisher, a rebuild – each with its own checkpoint. Modelled on Emmett's
 * `eventStoreDBEventStoreConsumer`.
 *
 * A session asks every running processor where it stands (`open`), subscribes after the earliest
 * of those positions, reads the log in batches and hands each batch to every running processor at
 * once; a processor skips what its own checkpoint has passed and saves its checkpoint after a
 * batch. Any failure – the log, a store, a broker – ends the session; the next one opens after a
 * backoff, from the checkpoints as they are then stored, for as long as the consumer runs. What
 * processors of one group share is pace: a batch is done when its slowest processor is done. So
 * groups that must not hold each other up (the read models and Kafka) run on consumers of their own.
 *
 * The subscription is filtered to the processors' event types when every processor names its
 * types; a processor that names none (the projections, whose read-your-writes needs an exact
 * answer for every position) gets the whole log.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Logger } from 'pino';
import { comparePositions, type EventStore, type LogFilter, type LogSubscription } from '../event-store/port.js';
import { DEFAULT_BATCH_LIMITS, DEFAULT_CATCH_UP_BATCH_LIMITS, readBatches, type Batch, type BatchLimits } from './batches.js';
import { backoffDelay, DEFAULT_BACKOFF, pause, StoppedError, type BackoffPolicy } from './retry.js';

export type { Batch, BatchLimits };

export interface Processor {
  readonly name: string;
  /** The event types it handles; undefined when it needs every position of the log. */
  readonly eventTypes?: readonly string[] | undefined;
  /** False while it has stopped on an event it cannot handle: it gets no batches then. */
  running(): boolean;
  /** A session opens: where the processor stands (its stored checkpoint; undefined for the start of the log). */
  open(signal: AbortSignal): Promise<string | undefined>;
  /** One batch; skips what its checkpoint has passed, saves its checkpoint after. Throwing ends the session. */
  handle(batch: Batch, signal: AbortSignal): Promise<void>;
  /** The session ended (the consumer stops, or a failure): release what `open` took. */
  close?(): Promise<void>;
}

export type ConsumerState = 'stopped' | 'catching-up' | 'live' | 'retrying';

export type ConsumerOptions = {
  eventStore: EventStore;
  processors: readonly Processor[];
  logger: Logger;
  /** Batches once caught up (default 500 events or 50 ms). */
  batch?: Partial<BatchLimits>;
  /** Batches while catching up (default 5,000 events or 200 ms). */
  catchUpBatch?: Partial<BatchLimits>;
  backoff?: Partial<BackoffPolicy>;
  /** Hears of each failed session before the wait that follows it. */
  onRetry?: (error: unknown, attempt: number, retryInMs: number) => void;
  /** Stops once the subscription has reached the head of the log, or no processor runs any more (a rebuild). */
  untilCaughtUp?: boolean;
};

type Run = { abort: AbortController; loop: Promise<void> };

export class LogConsumer {
  readonly #eventStore: EventStore;
  readonly #processors: readonly Processor[];
  readonly #logger: Logger;
  readonly #limits: { catchingUp: BatchLimits; live: BatchLimits };
  readonly #backoff: BackoffPolicy;
  readonly #onRetry: ConsumerOptions['onRetry'];
  readonly #untilCaughtUp: boolean;
  #state: ConsumerState = 'stopped';
  #run: Run | undefined;
  #subscription: LogSubscription | undefined;
  #handling: Promise<void> | undefined;
  #pauses = 0;
  #resumed: { promise: Promise<void>; resolve(): void } | undefined;
  #wake: (() => void) | undefined;

  constructor(options: ConsumerOptions) {
    const names = options.processors.map((processor) => processor.name);
    const duplicate = names.find((name, index) => names.indexOf(name) !== index);
    if (duplicate !== undefined) throw new RangeError(`two processors are named ${duplicate}`);
    this.#eventStore = options.eventStore;
    this.#processors = options.processors;
    this.#logger = options.logger;
    this.#limits = {
      catchingUp: { ...DEFAULT_CATCH_UP_BATCH_LIMITS, ...options.catchUpBatch },
      live: { ...DEFAULT_BATCH_LIMITS, ...options.batch },
    };
    this.#backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.#onRetry = options.onRetry;
    this.#untilCaughtUp = options.untilCaughtUp ?? false;
  }

  get state(): ConsumerState {
    return this.#state;
  }

  /** Starts following the log in the background; returns at once. */
  start(): void {
    if (this.#run !== undefined) return;
    const abort = new AbortController();
    this.#state = 'catching-up';
    const loop = this.#follow(abort.signal).catch((error: unknown) => {
      this.#logger.error({ err: error }, 'log consumer stopped unexpectedly');
    });
    this.#run = { abort, loop };
  }

  /** Resolves when the consumer has stopped by itself (`untilCaughtUp`) or was stopped. */
  async finished(): Promise<void> {
    await this.#run?.loop;
  }

  /** Stops after the batch in hand. */
  async stop(): Promise<void> {
    const run = this.#run;
    if (run === undefined) return;
    run.abort.abort();
    this.#wake?.();
    await this.#subscription?.close();
    await run.loop;
    this.#run = undefined;
    this.#state = 'stopped';
  }

  /** A processor that had stopped runs again: a consumer left with none resumes. */
  wake(): void {
    this.#wake?.();
  }

  /** Holds the consumer after its current batch until the returned function is called. */
  async pause(): Promise<() => void> {
    if (this.#pauses++ === 0) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.#resumed = { promise, resolve };
    }
    await this.#handling?.catch(() => undefined);
    let resumed = false;
    return () => {
      if (resumed) return;
      resumed = true;
      if (--this.#pauses === 0) {
        this.#resumed?.resolve();
        this.#resumed = undefined;
      }
    };
  }

  #running(): Processor[] {
    return this.#processors.filter((processor) => processor.running());
  }

  async #follow(signal: AbortSignal): Promise<void> {
    for (let attempt = 1; !signal.aborted; ) {
      const running = this.#running();
      if (running.length === 0) {
        await new Promise<void>((resolve) => (this.#wake = resolve));
        this.#wake = undefined;
        continue;
      }
      let opened: Processor[] = [];
      try {
        const positions: Array<string | undefined> = [];
        for (const processor of running) {
          positions.push(await processor.open(signal));
          opened.push(processor);
        }
        const from = earliest(positions);
        const filter = filterOf(running);
        this.#state = 'catching-up';
        this.#subscription = this.#eventStore.subscribeToAll({ start: from === undefined ? 'start' : { after: from }, ...(filter && { filter }) });
        this.#logger.info({ after: from ?? 'start', processors: running.map((processor) => processor.name) }, 'following the log');
        const batches = readBatches(this.#subscription, this.#limits)[Symbol.asyncIterator]();
        for (let next = batches.next(); ; ) {
          const read = await next;
          if (read.done) break;
          const batch = read.value;
          // The next batch is read while this one is handled: a processor waiting on a broker or a
          // store does not leave the log idle meanwhile.
          next = batches.next();
          next.catch(() => undefined);
          await this.#whileNotPaused(signal);
          if (signal.aborted) break;
          this.#handling = this.#handle(batch, signal);
          await this.#handling;
          this.#handling = undefined;
          attempt = 1;
          if (batch.caughtUp) this.#state = 'live';
          if (this.#untilCaughtUp && (batch.caughtUp || this.#running().length === 0)) return;
          // Catching up from memory never waits on I/O; give timers and requests a turn.
          await nextTurn();
        }
        if (!signal.aborted) throw new Error('the subscription to the log ended');
      } catch (error) {
        this.#handling = undefined;
        if (signal.aborted || error instanceof StoppedError) break;
        const waitMs = backoffDelay(attempt++, this.#backoff);
        this.#state = 'retrying';
        this.#onRetry?.(error, attempt - 1, waitMs);
        this.#logger.warn({ err: error, attempt: attempt - 1, retryInMs: waitMs }, 'following the log failed; retrying from the checkpoints');
        await pause(waitMs, signal).catch(() => undefined);
      } finally {
        await this.#subscription?.close();
        this.#subscription = undefined;
        await closeAll(opened, this.#logger);
        opened = [];
      }
    }
  }

  async #handle(batch: Batch, signal: AbortSignal): Promise<void> {
    const results = await Promise.allSettled(this.#running().map((processor) => processor.handle(batch, signal)));
    const failed = results.find((result) => result.status === 'rejected');
    if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
  }

  async #whileNotPaused(signal: AbortSignal): Promise<void> {
    while (this.#resumed !== undefined && !signal.aborted) {
      const stopped = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      await Promise.race([this.#resumed.promise, stopped]);
    }
  }
}

const closeAll = async (processors: readonly Processor[], logger: Logger): Promise<void> => {
  for (const processor of processors) {
    try {
      await processor.close?.();
    } catch (error) {
      logger.warn({ err: error, processor: processor.name }, 'closing a processor failed');
    }
  }
};

/** The earliest position; undefined (the start of the log) when any processor has none. */
export const earliest = (positions: ReadonlyArray<string | undefined>): string | undefined => {
  let first: string | undefined;
  for (const position of positions) {
    if (position === undefined) return undefined;
    if (first === undefined || comparePositions(position, first) < 0) first = position;
  }
  return first;
};

/** The union of the processors' event types; none when one of them needs the whole log. */
export const filterOf = (processors: ReadonlyArray<Pick<Processor, 'eventTypes'>>): LogFilter | undefined => {
  const types = new Set<string>();
  for (const processor of processors) {
    if (processor.eventTypes === undefined) return undefined;
    for (const type of processor.eventTypes) types.add(type);
  }
  // No types at all says nothing about what is wanted; an empty filter would match nothing.
  return types.size === 0 ? undefined : { eventTypes: [...types] };
};
