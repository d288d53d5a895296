/**
 * The embedded default's read models in `DATA_DIR/read-models.sqlite3`, checked against the log
 * and the code before they are served. Read models are only ever derived from the log, so when
 * they cannot be its own they are discarded and folded again, never repaired:
 * - a position beyond the log's head: an older log was put in place (a restore, a copy, a loss
 *   accepted) – serving them would show events the log does not hold;
 * - folded by other projections than this build's: the documents would have yesterday's shape.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { READ_MODELS_FILE, SqliteReadModelStore } from '../read-models/sqlite.js';

/** What folds the events into documents: the projections and the event contracts they read. */
const FOLDING_CODE = ['../../projections/', '../../contracts/'];

const sourcesUnder = (directory: string): string[] =>
  readdirSync(directory, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(js|ts)$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();

/** A digest of the code that folds the read models: another build that folds differently has another one. */
export const foldedBy = (): string => {
  const hash = createHash('sha256');
  for (const directory of FOLDING_CODE) {
    for (const file of sourcesUnder(fileURLToPath(new URL(directory, import.meta.url)))) hash.update(file.slice(file.lastIndexOf(directory.slice(6)))).update(readFileSync(file));
  }
  return hash.digest('hex');
};

const FOLDED_BY = 'foldedBy';

export const openEmbeddedReadModels = async (
  dataDir: string,
  deps: { logHead: bigint; logger: Logger; freezeDocuments: boolean; foldedBy?: string },
): Promise<SqliteReadModelStore> => {
  const store = SqliteReadModelStore.open(join(dataDir, READ_MODELS_FILE), { freezeDocuments: deps.freezeDocuments });
  try {
    const code = deps.foldedBy ?? foldedBy();
    const highest = await store.highestPosition();
    if (highest !== undefined && BigInt(highest) > deps.logHead) {
      deps.logger.warn(
        { file: store.file, readModelsAt: highest, logHead: String(deps.logHead) },
        'the read models are ahead of the event log (an older log was put in place): they are discarded and folded from the log again',
      );
      await store.discardAll();
    } else if (highest !== undefined && (await store.fact(FOLDED_BY)) !== code) {
      deps.logger.info({ file: store.file }, 'the projections changed since the read models were folded: they are folded from the log again');
      await store.discardAll();
    }
    await store.setFact(FOLDED_BY, code);
    return store;
  } catch (error) {
    void store.close();
    throw error;
  }
};

/** Loads the stored read models, saying how far it got every few seconds. */
export const loadReadModels = async (store: SqliteReadModelStore, logger: Logger): Promise<void> => {
  const started = performance.now();
  let reported = started;
  let documents = 0;
  try {
    await store.load((progress) => {
      documents = progress.documents;
      if (performance.now() - reported < 5_000) return;
      reported = performance.now();
      logger.info({ documents, collection: progress.collection }, 'loading the read models');
    });
  } catch (error) {
    throw new Error(
      `${String((error as Error).message ?? error)}. The read models are only derived from the log: with the service stopped, ` +
        `delete ${store.file} (and its -wal and -shm files), and the next start folds them from the log again`,
      { cause: error },
    );
  }
  logger.info({ documents, ms: Math.round(performance.now() - started), file: store.file }, 'read models loaded; the projector goes on from their checkpoints');
};
