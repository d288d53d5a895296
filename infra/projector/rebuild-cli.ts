/**
 * `npm run projections:rebuild -- <name>`: rebuilds one projection into a staging collection and
 * swaps it in (`rebuild.ts`). The composition root supplies the stores from its configuration;
 * this file only looks the projection up, opens, runs and closes.
 *
 * Run it while no projector worker is writing that projection (stop the worker, or use the
 * worker's own `Projector.rebuildProjection`, which pauses its live writer around the swap): a
 * worker in another process would go on writing the collection it had before the swap, and its
 * checkpoint would then claim events the rebuilt collection has not seen. With the in-memory store
 * (the embedded default) there is nothing to rebuild from outside: it is rebuilt at every start.
 */
import type { Logger } from 'pino';
import type { EventStore } from '../event-store/port.js';
import type { ReadModelStore } from '../read-models/port.js';
import type { AnyProjection } from './project-batch.js';
import { rebuildProjection, type RebuildResult } from './rebuild.js';

export type RunRebuildOptions = {
  name: string;
  openEventStore: () => Promise<EventStore>;
  openReadModelStore: () => Promise<ReadModelStore>;
  projections: readonly AnyProjection[];
  logger: Logger;
  /** Ends the rebuild early (SIGINT, say); the staging collection is dropped by the next rebuild. */
  signal?: AbortSignal;
};

export class UnknownProjectionError extends Error {
  constructor(name: string, known: readonly string[]) {
    super(`no projection named ${JSON.stringify(name)}; known: ${known.join(', ')}`);
    this.name = 'UnknownProjectionError';
  }
}

export const runRebuild = async (options: RunRebuildOptions): Promise<RebuildResult> => {
  const projection = options.projections.find((candidate) => candidate.name === options.name);
  if (projection === undefined) {
    throw new UnknownProjectionError(
      options.name,
      options.projections.map((candidate) => candidate.name),
    );
  }
  const eventStore = await options.openEventStore();
  try {
    const store = await options.openReadModelStore();
    try {
      return await rebuildProjection({
        eventStore,
        store,
        projection,
        logger: options.logger,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
    } finally {
      await store.close();
    }
  } finally {
    await eventStore.close();
  }
};

/**
 * The command line around `runRebuild`: `<name>` from `argv`, SIGINT and SIGTERM end it, the exit
 * code says how it went (0 done, 1 failed, 2 usage).
 */
export const rebuildCommand = async (
  argv: readonly string[],
  dependencies: Omit<RunRebuildOptions, 'name' | 'signal'>,
): Promise<number> => {
  const [name, ...rest] = argv;
  const names = dependencies.projections.map((projection) => projection.name).join(', ');
  if (name === undefined || rest.length > 0 || name.startsWith('-')) {
    process.stderr.write(`usage: npm run projections:rebuild -- <name>\nprojections: ${names}\n`);
    return 2;
  }
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const result = await runRebuild({ ...dependencies, name, signal: abort.signal });
    dependencies.logger.info(result, `rebuilt ${name}`);
    return 0;
  } catch (error) {
    dependencies.logger.error({ err: error }, `rebuilding ${name} failed`);
    return error instanceof UnknownProjectionError ? 2 : 1;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
};
