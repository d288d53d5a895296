/**
 * Rebuilding a projection: its documents built again from the start of the log into a staging
 * collection while the live one keeps serving, then swapped in.
 *
 * 1. A catch-up subscription (filtered to the projection's event types) fills the staging
 *    collection up to the head of the log.
 * 2. The live writer of the projection, if any, is paused (`handover`); the events appended
 *    meanwhile are read up to the head, which now lies at or beyond everything the live writer has
 *    done.
 * 3. Swap, then the checkpoint – in that order: a crash between the two leaves the rebuilt
 *    documents with the older live checkpoint, and redelivery from there is skipped per document.
 * 4. The live writer resumes; it skips every event at or before the rebuilt checkpoint.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { RecordedEvent } from '../../contracts/index.js';
import type { ReadDocument } from '../../projections/projection.js';
import { comparePositions, type EventStore, type LogFilter } from '../event-store/port.js';
import type { ReadModelCollection, ReadModelStore } from '../read-models/port.js';
import { DEFAULT_REBUILD_BATCH_LIMITS, readBatches, type BatchLimits } from './batches.js';
import { describeFailure, ProjectionFailedError } from './errors.js';
import { projectBatch, type AnyProjection } from './project-batch.js';
import { backoffDelay, DEFAULT_RETRY, isTransient, pause, retrier, StoppedError, type Retry, type RetryPolicy } from './retry.js';

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
  projection: AnyProjection;
  logger: Logger;
  batch?: Partial<BatchLimits>;
  retry?: Partial<RetryPolicy>;
  signal?: AbortSignal;
  handover?: RebuildHandover;
  /** How often progress is logged. */
  progressEveryMs?: number;
};

export const rebuildProjection = async (options: RebuildOptions): Promise<RebuildResult> => {
  const { eventStore, store, projection } = options;
  const started = Date.now();
  const signal = options.signal ?? new AbortController().signal;
  const logger = options.logger.child({ projection: projection.name, rebuild: true });
  const policy = { ...DEFAULT_RETRY, ...options.retry };
  const limits = { ...DEFAULT_REBUILD_BATCH_LIMITS, ...options.batch };
  const retry = retrier(policy, signal, logger);
  const filter: LogFilter | undefined = projection.eventTypes.length > 0 ? { eventTypes: projection.eventTypes } : undefined;

  const staging = await retry('creating the staging collection', () => store.staging<ReadDocument>(projection.name));
  logger.info({ staging: staging.name }, 'rebuild started');
  const target = new StagingTarget(projection, staging, retry, logger, options.progressEveryMs ?? 5_000);

  await followToHead(eventStore, filter, limits, target, policy, signal, logger);

  const resume = await options.handover?.pause();
  try {
    const head = await retry('reading the head of the log', () => eventStore.headPosition());
    await readToEnd(eventStore, filter, limits, target, policy, signal, logger);
    const position = laterOf(target.through, head);
    await retry('swapping in the rebuilt collection', () => store.swap(projection.name, staging.name));
    if (position !== undefined) await retry('saving the checkpoint', () => store.saveCheckpoint(projection.name, position));
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

/** The staging collection and how far it has got. */
class StagingTarget {
  through: string | undefined;
  applied = 0;
  lastEventAt: string | undefined;
  #loggedAt = Date.now();

  constructor(
    readonly projection: AnyProjection,
    readonly collection: ReadModelCollection<ReadDocument>,
    readonly retry: Retry,
    readonly logger: Logger,
    readonly progressEveryMs: number,
  ) {}

  async apply(events: readonly RecordedEvent[], through: string | undefined): Promise<void> {
    const outcome = await projectBatch(this.projection, this.collection, events, this.retry);
    if (outcome.failure !== undefined) {
      throw new ProjectionFailedError(this.projection.name, describeFailure(outcome.failure));
    }
    this.applied += outcome.applied;
    this.through = laterOf(this.through, through);
    this.lastEventAt = events.at(-1)?.occurredAt ?? this.lastEventAt;
    if (Date.now() - this.#loggedAt >= this.progressEveryMs) {
      this.#loggedAt = Date.now();
      this.logger.info({ position: this.through, eventsApplied: this.applied }, 'rebuilding');
    }
  }
}

/** Phase 1: a catch-up subscription until it reports the head; reopened after a store outage. */
const followToHead = async (
  eventStore: EventStore,
  filter: LogFilter | undefined,
  limits: BatchLimits,
  target: StagingTarget,
  policy: RetryPolicy,
  signal: AbortSignal,
  logger: Logger,
): Promise<void> => {
  for (let attempt = 1; ; attempt++) {
    if (signal.aborted) throw new StoppedError();
    const start = target.through === undefined ? 'start' : { after: target.through };
    const subscription = eventStore.subscribeToAll(filter === undefined ? { start } : { start, filter });
    const stop = () => void subscription.close();
    signal.addEventListener('abort', stop);
    try {
      for await (const batch of readBatches(subscription, limits)) {
        await target.apply(batch.events, batch.through);
        attempt = 1;
        if (batch.caughtUp) return;
        await nextTurn();
      }
      if (signal.aborted) throw new StoppedError();
    } catch (error) {
      if (signal.aborted) throw new StoppedError();
      if (!isTransient(error)) throw error;
      const waitMs = Math.round(backoffDelay(policy, attempt));
      logger.warn({ err: error, attempt, retryInMs: waitMs }, 'reading the log failed; retrying');
      await pause(waitMs, signal);
    } finally {
      signal.removeEventListener('abort', stop);
      await subscription.close();
    }
  }
};

/** Phase 2: whatever was appended since, read to the end of the log. */
const readToEnd = async (
  eventStore: EventStore,
  filter: LogFilter | undefined,
  limits: BatchLimits,
  target: StagingTarget,
  policy: RetryPolicy,
  signal: AbortSignal,
  logger: Logger,
): Promise<void> => {
  for (let attempt = 1; ; attempt++) {
    const start = target.through === undefined ? 'start' : { after: target.through };
    let events: RecordedEvent[] = [];
    try {
      for await (const event of eventStore.readAll(filter === undefined ? { start } : { start, filter })) {
        if (signal.aborted) throw new StoppedError();
        events.push(event);
        if (events.length >= limits.maxEvents) {
          await target.apply(events, event.position);
          events = [];
        }
      }
      await target.apply(events, events.at(-1)?.position);
      return;
    } catch (error) {
      if (signal.aborted) throw new StoppedError();
      if (!isTransient(error)) throw error;
      const waitMs = Math.round(backoffDelay(policy, attempt));
      logger.warn({ err: error, attempt, retryInMs: waitMs }, 'reading the log failed; retrying');
      await pause(waitMs, signal);
    }
  }
};
