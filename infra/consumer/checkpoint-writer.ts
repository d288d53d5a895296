/**
 * Saves a consumer's checkpoint behind its progress without holding it up: `advance` records the
 * newest acknowledged position and one save at a time writes the newest one recorded. The stored
 * checkpoint therefore never passes what was acknowledged, and lags it by at most one save.
 */
import type { Checkpointer } from './checkpointer.js';

export class CheckpointWriter {
  #wanted: string | undefined;
  #saved: string | undefined;
  #writing: Promise<void> | undefined;
  #failure: { error: unknown } | undefined;

  constructor(
    readonly store: Checkpointer,
    readonly name: string,
    saved: string | undefined,
  ) {
    this.#saved = saved;
    this.#wanted = saved;
  }

  /** The position last made durable. */
  get saved(): string | undefined {
    return this.#saved;
  }

  /** Everything up to `position` is acknowledged; throws the failure of an earlier save. */
  advance(position: string): void {
    this.#throwFailure();
    this.#wanted = position;
    if (!this.#writing && position !== this.#saved) this.#writing = this.#write();
  }

  /** Resolves once the newest recorded position is durable; rejects when a save failed. */
  async flush(): Promise<void> {
    while (this.#writing) await this.#writing;
    this.#throwFailure();
  }

  async #write(): Promise<void> {
    // Never finishes synchronously, so that `#writing` is assigned before the `finally` clears it.
    await Promise.resolve();
    try {
      while (this.#wanted !== undefined && this.#wanted !== this.#saved && !this.#failure) {
        const position = this.#wanted;
        await this.store.save(this.name, position);
        this.#saved = position;
      }
    } catch (error) {
      this.#failure = { error };
    } finally {
      this.#writing = undefined;
    }
  }

  #throwFailure(): void {
    if (this.#failure) throw this.#failure.error;
  }
}
