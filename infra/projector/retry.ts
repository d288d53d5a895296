/**
 * Retrying what fails for a while: an unreachable read-model store or event store. Each wait
 * doubles, up to a bound; there is no bound on the number of attempts while the runtime runs – a
 * projection that gave up on a store outage would need a person to restart it. Every retry is
 * logged. Stopping the runtime ends the waiting at once.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import { EventStoreUnavailableError } from '../event-store/port.js';
import { ReadModelStoreUnavailableError } from '../read-models/port.js';

export type RetryPolicy = {
  /** Wait after the first failure. */
  initialDelayMs: number;
  /** Longest wait between two attempts. */
  maxDelayMs: number;
};

export const DEFAULT_RETRY: RetryPolicy = { initialDelayMs: 100, maxDelayMs: 10_000 };

/** The runtime (or a rebuild) was stopped while it waited or worked. */
export class StoppedError extends Error {
  constructor() {
    super('stopped');
    this.name = 'StoppedError';
  }
}

export const isTransient = (error: unknown): boolean =>
  error instanceof ReadModelStoreUnavailableError || error instanceof EventStoreUnavailableError;

/** The wait before attempt `attempt + 1`, with up to 20 % taken off so that restarted workers do not retry in step. */
export const backoffDelay = (policy: RetryPolicy, attempt: number): number =>
  Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(attempt - 1, 30)) * (1 - Math.random() * 0.2);

export const pause = async (ms: number, signal: AbortSignal): Promise<void> => {
  try {
    await delay(ms, undefined, { signal });
  } catch {
    throw new StoppedError();
  }
};

export type Retry = <T>(what: string, operation: () => Promise<T>) => Promise<T>;

/** Runs operations, retrying transient failures; anything else is thrown as it is. `onRetry` hears of each failure retried. */
export const retrier =
  (policy: RetryPolicy, signal: AbortSignal, logger: Logger, onRetry?: (error: unknown) => void): Retry =>
  async (what, operation) => {
    for (let attempt = 1; ; attempt++) {
      if (signal.aborted) throw new StoppedError();
      try {
        return await operation();
      } catch (error) {
        if (signal.aborted) throw new StoppedError();
        if (!isTransient(error)) throw error;
        onRetry?.(error);
        const waitMs = Math.round(backoffDelay(policy, attempt));
        logger.warn({ err: error, attempt, retryInMs: waitMs }, `${what} failed; retrying`);
        await pause(waitMs, signal);
      }
    }
  };

/** What a projection has been retrying since it last made progress. */
export type Retrying = { since: string; attempts: number; lastError: string };

export const retried = (before: Retrying | undefined, error: unknown): Retrying => ({
  since: before?.since ?? new Date().toISOString(),
  attempts: (before?.attempts ?? 0) + 1,
  lastError: error instanceof Error ? error.message : String(error),
});
