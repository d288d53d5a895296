/**
 * Checkpoints of a SQLite file's WAL off the event loop: the store's own connection never
 * checkpoints (`wal_autocheckpoint = 0`), and after its commits the store calls `due()`, which asks
 * the checkpoint thread (`checkpoint-thread.ts`) at most every `everyMs` and never while one runs.
 * A commit that comes too soon is not forgotten: a timer asks once the interval is over, so the last
 * commits of a burst reach the database file too, not only at the next commit. If the thread
 * cannot, the checkpoint runs on the store's connection, as SQLite's own would have, so that the WAL
 * does not grow without end.
 */
import type Database from 'better-sqlite3';
import { OneAtATimeThread } from '../threads/one-at-a-time.js';
import type { Checkpointed, CheckpointRequest } from './checkpoint-thread.js';

export class WalCheckpoints {
  readonly #db: Database.Database;
  readonly #thread: OneAtATimeThread<CheckpointRequest, Checkpointed>;
  readonly #everyMs: number;
  #checkpointedAt = performance.now();
  /** Set while commits wait for the next checkpoint; it does not keep the process alive. */
  #later: NodeJS.Timeout | undefined;
  /** Commits came while a checkpoint ran: the next one is due once it is over. */
  #pending = false;
  #closed = false;

  /** `what` names the file for the thread's errors, as in "the checkpointer of the event log". */
  constructor(db: Database.Database, what: string, everyMs = 500) {
    this.#db = db;
    this.#everyMs = everyMs;
    db.pragma('wal_autocheckpoint = 0');
    this.#thread = new OneAtATimeThread(`the checkpointer of ${what}`, new URL('./checkpoint-thread.js', import.meta.url), { file: db.name });
  }

  /** After a commit: asks for a checkpoint when the last one is long enough ago and none runs. */
  due(): void {
    if (this.#closed || this.#later !== undefined) return;
    if (this.#thread.busy) {
      this.#pending = true;
      return;
    }
    const wait = this.#checkpointedAt + this.#everyMs - performance.now();
    if (wait > 0) {
      this.#later = setTimeout(() => {
        this.#later = undefined;
        this.due();
      }, wait).unref();
      return;
    }
    this.#pending = false;
    this.#thread
      .ask({ kind: 'checkpoint' })
      .catch(() => {
        try {
          if (this.#db.open) this.#db.pragma('wal_checkpoint(PASSIVE)');
        } catch {
          // Left to the next try; a write that cannot go on says why.
        }
      })
      .finally(() => {
        this.#checkpointedAt = performance.now();
        if (this.#pending) this.due();
      });
  }

  /** Ends the thread and its connection. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#later);
    this.#later = undefined;
    await this.#thread.close({ kind: 'close' }).catch(() => {});
  }
}
