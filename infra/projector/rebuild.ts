/**
 * Rebuilding a projection: its documents built again from the start of the log into a staging
 * collection while the live one keeps serving, then swapped in.
 *
 * 1. A catch-up subscription (filtered to the projection's event types) fills the staging
 *    collection up to the head of the log, in large batches, through a write-behind cache
 *    (`StagingTarget`).
 * 2. The live writer of the projection, if any, is paused (`handover`); the events appended
 *    meanwhile are read up to the head, which now lies at or beyond everything the live writer has
 *    done.
 * 3. Swap, then the checkpoint – in that order: a crash between the two leaves the rebuilt
 *    documents with the older live checkpoint, and redelivery from there is skipped per document.
 * 4. The live writer resumes; it skips every event at or before the rebuilt checkpoint.
 */
import type { Logger } from 'pino';
import type { RecordedEvent } from '../../contracts/index.js';
import type { ReadDocument } from '../../projections/projection.js';
import { comparePositions, type EventStore, type LogFilter } from '../event-store/port.js';
import type { DocumentWrite, ReadModelCollection, ReadModelStore, StoredState } from '../read-models/port.js';
import { DEFAULT_CATCH_UP_BATCH_LIMITS, type BatchLimits } from '../consumer/batches.js';
import { readModelCheckpointer, type Checkpointer } from '../consumer/checkpointer.js';
import { LogConsumer, type Processor } from '../consumer/consumer.js';
import { describeFailure, ProjectionFailedError } from './errors.js';
import { foldEvents, routeEvents } from './fold.js';
import type { AnyProjection } from './project-batch.js';
import { DEFAULT_BACKOFF, isTransient, retrier, StoppedError, type BackoffPolicy, type Retry } from '../consumer/retry.js';

export type RebuildResult = {
  projection: string;
  /** The checkpoint the rebuilt documents are at; undefined for an empty log. */
  position: string | undefined;
  /** Events that changed at least one document. */
  eventsApplied: number;
  /** occurredAt of the last event read. */
  lastEventAt: string | undefined;
  durationMs: number;
};

export type RebuildHandover = {
  /** Stops the live writer of the projection after its current batch; resolves to what resumes it. */
  pause(): Promise<() => void>;
  /** Called after the swap and the checkpoint, while the live writer is still paused. */
  swapped(result: RebuildResult): void;
};

export type RebuildOptions = {
  eventStore: EventStore;
  store: ReadModelStore;
  /** Where the rebuilt checkpoint is saved; default: beside the read models. */
  checkpoints?: Checkpointer;
  projection: AnyProjection;
  logger: Logger;
  /** Default: `DEFAULT_CATCH_UP_BATCH_LIMITS`. */
  batch?: Partial<BatchLimits>;
  retry?: Partial<BackoffPolicy>;
  signal?: AbortSignal;
  handover?: RebuildHandover;
  /** How often progress is logged. */
  progressEveryMs?: number;
  /** Documents kept in memory between writes to the staging collection (`StagingTarget`). */
  maxCachedDocuments?: number;
};

export const DEFAULT_MAX_CACHED_DOCUMENTS = 100_000;

export const rebuildProjection = async (options: RebuildOptions): Promise<RebuildResult> => {
  const { eventStore, store, projection } = options;
  const checkpoints = options.checkpoints ?? readModelCheckpointer(store);
  const started = Date.now();
  const signal = options.signal ?? new AbortController().signal;
  const logger = options.logger.child({ projection: projection.name, rebuild: true });
  const policy = { ...DEFAULT_BACKOFF, ...options.retry };
  const limits = { ...DEFAULT_CATCH_UP_BATCH_LIMITS, ...options.batch };
  const retry = retrier(policy, signal, logger);
  const filter: LogFilter | undefined = projection.eventTypes.length > 0 ? { eventTypes: projection.eventTypes } : undefined;

  const staging = await retry('creating the staging collection', () => store.staging<ReadDocument>(projection.name));
  logger.info({ staging: staging.name }, 'rebuild started');
  const target = new StagingTarget(projection, staging, retry, logger, {
    progressEveryMs: options.progressEveryMs ?? 5_000,
    maxCachedDocuments: options.maxCachedDocuments ?? DEFAULT_MAX_CACHED_DOCUMENTS,
    maxWritesPerFlush: limits.maxEvents,
  });

  await followToHead(eventStore, projection, limits, target, policy, signal, logger);
  // Written before the live writer is paused, so that the pause only covers what came since.
  await target.flush({ evict: false });

  const resume = await options.handover?.pause();
  try {
    const head = await retry('reading the head of the log', () => eventStore.headPosition());
    await readToEnd(eventStore, filter, limits, target, retry, signal);
    await target.flush({ evict: false });
    const position = laterOf(target.through, head);
    await retry('swapping in the rebuilt collection', () => store.swap(projection.name, staging.name));
    if (position !== undefined) await retry('saving the checkpoint', () => checkpoints.save(projection.name, position));
    const result: RebuildResult = {
      projection: projection.name,
      position,
      eventsApplied: target.applied,
      lastEventAt: target.lastEventAt,
      durationMs: Date.now() - started,
    };
    options.handover?.swapped(result);
    logger.info(result, 'rebuild swapped in');
    return result;
  } finally {
    resume?.();
  }
};

const laterOf = (a: string | undefined, b: string | undefined): string | undefined =>
  a === undefined ? b : b === undefined ? a : comparePositions(a, b) >= 0 ? a : b;

