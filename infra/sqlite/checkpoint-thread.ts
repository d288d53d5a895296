/**
 * The thread that checkpoints a SQLite file's WAL – copies its frames into the database file – with
 * a connection of its own. SQLite's automatic checkpoint runs inside the COMMIT that crosses 1,000
 * pages, on the event loop, and syncs both files there (10 to 15 ms every second or two in the
 * command benchmark, far more on a busy disk); `WalCheckpoints` turns it off on the store's
 * connection and asks this thread instead.
 *
 * PASSIVE: it copies what no reader still needs and never waits for a lock, so writes go on while
 * it runs. At `synchronous = NORMAL` a checkpoint syncs the WAL before it copies and the database
 * file before the WAL may be written from its start again, so it never loses a commit, whichever
 * connection runs it.
 */
import Database from 'better-sqlite3';
import { workerData } from 'node:worker_threads';
import { answerRequests } from '../threads/one-at-a-time.js';

export type CheckpointRequest = { kind: 'checkpoint' } | { kind: 'close' };
/** SQLite's answer: frames in the WAL, and how many of them are in the database file now. */
export type Checkpointed = { log: number; checkpointed: number } | undefined;

const { file } = workerData as { file: string };
let db: Database.Database | undefined;

answerRequests((request: CheckpointRequest): Checkpointed => {
  if (request.kind === 'close') {
    db?.close();
    db = undefined;
    return undefined;
  }
  if (db === undefined) {
    db = new Database(file, { fileMustExist: true });
    // The file is in WAL mode already (it is kept in the file); NORMAL is what makes a checkpoint sync.
    db.pragma('synchronous = NORMAL');
  }
  const [result] = db.pragma('wal_checkpoint(PASSIVE)') as Array<{ busy: number; log: number; checkpointed: number }>;
  return result === undefined ? undefined : { log: result.log, checkpointed: result.checkpointed };
});
