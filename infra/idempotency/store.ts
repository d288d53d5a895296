/**
 * Remembered outcomes of commands sent with an `Idempotency-Key`, per user and key, so that the
 * same request again gets the original answer and appends nothing. Kept in a database file beside
 * the events so that keys survive restarts; records expire after `ttlMs` (24 hours by default).
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DurableFile } from '../sqlite/durable-file.js';

export type StoredOutcome = {
  userId: string;
  key: string;
  /** SHA-256 of method, path and canonical body: the same key with another request is refused. */
  fingerprint: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
  storedAt: number;
};

export interface IdempotencyStore {
  get(userId: string, key: string, now: number): StoredOutcome | undefined;
  put(outcome: StoredOutcome): void;
  /**
   * When the key was first used, recorded as `now` if it never was or that record has expired: the
   * ids of the command are derived from it. On disk when the promise resolves, before the command
   * runs: a first use forgotten after a command was appended would give its retry other ids.
   */
  firstUse(userId: string, key: string, now: number): Promise<number>;
  close(): void;
}

export const DEFAULT_TTL_MS = 24 * 60 * 60 * 1000;

export const IDEMPOTENCY_FILE = 'idempotency.sqlite3';

export class InMemoryIdempotencyStore implements IdempotencyStore {
  private readonly outcomes = new Map<string, StoredOutcome>();
  private readonly firstUses = new Map<string, number>();
  constructor(private readonly ttlMs = DEFAULT_TTL_MS) {}
  get(userId: string, key: string, now: number) {
    const found = this.outcomes.get(`${userId}\n${key}`);
    return found && now - found.storedAt < this.ttlMs ? found : undefined;
  }
  put(outcome: StoredOutcome) {
    this.outcomes.set(`${outcome.userId}\n${outcome.key}`, outcome);
  }
  async firstUse(userId: string, key: string, now: number) {
    const recorded = this.firstUses.get(`${userId}\n${key}`);
    if (recorded !== undefined && now - recorded < this.ttlMs) return recorded;
    this.firstUses.set(`${userId}\n${key}`, now);
    return now;
  }
  close() {}
}

export class SqliteIdempotencyStore implements IdempotencyStore {
  private readonly db: Database.Database;
  private readonly select: Database.Statement<[string, string, number]>;
  private readonly insert: Database.Statement<[string, string, string, number, string, string, number]>;
  private readonly purge: Database.Statement<[number]>;
  private readonly selectFirstUse: Database.Statement<[string, string, number]>;
  private readonly insertFirstUse: Database.Statement<[string, string, number]>;
  private readonly purgeFirstUses: Database.Statement<[number]>;
  private readonly recordFirstUse: Database.Transaction<(userId: string, key: string, now: number) => number>;
  private writes = 0;
  /**
   * Commits are synced and checkpointed off the event loop (`synchronous = NORMAL`): a command waits
   * for its first use to reach the disk, the requests of everyone else do not.
   */
  private readonly file: DurableFile;

