/**
 * The head witness of the SQLite event log: a tiny database beside the log file
 * (`events-head.sqlite3` beside `events.sqlite3`) that remembers the highest position ever
 * acknowledged to a writer and the highest position ever handed out.
 *
 * Why a second file: a log that lost its last commits (its `-wal` truncated or deleted, an older
 * copy put in its place) looks like a perfectly healthy, shorter log, and its AUTOINCREMENT
 * counter (`sqlite_sequence`) lives in the same damaged file, so new events would take the
 * positions of the lost ones. Only something outside the file can tell. The witness is advanced
 * after the log's WAL is synced and synced itself before any append is acknowledged, so it is never
 * behind what a client was told – and never ahead of what the log has on disk, since it is written
 * only after the log's sync: a crash between the two leaves the witness behind the log, which is
 * harmless. Both syncs run off the event loop (`infra/sqlite/wal-sync.ts`).
 *
 * Both values only grow (`max`), so processes that append to the same log may advance the witness
 * in any order.
 */
import Database from 'better-sqlite3';
import { basename, dirname, join } from 'node:path';
import { WalSync } from '../sqlite/wal-sync.js';

export type WitnessedHead = {
  /** Every position up to this one was acknowledged to a writer (or accepted as lost by an operator). */
  acknowledged: bigint;
  /** No position up to this one may be handed out again. */
  issued: bigint;
};

/** `dir/events.sqlite3` → `dir/events-head.sqlite3`. */
export const headWitnessFileOf = (logFile: string): string =>
  join(dirname(logFile), `${basename(logFile).replace(/\.sqlite3?$/, '')}-head.sqlite3`);

export class LogHeadWitness {
  readonly file: string;
  readonly #db: Database.Database;
  readonly #read;
  readonly #advance;
  readonly #accept;
  readonly #wal: WalSync;

  constructor(file: string, options: { timeoutMs?: number } = {}) {
    this.file = file;
    this.#db = new Database(file, { timeout: options.timeoutMs ?? 5_000 });
    try {
      this.#db.pragma('journal_mode = WAL');
      this.#db.pragma('synchronous = NORMAL');
      this.#db.exec(`CREATE TABLE IF NOT EXISTS head (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        acknowledged INTEGER NOT NULL,
        issued INTEGER NOT NULL
      ) STRICT;
      INSERT OR IGNORE INTO head (id, acknowledged, issued) VALUES (1, 0, 0);`);
      this.#wal = new WalSync(file);
    } catch (error) {
      this.#db.close();
      throw error;
    }
    this.#read = this.#db.prepare<[], { acknowledged: number; issued: number }>('SELECT acknowledged, issued FROM head WHERE id = 1');
    this.#advance = this.#db.prepare<[bigint, bigint]>(
      'UPDATE head SET acknowledged = max(acknowledged, ?), issued = max(issued, ?) WHERE id = 1',
    );
    this.#accept = this.#db.prepare<[bigint]>('UPDATE head SET acknowledged = ? WHERE id = 1');
  }

  read(): WitnessedHead {
    const row = this.#read.get()!;
    return { acknowledged: BigInt(row.acknowledged), issued: BigInt(row.issued) };
  }

  /**
   * Records that every position up to `position` is on disk in the log and may be acknowledged;
   * durable once `sync` resolves.
   */
  advance(position: bigint): void {
    this.#advance.run(position, position);
  }

  /** Every `advance` before the call is on disk when the promise resolves. */
  sync(): Promise<void> {
    return this.#wal.sync();
  }

  /** `advance`, durable on return: for opening a log, off the path of a command. */
  advanceNow(position: bigint): void {
    this.advance(position);
    this.#wal.syncNow();
  }

  /** Keeps `issued` out of reach of new events without claiming the positions were acknowledged; durable on return. */
  reserve(position: bigint): void {
    this.#advance.run(0n, position);
    this.#wal.syncNow();
  }

  /**
   * An operator accepted that the log ends at `logHead`: the acknowledged head moves back to it,
   * while `issued` stays, so that the lost positions are never handed out again.
   */
  acceptLoss(logHead: bigint): void {
    this.#db.transaction(() => {
      this.#advance.run(0n, this.read().acknowledged);
      this.#accept.run(logHead);
    })();
    this.#wal.syncNow();
  }

  close(): void {
    this.#wal.close();
    this.#db.close();
  }
}