/**
 * The staging collection, written behind a cache: nobody reads the staging collection and a
 * rebuild that does not finish is started over, so there is no reason to write each batch
 * through. Documents stay in memory, dirty, and go out in bulk writes when the cache is full and
 * before the swap – a document changed by thousands of events is written once, not once per
 * batch. That is what makes a rebuild cheap where each write costs (MongoDB; more so FerretDB,
 * whose single-document writes scan the collection).
 */
class StagingTarget {
  through: string | undefined;
  applied = 0;
  lastEventAt: string | undefined;
  readonly #cache = new Map<string, StoredState<ReadDocument>>();
  readonly #dirty = new Set<string>();
  /** Once the cache has been emptied, a document missing from it may be in the collection. */
  #spilled = false;
  #loggedAt = Date.now();

  constructor(
    readonly projection: AnyProjection,
    readonly collection: ReadModelCollection<ReadDocument>,
    readonly retry: Retry,
    readonly logger: Logger,
    readonly limits: { progressEveryMs: number; maxCachedDocuments: number; maxWritesPerFlush: number },
  ) {}

  async apply(events: readonly RecordedEvent[], through: string | undefined): Promise<void> {
    const route = routeEvents(this.projection, events);
    const ids = [...new Set(route.routed.flatMap(({ ids }) => ids))];
    const missing = this.#spilled ? ids.filter((id) => !this.#cache.has(id)) : [];
    if (missing.length > 0) {
      const stored = await this.retry(`loading ${missing.length} staged documents`, () => this.collection.getStates(missing));
      for (const [id, state] of stored) this.#cache.set(id, state);
    }
    const states = new Map<string, StoredState<ReadDocument>>();
    for (const id of ids) {
      const state = this.#cache.get(id);
      if (state !== undefined) states.set(id, state);
    }
    const fold = foldEvents(this.projection, route.routed, states);
    const failure = fold.failure ?? route.failure;
    if (failure !== undefined) throw new ProjectionFailedError(this.projection.name, describeFailure(failure));
    for (const write of fold.writes) {
      this.#cache.set(write.id, { document: write.kind === 'upsert' ? write.document : undefined, position: write.ifPositionBelow });
      this.#dirty.add(write.id);
    }
    this.applied += fold.applied;
    this.through = laterOf(this.through, through);
    this.lastEventAt = events.at(-1)?.occurredAt ?? this.lastEventAt;
    if (this.#cache.size >= this.limits.maxCachedDocuments) await this.flush({ evict: true });
    if (Date.now() - this.#loggedAt >= this.limits.progressEveryMs) {
      this.#loggedAt = Date.now();
      this.logger.info({ position: this.through, eventsApplied: this.applied }, 'rebuilding');
    }
  }

  /** Writes what changed since the last flush; `evict` also empties the cache. */
  async flush(options: { evict: boolean }): Promise<void> {
    const writes: DocumentWrite<ReadDocument>[] = [];
    for (const id of this.#dirty) {
      const { document, position } = this.#cache.get(id)!;
      writes.push(document === undefined ? { kind: 'delete', id, ifPositionBelow: position } : { kind: 'upsert', id, document, ifPositionBelow: position });
    }
    for (let start = 0; start < writes.length; start += this.limits.maxWritesPerFlush) {
      const chunk = writes.slice(start, start + this.limits.maxWritesPerFlush);
      await this.retry(`writing ${chunk.length} staged documents`, () => this.collection.write(chunk));
    }
    this.#dirty.clear();
    if (options.evict) {
      this.#cache.clear();
      this.#spilled = true;
    }
  }
}

/**
 * Phase 1: the staging target as the one processor of a log consumer that stops at the head. A
 * projection that throws ends the rebuild rather than being retried.
 */
const followToHead = async (
  eventStore: EventStore,
  projection: AnyProjection,
  limits: BatchLimits,
  target: StagingTarget,
  policy: BackoffPolicy,
  signal: AbortSignal,
  logger: Logger,
): Promise<void> => {
  let failure: { error: unknown } | undefined;
  const processor: Processor = {
    name: projection.name,
    eventTypes: projection.eventTypes,
    running: () => failure === undefined,
    open: async () => target.through,
    handle: async (batch) => {
      try {
        await target.apply(batch.events, batch.through);
      } catch (error) {
        if (error instanceof StoppedError || isTransient(error)) throw error;
        failure = { error };
      }
    },
  };
  const consumer = new LogConsumer({ eventStore, processors: [processor], logger, batch: limits, catchUpBatch: limits, backoff: policy, untilCaughtUp: true });
  const stop = () => void consumer.stop();
  signal.addEventListener('abort', stop);
  try {
    consumer.start();
    await consumer.finished();
  } finally {
    signal.removeEventListener('abort', stop);
    await consumer.stop();
  }
  if (signal.aborted) throw new StoppedError();
  if (failure !== undefined) throw failure.error;
};

/** Phase 2: whatever was appended since, read to the end of the log. */
const readToEnd = (eventStore: EventStore, filter: LogFilter | undefined, limits: BatchLimits, target: StagingTarget, retry: Retry, signal: AbortSignal) =>
  retry('reading the log to its end', async () => {
    const start = target.through === undefined ? 'start' : { after: target.through };
    let events: RecordedEvent[] = [];
    for await (const event of eventStore.readAll(filter === undefined ? { start } : { start, filter })) {
      if (signal.aborted) throw new StoppedError();
      events.push(event);
      if (events.length >= limits.maxEvents) {
        await target.apply(events, event.position);
        events = [];
      }
    }
    await target.apply(events, events.at(-1)?.position);
  });
