/**
 * The consumers' checkpoints and leases on the embedded default: a SQLite file in `DATA_DIR`
 * (`consumers.sqlite3`), beside the embedded log, so that every process sharing the log shares
 * them – a publisher process started beside the all-in-one process stands by instead of
 * publishing everything a second time. The same rules as in MongoDB: a lease is taken when free,
 * expired or the caller's, each term with a higher token; a checkpoint save carrying a token below
 * the checkpoint's fence is refused. Kept out of the log's own file, so that a log restored from
 * an older copy is still caught by a checkpoint past its end (`infra/embedded-data/`).
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { canonicalPosition } from '../read-models/position-key.js';
import { DurableFile } from '../sqlite/durable-file.js';
import { StaleFenceError } from '../read-models/port.js';
import { CheckpointStoreError, type Checkpointer } from './checkpointer.js';
import type { Fence, LeaseTerm, Leases } from './lease.js';

export const CONSUMERS_FILE = 'consumers.sqlite3';

export class SqliteConsumerStore implements Leases {
  readonly #db: Database.Database;
  /**
   * Every change is on disk before its promise resolves, as with `synchronous = FULL`, but synced
   * and checkpointed off the event loop: a lease renewal or a checkpoint save waiting for a busy
   * disk must not hold up the requests of the process that makes it.
   */
  readonly #durable: DurableFile;

  constructor(
    readonly file: string,
    readonly now: () => number = Date.now,
  ) {
    let db: Database.Database | undefined;
    try {
      db = new Database(file, { timeout: 5_000 });
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.exec(`
        CREATE TABLE IF NOT EXISTS checkpoints (name TEXT PRIMARY KEY, position TEXT, fence INTEGER NOT NULL DEFAULT 0, updated_at TEXT NOT NULL) STRICT;
        CREATE TABLE IF NOT EXISTS leases (grp TEXT PRIMARY KEY, holder TEXT NOT NULL, token INTEGER NOT NULL, expires_at INTEGER NOT NULL) STRICT;
      `);
      this.#durable = new DurableFile(db, "the consumers' store");
      this.#db = db;
    } catch (error) {
      db?.close();
      throw new CheckpointStoreError(`cannot open the consumers' store ${file}: ${String(error)}`, { cause: error });
    }
  }

  static open(dataDir: string): SqliteConsumerStore {
    return new SqliteConsumerStore(join(dataDir, CONSUMERS_FILE));
  }

  /** The checkpoints; with a `fence`, each save checks the term and carries its token. */
  checkpointer(fence?: Fence): Checkpointer {
    return {
      load: async (name) => this.#guard(`reading the checkpoint ${name}`, () => this.#load(name)),
      save: async (name, position) => {
        fence?.check();
        this.#guard(`saving the checkpoint ${name}`, () => this.#save(name, canonicalPosition(position), fence?.token));
        await this.#committed(`saving the checkpoint ${name}`);
      },
    };
  }

  /** Marks the checkpoints with a new term's token, so that older terms can no longer save them. */
  async fenceCheckpoints(names: readonly string[], fence: number): Promise<void> {
    this.#db
      .transaction(() => {
        for (const name of names) {
          const current = this.#fenceOf(name);
          if (current > fence) throw new StaleFenceError(name, fence);
          this.#db
            .prepare('INSERT INTO checkpoints (name, position, fence, updated_at) VALUES (?, NULL, ?, ?) ON CONFLICT (name) DO UPDATE SET fence = excluded.fence')
            .run(name, fence, new Date().toISOString());
        }
      })
      .immediate();
    await this.#committed('fencing the checkpoints');
  }

  async acquire(group: string, holder: string, ttlMs: number): Promise<LeaseTerm | undefined> {
    const now = this.now();
    const term = this.#db
      .transaction((): LeaseTerm | undefined => {
        const current = this.#db.prepare('SELECT holder, token, expires_at AS expiresAt FROM leases WHERE grp = ?').get(group) as
          | { holder: string; token: number; expiresAt: number }
          | undefined;
        if (current !== undefined && current.holder !== holder && current.expiresAt > now) return undefined;
        const token = (current?.token ?? 0) + 1;
        this.#db
          .prepare('INSERT INTO leases (grp, holder, token, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT (grp) DO UPDATE SET holder = excluded.holder, token = excluded.token, expires_at = excluded.expires_at')
          .run(group, holder, token, now + ttlMs);
        return { group, holder, token, expiresAt: now + ttlMs };
      })
      .immediate();
    if (term !== undefined) await this.#committed(`taking the lease ${group}`);
    return term;
  }

  async renew(term: LeaseTerm, ttlMs: number): Promise<LeaseTerm | undefined> {
    const now = this.now();
    const renewed = this.#db
      .prepare('UPDATE leases SET expires_at = ? WHERE grp = ? AND holder = ? AND token = ? AND expires_at > ?')
      .run(now + ttlMs, term.group, term.holder, term.token, now);
    if (renewed.changes !== 1) return undefined;
    await this.#committed(`renewing the lease ${term.group}`);
    return { ...term, expiresAt: now + ttlMs };
  }

  async release(term: LeaseTerm): Promise<void> {
    this.#db.prepare('UPDATE leases SET expires_at = 0 WHERE grp = ? AND holder = ? AND token = ?').run(term.group, term.holder, term.token);
    await this.#committed(`releasing the lease ${term.group}`);
  }

  close(): void {
    this.#db.close();
    this.#durable.close();
  }

  /** After each commit: resolves once it is on disk. */
  async #committed(doing: string): Promise<void> {
    try {
      await this.#durable.committed();
    } catch (error) {
      throw new CheckpointStoreError(`${doing} in ${this.file} failed: ${String(error)}`, { cause: error });
    }
  }

  #load(name: string): string | undefined {
    const row = this.#db.prepare('SELECT position FROM checkpoints WHERE name = ?').get(name) as { position: string | null } | undefined;
    return row?.position ?? undefined;
  }

  #save(name: string, position: string, fence: number | undefined): void {
    this.#db
      .transaction(() => {
        if (fence !== undefined && this.#fenceOf(name) > fence) throw new StaleFenceError(name, fence);
        this.#db
          .prepare(
            'INSERT INTO checkpoints (name, position, fence, updated_at) VALUES (?, ?, ?, ?) ' +
              'ON CONFLICT (name) DO UPDATE SET position = excluded.position, fence = max(fence, excluded.fence), updated_at = excluded.updated_at',
          )
          .run(name, position, fence ?? 0, new Date().toISOString());
      })
      .immediate();
  }

  #fenceOf(name: string): number {
    const row = this.#db.prepare('SELECT fence FROM checkpoints WHERE name = ?').get(name) as { fence: number } | undefined;
    return row?.fence ?? 0;
  }

  #guard<T>(doing: string, operation: () => T): T {
    try {
      return operation();
    } catch (error) {
      if (error instanceof StaleFenceError) throw error;
      throw new CheckpointStoreError(`${doing} in ${this.file} failed: ${String(error)}`, { cause: error });
    }
  }
}
