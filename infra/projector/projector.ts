/**
 * The projector: every projection as a processor of one log consumer (`infra/consumer/`), with
 * read-your-writes waits, status, metrics and rebuilds around them.
 *
 * One unfiltered subscription feeds all projections. Why one rather than one per projection:
 * - the log is read and decoded once, not once per projection (the embedded default rebuilds
 *   every read model from the log at each start);
 * - unfiltered, it delivers every position, so "has every projection passed position P?"
 *   (`waitForPosition`, read-your-writes) has an exact answer without depending on how often a
 *   filtered subscription of a given event store sends checkpoints.
 * Projections stay independent where it matters: each has its own checkpoint (a new or rebuilt
 * one starts where it must, the others skip what they have seen), a projection that throws stops
 * alone, and a rebuild runs on a consumer of its own.
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { readModelCheckpointer, type Checkpointer } from '../consumer/checkpointer.js';
import { LogConsumer, type BatchLimits } from '../consumer/consumer.js';
import { LagProbe } from '../consumer/lag.js';
import type { Fence } from '../consumer/lease.js';
import { DEFAULT_BACKOFF, retried, type BackoffPolicy, type Retrying } from '../consumer/retry.js';
import type { EventStore } from '../event-store/port.js';
import type { ReadModelStore } from '../read-models/port.js';
import { canonicalPosition } from '../read-models/position-key.js';
import { DEFAULT_CATCH_UP_BATCH_LIMITS } from '../consumer/batches.js';
import { ProjectorStoppedError, type ProjectionError } from './errors.js';
import { ProjectorMetrics, type Lag } from './metrics.js';
import { PositionWaits, type Progress } from './position-waits.js';
import type { AnyProjection } from './project-batch.js';
import { ProjectionProcessor, type ProjectionState } from './projection-processor.js';
import { rebuildProjection, type RebuildResult } from './rebuild.js';

export type { AnyProjection, ProjectionState };

export type ProjectionStatus = {
  name: string;
  state: ProjectionState;
  /** The saved checkpoint: every event up to it has been applied. */
  checkpoint: string | undefined;
  /** Events of its types in the log after the checkpoint (counted up to a limit); undefined when the log cannot be read. */
  lagEvents: number | undefined;
  /** Age of the oldest of them, 0 when none is waiting. */
  lagSeconds: number | undefined;
  lastError: ProjectionError | undefined;
  rebuilding: boolean;
  /** Failures retried since the checkpoint last advanced (a store outage, a log that cannot be read). */
  retrying: Retrying | undefined;
};

export type ProjectorOptions = {
  eventStore: EventStore;
  store: ReadModelStore;
  projections: readonly AnyProjection[];
  logger: Logger;
  /** Where the checkpoints are kept; default: beside the read models. */
  checkpoints?: Checkpointer;
  /** The lease term the projector runs under, when several processes may run it (`LeasedGroup`). */
  fence?: Fence;
  /** Where the metrics are registered; without one they are kept but not exposed. */
  registry?: Registry;
  /** Batches once caught up (default: 500 events or 50 ms). */
  batch?: Partial<BatchLimits>;
  /** Batches while catching up and rebuilding (default: 5,000 events or 200 ms). */
  catchUpBatch?: Partial<BatchLimits>;
  retry?: Partial<BackoffPolicy>;
  /** The clock lag is measured with (tests). */
  now?: () => number;
};

export class Projector {
  readonly #eventStore: EventStore;
  readonly #store: ReadModelStore;
  readonly #checkpoints: Checkpointer;
  readonly #logger: Logger;
  readonly #catchUpBatch: BatchLimits;
  readonly #policy: BackoffPolicy;
  readonly #processors: ProjectionProcessor[];
  readonly #byName: Map<string, ProjectionProcessor>;
  readonly #consumer: LogConsumer;
  readonly #metrics: ProjectorMetrics;
  readonly #lag: LagProbe;
  readonly #waits = new PositionWaits();
  readonly #rebuilds = new Set<AbortController>();

