/**
 * A SQLite file beside the log (the answers of idempotent requests, the consumers' store) whose
 * commits are made durable and whose WAL is checkpointed off the event loop: the connection runs at
 * `synchronous = NORMAL`, and after each commit the store calls `committed()`, which asks for a
 * checkpoint when one is due (`WalCheckpoints`) and resolves once the commit is on disk
 * (`DurableCommits`), one sync covering every commit made while the last one ran.
 */
import type Database from 'better-sqlite3';
import { WalCheckpoints } from './wal-checkpoints.js';
import { DurableCommits, WalSync } from './wal-sync.js';

export class DurableFile {
  readonly #commits: DurableCommits;
  readonly #checkpoints: WalCheckpoints;

  /** `db` is open in WAL mode; `what` names the file in the checkpoint thread's errors. */
  constructor(db: Database.Database, what: string) {
    this.#commits = new DurableCommits(WalSync.opened(db.name));
    this.#checkpoints = new WalCheckpoints(db, what);
  }

  /** After a commit: resolves once it is on disk; rejects for good after a failed sync. */
  committed(): Promise<void> {
    this.#checkpoints.due();
    return this.#commits.durable();
  }

  /** After the connection is closed: waits for the sync under way, then lets go of the WAL and the thread. */
  close(): void {
    // Closing the WAL's descriptor can throw; nothing is left to tell.
    this.#commits.close().catch(() => {});
    void this.#checkpoints.close();
  }
}
