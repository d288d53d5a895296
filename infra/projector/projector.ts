/**
 * The projector runtime, written once for every projection.
 *
 * One catch-up subscription to the whole log feeds all projections. Each batch goes to every
 * running projection at once; per projection: the events of its types past its checkpoint are
 * routed, the documents concerned loaded in one read, folded, written in one bulk write – and only
 * then is its checkpoint saved. Why one subscription rather than one per projection:
 * - the log is read and decoded once, not once per projection (the embedded default rebuilds
 *   every read model from the log at each start);
 * - unfiltered, it delivers every position, so "has every projection passed position P?"
 *   (`waitForPosition`, read-your-writes) has an exact answer without depending on how often a
 *   filtered subscription of a given event store sends checkpoints.
 * Projections stay independent where it matters: each has its own checkpoint (a new or rebuilt
 * one starts where it must, the others skip what they have seen), a projection that throws stops
 * alone, and a rebuild runs on a subscription of its own. What they share is pace: a batch is
 * done when its slowest projection is done.
 *
 * A store outage is retried with backoff for as long as the runtime runs. A projection that throws
 * on an event is stopped there: its documents hold everything before that event, its checkpoint
 * stays before it, and its status and `projection_failed` say which event and why.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { RecordedEvent } from '../../contracts/index.js';
import type { Projection, ReadDocument } from '../../projections/projection.js';
import { comparePositions, type EventStore, type LogSubscription } from '../event-store/port.js';
import type { ReadModelStore } from '../read-models/port.js';
import { canonicalPosition } from '../read-models/position-key.js';
import { DEFAULT_BATCH_LIMITS, DEFAULT_CATCH_UP_BATCH_LIMITS, readBatches, type Batch, type BatchLimits } from './batches.js';
import { describeFailure, ProjectorStoppedError, type ProjectionError } from './errors.js';
import { ProjectorMetrics, type Lag } from './metrics.js';
import { PositionWaits, type Progress } from './position-waits.js';
import { projectBatch, type AnyProjection, type BatchOutcome } from './project-batch.js';
import { rebuildProjection, type RebuildResult } from './rebuild.js';
import { backoffDelay, DEFAULT_BACKOFF, pause, retried, retrier, StoppedError, type BackoffPolicy, type Retrying } from '../consumer/retry.js';

export type { AnyProjection };

export type ProjectionState = 'catching-up' | 'live' | 'failed' | 'stopped';

export type ProjectionStatus = {
  name: string;
  state: ProjectionState;
  /** The saved checkpoint: every event up to it has been applied. */
  checkpoint: string | undefined;
  /**
   * Head of the log minus the checkpoint, in log positions: a count of events for the embedded and
   * in-memory logs (positions are sequence numbers), a distance in the transaction log for
   * EventStoreDB. Undefined when the head cannot be read.
   */
  lagEvents: number | undefined;
  /** While behind: seconds since the last applied event occurred; 0 at the head. */
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
  /** Where the metrics are registered; without one they are kept but not exposed. */
  registry?: Registry;
  /** Batches once caught up (default `DEFAULT_BATCH_LIMITS`: 500 events or 50 ms). */
  batch?: Partial<BatchLimits>;
  /** Batches while catching up and rebuilding (default `DEFAULT_CATCH_UP_BATCH_LIMITS`: 5,000 events or 200 ms). */
  catchUpBatch?: Partial<BatchLimits>;
  retry?: Partial<BackoffPolicy>;
  /** The clock lag is measured with (tests). */
  now?: () => number;
};

type Tracked = {
  projection: AnyProjection;
  types: ReadonlySet<string>;
  state: ProjectionState;
  /** The saved checkpoint. */
  checkpoint: string | undefined;
  /** occurredAt (ms) of the last event at or before the checkpoint. */
  lastEventAt: number | undefined;
  lastError: ProjectionError | undefined;
  rebuilding: boolean;
  retrying: Retrying | undefined;
};

type Run = { abort: AbortController; loop: Promise<void> };

