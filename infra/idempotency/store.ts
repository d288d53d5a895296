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

/** A first use asked for in this turn of the event loop, recorded with the others of the turn. */
type FirstUseAsked = { userId: string; key: string; now: number; settle: (outcome: { at: number } | { error: unknown }) => void };

export type SqliteIdempotencyStoreOptions = {
  ttlMs?: number;
  /** Told when the answers of a turn could not be written (they are forgotten: see `put`). */
  report?: (message: string, error: unknown) => void;
};

/**
 * Group-written: the answers and first uses of one turn of the event loop go into the file in one
 * transaction at the end of the turn, and one sync covers them – one COMMIT per turn instead of one
 * per command and another per answer, as the event log's group commit does.
 */
export class SqliteIdempotencyStore implements IdempotencyStore {
  private readonly db: Database.Database;
  private readonly ttlMs: number;
  private readonly report: (message: string, error: unknown) => void;
  private readonly select: Database.Statement<[string, string, number]>;
  private readonly writeGroup: Database.Transaction<(answers: readonly StoredOutcome[], firstUses: readonly FirstUseAsked[]) => number[]>;
  private writes = 0;
  /**
   * Commits are synced and checkpointed off the event loop (`synchronous = NORMAL`): a command waits
   * for its first use to reach the disk, the requests of everyone else do not.
   */
  private readonly file: DurableFile;
  /** Answers put in this turn, by user and key: `get` finds them before they are written. */
  private readonly answers = new Map<string, StoredOutcome>();
  private firstUses: FirstUseAsked[] = [];
  private scheduled = false;
  private closed = false;

  constructor(dataDir: string, options: SqliteIdempotencyStoreOptions = {}) {
    this.ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
    this.report = options.report ?? (() => {});
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
    const insert = this.db.prepare<[string, string, string, number, string, string, number]>('INSERT OR REPLACE INTO outcomes VALUES (?, ?, ?, ?, ?, ?, ?)');
    const purge = this.db.prepare<[number]>('DELETE FROM outcomes WHERE stored_at <= ?');
    this.db.exec(`CREATE TABLE IF NOT EXISTS first_uses (
      user_id TEXT NOT NULL, key TEXT NOT NULL, first_used_at INTEGER NOT NULL,
      PRIMARY KEY (user_id, key)) WITHOUT ROWID`);
    const selectFirstUse = this.db.prepare<[string, string, number], { at: number }>(
      'SELECT first_used_at AS at FROM first_uses WHERE user_id = ? AND key = ? AND first_used_at > ?',
    );
    const insertFirstUse = this.db.prepare<[string, string, number]>('INSERT OR REPLACE INTO first_uses VALUES (?, ?, ?)');
    const purgeFirstUses = this.db.prepare<[number]>('DELETE FROM first_uses WHERE first_used_at <= ?');
    // Begun at once (`immediate`): api processes sharing the file that see the same key together
    // must agree on its first use, or they would derive different ids for one command and both append it.
    this.writeGroup = this.db.transaction((answers: readonly StoredOutcome[], firstUses: readonly FirstUseAsked[]): number[] => {
      for (const { userId, key, fingerprint, status, headers, body, storedAt } of answers) {
        insert.run(userId, key, fingerprint, status, JSON.stringify(headers), JSON.stringify(body), storedAt);
        if (++this.writes % 1_000 === 0) purge.run(storedAt - this.ttlMs);
      }
      return firstUses.map(({ userId, key, now }) => {
        const row = selectFirstUse.get(userId, key, now - this.ttlMs);
        if (row) return row.at;
        insertFirstUse.run(userId, key, now);
        if (++this.writes % 1_000 === 0) purgeFirstUses.run(now - this.ttlMs);
        return now;
      });
    });
    this.file = new DurableFile(this.db, 'the answers of idempotent requests');
  }

