/**
 * Where a log consumer keeps its checkpoint: the log position up to which its work is done. One
 * store holds the checkpoints of several consumers, by name.
 */
export interface CheckpointStore {
  /** The saved position, or undefined when the consumer has none yet (start from the beginning). */
  load(name: string): Promise<string | undefined>;
  /** Replaces the saved position; resolves once it is durable. */
  save(name: string, position: string): Promise<void>;
}

export class CheckpointStoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CheckpointStoreError';
  }
}

/** For tests and for a publisher whose log lives in memory as well. */
export class InMemoryCheckpointStore implements CheckpointStore {
  readonly #positions = new Map<string, string>();

  async load(name: string): Promise<string | undefined> {
    return this.#positions.get(name);
  }

  async save(name: string, position: string): Promise<void> {
    this.#positions.set(name, position);
  }
}
