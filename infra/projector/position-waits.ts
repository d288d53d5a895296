/**
 * Read-your-writes: callers waiting until the projections they read have processed the log up to
 * a position. A wait ends when every projection named has a checkpoint at or past the position,
 * at once when one of them has stopped on an event (it will not get there), on timeout, or when
 * the runtime stops.
 */
import { comparePositions } from '../event-store/port.js';
import { PositionWaitTimeoutError, ProjectionFailedError, type ProjectionError } from './errors.js';

/** Where a projection stands, as far as a wait is concerned. */
export type Progress = { name: string; checkpoint: string | undefined; failure: ProjectionError | undefined };

type Wait = { position: string; projections: readonly Progress[]; resolve(): void; reject(error: Error): void; timer?: NodeJS.Timeout };

export const hasReached = (progress: Progress, position: string): boolean =>
  progress.checkpoint !== undefined && comparePositions(progress.checkpoint, position) >= 0;

export class PositionWaits {
  readonly #waits = new Set<Wait>();

  /** `projections` are live views: the runtime changes them and calls `check()`. */
  wait(position: string, timeoutMs: number, projections: readonly Progress[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const wait: Wait = { position, projections, resolve, reject };
      this.#waits.add(wait);
      if (this.#check(wait)) return;
      wait.timer = setTimeout(() => {
        const behind = projections.filter((progress) => !hasReached(progress, position)).map((progress) => progress.name);
        this.#settle(wait, new PositionWaitTimeoutError(position, timeoutMs, behind));
      }, timeoutMs);
    });
  }

  /** Ends the waits that can end, after projections moved on or stopped. */
  check(): void {
    for (const wait of this.#waits) this.#check(wait);
  }

  /** Ends every wait with `error`. */
  rejectAll(error: Error): void {
    for (const wait of this.#waits) this.#settle(wait, error);
  }

  #check(wait: Wait): boolean {
    const failed = wait.projections.find((progress) => progress.failure !== undefined);
    if (failed !== undefined) {
      this.#settle(wait, new ProjectionFailedError(failed.name, failed.failure!));
      return true;
    }
    if (wait.projections.every((progress) => hasReached(progress, wait.position))) {
      this.#settle(wait);
      return true;
    }
    return false;
  }

  #settle(wait: Wait, error?: Error): void {
    clearTimeout(wait.timer);
    this.#waits.delete(wait);
    if (error === undefined) wait.resolve();
    else wait.reject(error);
  }
}