export class Projector {
  readonly #eventStore: EventStore;
  readonly #store: ReadModelStore;
  readonly #logger: Logger;
  readonly #limits: { catchingUp: BatchLimits; live: BatchLimits };
  readonly #policy: BackoffPolicy;
  readonly #now: () => number;
  readonly #tracked: Tracked[];
  readonly #byName: Map<string, Tracked>;
  readonly #metrics: ProjectorMetrics;
  readonly #waits = new PositionWaits();
  readonly #rebuilds = new Set<AbortController>();
  #run: Run | undefined;
  #subscription: LogSubscription | undefined;
  /** The batch being handled, which a pause waits for. */
  #handling: Promise<void> | undefined;
  /** The current subscription has reached the head of the log once. */
  #live = false;
  #pauses = 0;
  #resumed: { promise: Promise<void>; resolve(): void } | undefined;
  /** Wakes a runtime that had no running projection left (a rebuild brought one back). */
  #wake: (() => void) | undefined;
  #headCache: { at: number; head: Promise<string | undefined | null> } | undefined;

  constructor(options: ProjectorOptions) {
    this.#eventStore = options.eventStore;
    this.#store = options.store;
    this.#logger = options.logger.child({ component: 'projector' });
    this.#limits = {
      catchingUp: { ...DEFAULT_CATCH_UP_BATCH_LIMITS, ...options.catchUpBatch },
      live: { ...DEFAULT_BATCH_LIMITS, ...options.batch },
    };
    this.#policy = { ...DEFAULT_BACKOFF, ...options.retry };
    this.#now = options.now ?? Date.now;
    const names = options.projections.map((projection) => projection.name);
    const duplicate = names.find((name, index) => names.indexOf(name) !== index);
    if (duplicate !== undefined) throw new RangeError(`two projections are named ${duplicate}`);
    this.#tracked = options.projections.map((projection) => ({
      projection,
      types: new Set(projection.eventTypes),
      state: 'stopped',
      checkpoint: undefined,
      lastEventAt: undefined,
      lastError: undefined,
      rebuilding: false,
      retrying: undefined,
    }));
    this.#byName = new Map(this.#tracked.map((tracked) => [tracked.projection.name, tracked]));
    this.#metrics = new ProjectorMetrics(names, options.registry, () => this.#lags());
  }

  /** Starts following the log from the stored checkpoints; returns at once. */
  async start(): Promise<void> {
    if (this.#run !== undefined) return;
    const abort = new AbortController();
    for (const tracked of this.#tracked) {
      tracked.state = 'catching-up';
      tracked.lastError = undefined;
      this.#metrics.failed(tracked.projection.name, false);
    }
    const loop = this.#follow(abort.signal).catch((error: unknown) => {
      this.#logger.error({ err: error }, 'projector stopped unexpectedly');
    });
    this.#run = { abort, loop };
  }

  /** Stops after the batch in hand; a running rebuild is abandoned (its staging collection is dropped by the next one). */
  async stop(): Promise<void> {
    const run = this.#run;
    if (run === undefined) return;
    run.abort.abort();
    for (const rebuild of this.#rebuilds) rebuild.abort();
    this.#wake?.();
    await this.#subscription?.close();
    await run.loop;
    this.#run = undefined;
    for (const tracked of this.#tracked) if (tracked.state !== 'failed') tracked.state = 'stopped';
    this.#waits.rejectAll(new ProjectorStoppedError());
  }

  async status(): Promise<ProjectionStatus[]> {
    const lags = await this.#lags();
    return this.#tracked.map((tracked, index) => ({
      name: tracked.projection.name,
      state: tracked.state,
      checkpoint: tracked.checkpoint,
      lagEvents: lags[index]?.events,
      lagSeconds: lags[index]?.seconds,
      lastError: tracked.lastError,
      rebuilding: tracked.rebuilding,
      retrying: tracked.retrying,
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
    const tracked = projections === undefined ? this.#tracked : projections.map((name) => this.#lookup(name));
    return this.#waits.wait(target, timeoutMs, tracked.map(progressOf));
  }

  /**
   * Builds the projection again from the start of the log into a staging collection while the live
   * one keeps serving, swaps it in when caught up, and carries on from the rebuilt checkpoint. A
   * projection that had stopped on an event runs again if the rebuild gets past that event.
   */
  async rebuildProjection(name: string): Promise<RebuildResult> {
    const tracked = this.#lookup(name);
    if (tracked.rebuilding) throw new Error(`${name} is already being rebuilt`);
    const abort = new AbortController();
    this.#rebuilds.add(abort);
    tracked.rebuilding = true;
    try {
      return await rebuildProjection({
        eventStore: this.#eventStore,
        store: this.#store,
        projection: tracked.projection,
        logger: this.#logger,
        batch: this.#limits.catchingUp,
        retry: this.#policy,
        signal: abort.signal,
        handover: {
          pause: () => this.#pause(),
          swapped: (result) => {
            tracked.checkpoint = result.position;
            if (result.lastEventAt !== undefined) tracked.lastEventAt = Date.parse(result.lastEventAt);
            if (tracked.state === 'failed' || tracked.state === 'stopped') {
              tracked.state = this.#run === undefined ? 'stopped' : this.#live ? 'live' : 'catching-up';
            }
            tracked.lastError = undefined;
            this.#metrics.failed(name, false);
            this.#waits.check();
            this.#wake?.();
          },
        },
      });
    } finally {
      tracked.rebuilding = false;
      this.#rebuilds.delete(abort);
    }
  }

  #lookup(name: string): Tracked {
    const tracked = this.#byName.get(name);
    if (tracked === undefined) throw new RangeError(`no projection named ${name}`);
    return tracked;
  }

  #running(): Tracked[] {
    return this.#tracked.filter((tracked) => tracked.state !== 'failed');
  }

  async #follow(signal: AbortSignal): Promise<void> {
    const retry = retrier(this.#policy, signal, this.#logger);
    try {
      for (const tracked of this.#tracked) {
        tracked.checkpoint = await retry(`reading the checkpoint of ${tracked.projection.name}`, () =>
          this.#store.checkpoint(tracked.projection.name),
        );
      }
      this.#waits.check();
      for (let attempt = 1; !signal.aborted; ) {
        const running = this.#running();
        if (running.length === 0) {
          await new Promise<void>((resolve) => (this.#wake = resolve));
          this.#wake = undefined;
          continue;
        }
        const from = earliest(running.map((tracked) => tracked.checkpoint));
        for (const tracked of running) tracked.state = 'catching-up';
        this.#live = false;
        try {
          this.#subscription = this.#eventStore.subscribeToAll({ start: from === undefined ? 'start' : { after: from } });
          this.#logger.info({ after: from ?? 'start' }, 'following the log');
          for await (const batch of readBatches(this.#subscription, this.#limits)) {
            await this.#whileNotPaused(signal);
            if (signal.aborted) break;
            this.#handling = this.#handle(batch, signal);
            await this.#handling;
            this.#handling = undefined;
            attempt = 1;
            // Catching up from memory never waits on I/O; give timers and requests a turn.
            await nextTurn();
          }
          if (!signal.aborted) throw new Error('the subscription to the log ended');
        } catch (error) {
          this.#handling = undefined;
          if (signal.aborted || error instanceof StoppedError) break;
          for (const tracked of this.#running()) tracked.retrying = retried(tracked.retrying, error);
          const waitMs = backoffDelay(attempt++, this.#policy);
          this.#logger.warn({ err: error, attempt, retryInMs: waitMs }, 'following the log failed; retrying');
          await pause(waitMs, signal);
        } finally {
          await this.#subscription?.close();
          this.#subscription = undefined;
        }
      }
    } catch (error) {
      if (!(error instanceof StoppedError)) throw error;
    }
  }

  async #handle(batch: Batch, signal: AbortSignal): Promise<void> {
    const running = this.#running();
    const results = await Promise.allSettled(running.map((tracked) => this.#handleFor(tracked, batch, signal)));
    const stopped = results.find((result) => result.status === 'rejected');
    if (stopped !== undefined) throw (stopped as PromiseRejectedResult).reason;
    if (batch.caughtUp) {
      this.#live = true;
      for (const tracked of running) if (tracked.state === 'catching-up') tracked.state = 'live';
    }
    this.#waits.check();
  }

  /** One batch for one projection; throws only when stopped. */
  async #handleFor(tracked: Tracked, batch: Batch, signal: AbortSignal): Promise<void> {
    const name = tracked.projection.name;
    const retry = retrier(this.#policy, signal, this.#logger.child({ projection: name }), {
      onRetry: (error) => (tracked.retrying = retried(tracked.retrying, error)),
    });
    const after = tracked.checkpoint;
    const events = batch.events.filter(
      (event) => tracked.types.has(event.type) && (after === undefined || comparePositions(event.position, after) > 0),
    );
    let outcome: BatchOutcome;
    try {
      outcome = await projectBatch(tracked.projection as Projection<ReadDocument>, this.#store.collection(name), events, retry);
    } catch (error) {
      if (error instanceof StoppedError || signal.aborted) throw new StoppedError();
      // The store refused in a way that retrying does not mend (a document it cannot hold, say).
      this.#fail(tracked, { error, ...(events[0] === undefined ? {} : { event: events[0] }) });
      return;
    }
    this.#metrics.applied(name, outcome.applied);
    const through = outcome.failure === undefined ? batch.through : lastBefore(batch.events, outcome.failure.event);
    if (through !== undefined && (after === undefined || comparePositions(through, after) > 0)) {
      try {
        await retry(`saving the checkpoint of ${name}`, () => this.#store.saveCheckpoint(name, through));
      } catch (error) {
        if (error instanceof StoppedError || signal.aborted) throw new StoppedError();
        this.#fail(tracked, { error });
        return;
      }
      tracked.checkpoint = through;
      tracked.retrying = undefined;
      const last = lastAtOrBefore(batch.events, through);
      if (last !== undefined) tracked.lastEventAt = Date.parse(last.occurredAt);
    }
    if (outcome.failure !== undefined) this.#fail(tracked, outcome.failure);
  }

  #fail(tracked: Tracked, failure: { event?: RecordedEvent; error: unknown }): void {
    const name = tracked.projection.name;
    tracked.state = 'failed';
    tracked.lastError = describeFailure(failure);
    this.#metrics.failed(name, true);
    this.#logger.error(
      { projection: name, err: failure.error, event: failure.event && { id: failure.event.eventId, type: failure.event.type, position: failure.event.position } },
      'projection stopped: it could not apply an event; fix and restart or rebuild it',
    );
    this.#waits.check();
  }

  /** Holds the runtime after its current batch until the returned function is called. */
  async #pause(): Promise<() => void> {
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

  async #whileNotPaused(signal: AbortSignal): Promise<void> {
    while (this.#resumed !== undefined && !signal.aborted) {
      const stopped = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      await Promise.race([this.#resumed.promise, stopped]);
    }
  }

  /** The head of the log, read at most every 250 ms; null when it cannot be read. */
  #head(): Promise<string | undefined | null> {
    const now = Date.now();
    if (this.#headCache === undefined || now - this.#headCache.at > 250) {
      this.#headCache = { at: now, head: this.#eventStore.headPosition().catch(() => null) };
    }
    return this.#headCache.head;
  }

  async #lags(): Promise<Lag[]> {
    const head = await this.#head();
    return this.#tracked.map((tracked) => {
      const projection = tracked.projection.name;
      if (head === null) return { projection, events: undefined, seconds: undefined };
      const behind = head === undefined ? 0n : BigInt(head) - BigInt(tracked.checkpoint ?? '0');
      if (behind <= 0n) return { projection, events: 0, seconds: 0 };
      const seconds = tracked.lastEventAt === undefined ? undefined : Math.max(0, (this.#now() - tracked.lastEventAt) / 1000);
      return { projection, events: Number(behind), seconds };
    });
  }
}

/** A live view of a projection's progress for `PositionWaits`. */
const progressOf = (tracked: Tracked): Progress => ({
  get name() {
    return tracked.projection.name;
  },
  get checkpoint() {
    return tracked.checkpoint;
  },
  get failure() {
    return tracked.state === 'failed' ? (tracked.lastError ?? { message: 'failed', at: new Date().toISOString() }) : undefined;
  },
});

/** The earliest checkpoint; undefined (the start of the log) when any projection has none. */
const earliest = (checkpoints: ReadonlyArray<string | undefined>): string | undefined => {
  let first: string | undefined;
  for (const checkpoint of checkpoints) {
    if (checkpoint === undefined) return undefined;
    if (first === undefined || comparePositions(checkpoint, first) < 0) first = checkpoint;
  }
  return first;
};

/** The position of the batch event just before `event` (of any type): how far a stopped projection got. */
const lastBefore = (events: readonly RecordedEvent[], event: RecordedEvent): string | undefined => {
  const index = events.indexOf(event);
  return index > 0 ? events[index - 1]!.position : undefined;
};

const lastAtOrBefore = (events: readonly RecordedEvent[], position: string): RecordedEvent | undefined => {
  for (let index = events.length - 1; index >= 0; index--) {
    if (comparePositions(events[index]!.position, position) <= 0) return events[index];
  }
  return undefined;
};