  constructor(options: ProjectorOptions) {
    this.#eventStore = options.eventStore;
    this.#store = options.store;
    this.#checkpoints = options.checkpoints ?? readModelCheckpointer(options.store, options.fence);
    this.#logger = options.logger.child({ component: 'projector' });
    this.#catchUpBatch = { ...DEFAULT_CATCH_UP_BATCH_LIMITS, ...options.catchUpBatch };
    this.#policy = { ...DEFAULT_BACKOFF, ...options.retry };
    const names = options.projections.map((projection) => projection.name);
    this.#metrics = new ProjectorMetrics(names, options.registry, () => this.#lags());
    const events = {
      applied: (name: string, count: number) => this.#metrics.applied(name, count),
      failed: (name: string, failed: boolean) => this.#metrics.failed(name, failed),
      changed: () => this.#waits.check(),
    };
    this.#processors = options.projections.map(
      (projection) =>
        new ProjectionProcessor(projection, {
          store: this.#store,
          checkpoints: this.#checkpoints,
          logger: this.#logger,
          policy: this.#policy,
          events,
          fence: options.fence,
        }),
    );
    this.#byName = new Map(this.#processors.map((processor) => [processor.name, processor]));
    this.#consumer = new LogConsumer({
      eventStore: this.#eventStore,
      processors: this.#processors,
      logger: this.#logger,
      ...(options.batch && { batch: options.batch }),
      catchUpBatch: this.#catchUpBatch,
      backoff: this.#policy,
      onRetry: (error) => {
        for (const processor of this.#processors) if (processor.running()) processor.retrying = retried(processor.retrying, error);
      },
    });
    this.#lag = new LagProbe(this.#eventStore, options.now ? { now: options.now } : {});
  }

  /** Starts following the log from the stored checkpoints; returns at once. */
  async start(): Promise<void> {
    for (const processor of this.#processors) {
      processor.state = 'catching-up';
      processor.lastError = undefined;
      this.#metrics.failed(processor.name, false);
    }
    this.#consumer.start();
  }

  /** Stops after the batch in hand; a running rebuild is abandoned (its staging collection is dropped by the next one). */
  /** The names of its checkpoints, for fencing them at the start of a lease term. */
  get names(): string[] {
    return this.#processors.map((processor) => processor.name);
  }

  async stop(): Promise<void> {
    for (const rebuild of this.#rebuilds) rebuild.abort();
    await this.#consumer.stop();
    for (const processor of this.#processors) if (processor.state !== 'failed') processor.state = 'stopped';
    this.#waits.rejectAll(new ProjectorStoppedError());
  }

  async status(): Promise<ProjectionStatus[]> {
    const lags = await this.#lags();
    return this.#processors.map((processor, index) => ({
      name: processor.name,
      state: processor.state,
      checkpoint: processor.checkpoint,
      lagEvents: lags[index]?.events,
      lagSeconds: lags[index]?.seconds,
      lastError: processor.lastError,
      rebuilding: processor.rebuilding,
      retrying: processor.retrying,
    }));
  }

  /**
   * Resolves once every projection (or those named) has processed the log up to `position`;
   * rejects with `PositionWaitTimeoutError` after `timeoutMs`, at once with
   * `ProjectionFailedError` when one of them has stopped on an event, and with
   * `ProjectorStoppedError` when the runtime stops.
   */
  waitForPosition(position: string, timeoutMs: number, projections?: readonly string[]): Promise<void> {
    const target = canonicalPosition(position);
    const processors = projections === undefined ? this.#processors : projections.map((name) => this.#lookup(name));
    return this.#waits.wait(target, timeoutMs, processors.map(progressOf));
  }

  /**
   * Builds the projection again from the start of the log into a staging collection while the live
   * one keeps serving, swaps it in when caught up, and carries on from the rebuilt checkpoint. A
   * projection that had stopped on an event runs again if the rebuild gets past that event.
   */
  async rebuildProjection(name: string): Promise<RebuildResult> {
    const processor = this.#lookup(name);
    if (processor.rebuilding) throw new Error(`${name} is already being rebuilt`);
    const abort = new AbortController();
    this.#rebuilds.add(abort);
    processor.rebuilding = true;
    try {
      return await rebuildProjection({
        eventStore: this.#eventStore,
        store: this.#store,
        checkpoints: this.#checkpoints,
        projection: processor.projection,
        logger: this.#logger,
        batch: this.#catchUpBatch,
        retry: this.#policy,
        signal: abort.signal,
        handover: {
          pause: () => this.#consumer.pause(),
          swapped: (result) => {
            processor.restored(result.position, this.#consumer.state === 'live');
            this.#consumer.wake();
          },
        },
      });
    } finally {
      processor.rebuilding = false;
      this.#rebuilds.delete(abort);
    }
  }

  #lookup(name: string): ProjectionProcessor {
    const processor = this.#byName.get(name);
    if (processor === undefined) throw new RangeError(`no projection named ${name}`);
    return processor;
  }

  async #lags(): Promise<Lag[]> {
    const lags = await this.#lag.measure(this.#processors.map((processor) => ({ checkpoint: processor.checkpoint, eventTypes: processor.projection.eventTypes })));
    return this.#processors.map((processor, index) => ({ projection: processor.name, events: lags[index]?.events, seconds: lags[index]?.seconds }));
  }
}

/** A live view of a projection's progress for `PositionWaits`. */
const progressOf = (processor: ProjectionProcessor): Progress => ({
  get name() {
    return processor.name;
  },
  get checkpoint() {
    return processor.checkpoint;
  },
  get failure() {
    return processor.state === 'failed' ? (processor.lastError ?? { message: 'failed', at: new Date().toISOString() }) : undefined;
  },
});