  constructor(dataDir: string, private readonly ttlMs = DEFAULT_TTL_MS) {
    mkdirSync(dataDir, { recursive: true });
    this.db = new Database(join(dataDir, IDEMPOTENCY_FILE));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`CREATE TABLE IF NOT EXISTS outcomes (
      user_id TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL, status INTEGER NOT NULL,
      headers TEXT NOT NULL, body TEXT NOT NULL, stored_at INTEGER NOT NULL,
      PRIMARY KEY (user_id, key)) WITHOUT ROWID`);
    this.db.exec('CREATE INDEX IF NOT EXISTS outcomes_stored_at ON outcomes (stored_at)');
    this.select = this.db.prepare(
      'SELECT fingerprint, status, headers, body, stored_at AS storedAt FROM outcomes WHERE user_id = ? AND key = ? AND stored_at > ?',
    );
    this.insert = this.db.prepare('INSERT OR REPLACE INTO outcomes VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.purge = this.db.prepare('DELETE FROM outcomes WHERE stored_at <= ?');
    this.db.exec(`CREATE TABLE IF NOT EXISTS first_uses (
      user_id TEXT NOT NULL, key TEXT NOT NULL, first_used_at INTEGER NOT NULL,
      PRIMARY KEY (user_id, key)) WITHOUT ROWID`);
    this.selectFirstUse = this.db.prepare('SELECT first_used_at AS at FROM first_uses WHERE user_id = ? AND key = ? AND first_used_at > ?');
    this.insertFirstUse = this.db.prepare('INSERT OR REPLACE INTO first_uses VALUES (?, ?, ?)');
    this.purgeFirstUses = this.db.prepare('DELETE FROM first_uses WHERE first_used_at <= ?');
    this.recordFirstUse = this.db.transaction((userId: string, key: string, now: number): number => {
      const row = this.selectFirstUse.get(userId, key, now - this.ttlMs) as { at: number } | undefined;
      if (row) return row.at;
      this.insertFirstUse.run(userId, key, now);
      if (++this.writes % 1_000 === 0) this.purgeFirstUses.run(now - this.ttlMs);
      return now;
    });
    this.file = new DurableFile(this.db, 'the answers of idempotent requests');
  }

  get(userId: string, key: string, now: number): StoredOutcome | undefined {
    const row = this.select.get(userId, key, now - this.ttlMs) as
      | { fingerprint: string; status: number; headers: string; body: string; storedAt: number }
      | undefined;
    if (!row) return undefined;
    return { userId, key, fingerprint: row.fingerprint, status: row.status, headers: JSON.parse(row.headers), body: JSON.parse(row.body), storedAt: row.storedAt };
  }

  put(outcome: StoredOutcome): void {
    const { userId, key, fingerprint, status, headers, body, storedAt } = outcome;
    this.insert.run(userId, key, fingerprint, status, JSON.stringify(headers), JSON.stringify(body), storedAt);
    if (++this.writes % 1_000 === 0) this.purge.run(storedAt - this.ttlMs);
    // Synced in the background, not awaited: an answer the disk lost only makes a retry run its
    // command again, with the same ids from the first use, and the log recognises them. A failed
    // sync fails the next first use.
    this.file.committed().catch(() => {});
  }

  /**
   * Remembered answers that name a log position after `position`: after the log lost its last
   * commits, these are acknowledged writes the log no longer holds.
   */
  answersPast(position: bigint): { count: number; highest: bigint | undefined } {
    const row = this.db
      .prepare<[bigint], { count: number; highest: number | null }>(
        `SELECT count(*) AS count, max(${POSITION_OF_ANSWER}) AS highest FROM outcomes WHERE ${POSITION_OF_ANSWER} > ?`,
      )
      .get(position)!;
    return { count: row.count, highest: row.highest === null ? undefined : BigInt(row.highest) };
  }

  /** Forgets the answers `answersPast` finds, so that a retry runs its command again; answers how many. */
  dropAnswersPast(position: bigint): number {
    return this.db.prepare<[bigint]>(`DELETE FROM outcomes WHERE ${POSITION_OF_ANSWER} > ?`).run(position).changes;
  }

  /**
   * Read and recorded in one write transaction, begun at once: api processes sharing the file that
   * see the same key together must agree on its first use, or they would derive different ids for
   * one command and both append it.
   */
  async firstUse(userId: string, key: string, now: number): Promise<number> {
    const firstUsedAt = this.recordFirstUse.immediate(userId, key, now);
    // A first use read rather than recorded may be another request's, whose sync is still under way.
    await this.file.committed();
    return firstUsedAt;
  }

  close(): void {
    this.db.close();
    this.file.close();
  }
}

/** Command answers carry the log position of their last event (`{ id, version, position, … }`). */
const POSITION_OF_ANSWER = "CAST(json_extract(body, '$.position') AS INTEGER)";
