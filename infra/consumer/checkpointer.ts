/**
 * The checkpointer port: where a log consumer's processors keep their checkpoints – the log
 * position up to which a processor's work is done – by processor name. One port for every
 * processor: the projections' checkpoints and the Kafka publisher's live in the same store, the
 * one every process that may take over can read (MongoDB on the real stack, the SQLite file of the
 * embedded default).
 */
import type { ReadModelStore } from '../read-models/port.js';
import type { Fence } from './lease.js';

export interface Checkpointer {
  /** The saved position, or undefined when the processor has none yet (start from the beginning). */
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

/** For tests and for consumers whose log lives in memory as well. */
export class InMemoryCheckpointer implements Checkpointer {
  readonly #positions = new Map<string, string>();

  async load(name: string): Promise<string | undefined> {
    return this.#positions.get(name);
  }

  async save(name: string, position: string): Promise<void> {
    this.#positions.set(name, position);
  }
}

/**
 * The checkpoints kept beside the read models (MongoDB's `checkpoints` collection, or memory).
 * With a `fence`, each save first checks that the lease term still runs and carries its token, so
 * the store refuses it once a later term has fenced the checkpoint.
 */
export const readModelCheckpointer = (store: ReadModelStore, fence?: Fence): Checkpointer => ({
  load: (name) => store.checkpoint(name),
  save: async (name, position) => {
    if (fence === undefined) return store.saveCheckpoint(name, position);
    fence.check();
    return store.saveCheckpoint(name, position, fence.token);
  },
});

/**
 * Copies a checkpoint into `to` when `to` has none yet – an upgrade from a checkpoint kept
 * elsewhere, so that the processor does not start over from the beginning of the log. Answers the
 * position carried over, if any.
 */
export const adoptCheckpoint = async (from: Checkpointer, to: Checkpointer, name: string): Promise<string | undefined> => {
  if ((await to.load(name)) !== undefined) return undefined;
  const position = await from.load(name);
  if (position !== undefined) await to.save(name, position);
  return position;
};
