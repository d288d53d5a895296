/**
 * Retrying what fails for a while – an unreachable event store, read-model store, checkpoint store
 * or broker – for every log consumer: the projector, the Kafka publisher and a rebuild. Each wait
 * doubles up to a bound, with jitter so that restarted workers do not retry in step; there is no
 * bound on the number of attempts while the consumer runs – one that gave up on an outage would
 * need a person to restart it. Stopping the consumer ends a wait at once.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import { EventStoreUnavailableError } from '../event-store/port.js';
import { ReadModelStoreUnavailableError } from '../read-models/port.js';

export type BackoffPolicy = {
  /** Longest wait after the first failure. */
  initialMs: number;
  /** Longest wait between two attempts. */
  maxMs: number;
};

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 100, maxMs: 10_000 };

/** The consumer was stopped while it waited or worked. */
export class StoppedError extends Error {
  constructor() {
    super('stopped');
    this.name = 'StoppedError';
  }
}

/** The delay before retry number `attempt` (1-based): between half and all of the capped exponential. */
export const backoffDelay = (attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random: () => number = Math.random): number => {
  const ceiling = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(Math.max(attempt, 1) - 1, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
};

/** Resolves after `ms`; rejects with `StoppedError` as soon as `signal` aborts. */
export const pause = async (ms: number, signal: AbortSignal): Promise<void> => {
  if (signal.aborted) throw new StoppedError();
  try {
    await delay(ms, undefined, { signal });
  } catch {
    throw new StoppedError();
  }
};

/** Failures that pass by themselves: a store that cannot be reached. */
export const isTransient = (error: unknown): boolean =>
  error instanceof ReadModelStoreUnavailableError || error instanceof EventStoreUnavailableError;

export type Retry = <T>(what: string, operation: () => Promise<T>) => Promise<T>;

/**
 * Runs operations, retrying the failures `transient` accepts (default `isTransient`); anything else
 * is thrown as it is. `onRetry` hears of each failure retried; every retry is logged.
 */
export const retrier =
  (
    policy: BackoffPolicy,
    signal: AbortSignal,
    logger: Logger,
    options: { onRetry?: (error: unknown) => void; transient?: (error: unknown) => boolean } = {},
  ): Retry =>
  async (what, operation) => {
    const transient = options.transient ?? isTransient;
    for (let attempt = 1; ; attempt++) {
      if (signal.aborted) throw new StoppedError();
      try {
        return await operation();
      } catch (error) {
        if (signal.aborted) throw new StoppedError();
        if (!transient(error)) throw error;
        options.onRetry?.(error);
        const waitMs = backoffDelay(attempt, policy);
        logger.warn({ err: error, attempt, retryInMs: waitMs }, `${what} failed; retrying`);
        await pause(waitMs, signal);
      }
    }
  };

/** What a consumer has been retrying since it last made progress. */
export type Retrying = { since: string; attempts: number; lastError: string };

export const retried = (before: Retrying | undefined, error: unknown): Retrying => ({
  since: before?.since ?? new Date().toISOString(),
  attempts: (before?.attempts ?? 0) + 1,
  lastError: error instanceof Error ? error.message : String(error),
});