  get(userId: string, key: string, now: number): StoredOutcome | undefined {
    const waiting = this.answers.get(`${userId}\n${key}`);
    if (waiting) return now - waiting.storedAt < this.ttlMs ? waiting : undefined;
    const row = this.select.get(userId, key, now - this.ttlMs) as
      | { fingerprint: string; status: number; headers: string; body: string; storedAt: number }
      | undefined;
    if (!row) return undefined;
    return { userId, key, fingerprint: row.fingerprint, status: row.status, headers: JSON.parse(row.headers), body: JSON.parse(row.body), storedAt: row.storedAt };
  }

  /**
   * Written at the end of the turn and synced in the background, not awaited: an answer the disk
   * lost – or that could not be written – only makes a retry run its command again, with the same
   * ids from the first use, and the log recognises them. A failed sync fails the next first use.
   */
  put(outcome: StoredOutcome): void {
    if (this.closed) throw new Error('the store of idempotent answers is closed');
    this.answers.set(`${outcome.userId}\n${outcome.key}`, outcome);
    this.schedule();
  }

  /**
   * Remembered answers that name a log position after `position`: after the log lost its last
   * commits, these are acknowledged writes the log no longer holds.
   */
  answersPast(position: bigint): { count: number; highest: bigint | undefined } {
    this.writeWaiting();
    const row = this.db
      .prepare<[bigint], { count: number; highest: number | null }>(
        `SELECT count(*) AS count, max(${POSITION_OF_ANSWER}) AS highest FROM outcomes WHERE ${POSITION_OF_ANSWER} > ?`,
      )
      .get(position)!;
    return { count: row.count, highest: row.highest === null ? undefined : BigInt(row.highest) };
  }

  /** Forgets the answers `answersPast` finds, so that a retry runs its command again; answers how many. */
  dropAnswersPast(position: bigint): number {
    this.writeWaiting();
    return this.db.prepare<[bigint]>(`DELETE FROM outcomes WHERE ${POSITION_OF_ANSWER} > ?`).run(position).changes;
  }

  /**
   * Read and recorded with the other first uses of the turn in one write transaction, and on disk
   * when the promise resolves: a first use forgotten after a command was appended would give its
   * retry other ids.
   */
  firstUse(userId: string, key: string, now: number): Promise<number> {
    if (this.closed) return Promise.reject(new Error('the store of idempotent answers is closed'));
    return new Promise<number>((resolve, reject) => {
      this.firstUses.push({ userId, key, now, settle: (outcome) => ('at' in outcome ? resolve(outcome.at) : reject(outcome.error)) });
      this.schedule();
    });
  }

  close(): void {
    if (this.closed) return;
    this.writeWaiting();
    this.closed = true;
    this.db.close();
    this.file.close();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.writeWaiting());
  }

  /** Writes what this turn put and asked for in one transaction; each first use is answered once its commit is on disk. */
  private writeWaiting(): void {
    this.scheduled = false;
    if (this.closed) return;
    const answers = [...this.answers.values()];
    this.answers.clear();
    const firstUses = this.firstUses;
    this.firstUses = [];
    if (answers.length === 0 && firstUses.length === 0) return;
    let recorded: number[];
    try {
      recorded = this.writeGroup.immediate(answers, firstUses);
    } catch (error) {
      if (answers.length > 0) this.report(`${answers.length} answer(s) of idempotent requests could not be written; a retry of those requests runs its command again`, error);
      for (const asked of firstUses) asked.settle({ error });
      return;
    }
    // A first use read rather than recorded may be another request's, whose sync is still under way.
    const durable = this.file.committed();
    durable.then(
      () => firstUses.forEach((asked, i) => asked.settle({ at: recorded[i]! })),
      (error: unknown) => {
        for (const asked of firstUses) asked.settle({ error });
      },
    );
  }
}

/** Command answers carry the log position of their last event (`{ id, version, position, … }`). */
const POSITION_OF_ANSWER = "CAST(json_extract(body, '$.position') AS INTEGER)";
