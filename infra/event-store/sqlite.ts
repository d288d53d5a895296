/**
 * The embedded, durable event store: one SQLite file in WAL mode. Appends are transactions that
 * take the write lock first (BEGIN IMMEDIATE), so that the expected-revision check and the inserts
 * see the same log even when another process writes to the file. Reads go page by page; a read
 * never holds a cursor open across an `await`, which better-sqlite3 would turn into a lock-out of
 * appends on the same connection.
 *
 * better-sqlite3 is synchronous: a call blocks the event loop for its duration, up to the busy
 * timeout while another process holds the write lock. Appends are group-committed: those that
 * arrive within one turn of the event loop are written in one transaction, each in a savepoint of
 * its own, so one append's outcome (a conflict, say) never touches another's.
 *
 * The COMMIT does not sync (`synchronous = NORMAL`); the WAL is synced afterwards on libuv's thread
 * pool (`infra/sqlite/wal-sync.ts`), then the head witness (`sqlite-head.ts`) records the new head and is
 * synced the same way, and only then are the group's appends acknowledged. Syncs are grouped too:
 * commits made while one sync runs are covered by the next; and the log's next sync runs beside the
 * witness's, so that an append waits for two syncs but the log is synced as often as either allows. The witness is how a log that later
 * loses its last commits is told apart from a healthy one when it is opened again; and since it only
 * ever names positions that are on disk, followers of the log (projections, the publisher) read no
 * further than it does, so that nothing downstream sees an event a power cut could still take back.
 */
import Database from 'better-sqlite3';
import { LRUCache } from 'lru-cache';
import type { EventEnvelope, RecordedEvent } from '../../contracts/index.js';
import { decideAppend, wrongExpectedRevision } from './append-rules.js';
import { CatchUpSubscription, type FollowableLog, type FollowTuning } from './catch-up-subscription.js';
import { BEFORE_FIRST, formatPosition, startingAfter } from './log-position.js';
import { readLog } from './log-scan.js';
import {
  EventLogBehindError,
  EventStoreUnavailableError,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type LogFilter,
  type LogStart,
  type LogSubscription,
} from './port.js';
import { prevOfNext } from './chain.js';
import { CURRENT_UPCASTING, sealAndSerialize, type Sealing, type StoredEvent, type Upcasting } from './serialization.js';
import { isUniqueViolation, translateSqliteError } from './sqlite-errors.js';
import { headWitnessFileOf, LogHeadWitness } from './sqlite-head.js';
import { SqliteLog, type EventRow } from './sqlite-log.js';
import { configureConnection, migrateSchema } from './sqlite-schema.js';
import { GroupFlush, SyncFailureLatch, WalSync } from '../sqlite/wal-sync.js';
import { WalCheckpoints } from '../sqlite/wal-checkpoints.js';

export type SqliteEventStoreOptions = {
  /** How long an append waits for another process's write lock before the store counts as unavailable. */
  busyTimeoutMs?: number;
  /** How often a live subscription looks for events appended by other processes. */
  pollIntervalMs?: number;
  /** Positions a filtered subscription passes over before it sends a checkpoint. */
  checkpointEvery?: number;
  upcasting?: Upcasting;
  /** How long after a checkpoint of the WAL the next one is asked for, while appends come in. */
  checkpointEveryMs?: number;
  /** How batches are sealed into the chain; only `bench/proof.ts` replaces it, to measure what the chain costs. */
  sealing?: Sealing;
  /**
   * Open a log that ends before its acknowledged head (see `EventLogBehindError`) instead of
   * refusing it: the operator accepted the loss. The lost positions are still never handed out again.
   */
  acceptLoss?: boolean;
};

/** What opening the log found about its head, for the operator. */
export type OpenedHead = {
  logHead: bigint;
  /** The acknowledged head recorded beside the log when it was opened. */
  acknowledged: bigint;
  /** Positions after this one are handed out to new events. */
  nextAfter: bigint;
  witnessFile: string;
};

type Appended = { result: AppendResult; appended: boolean; lastDigest?: string; rows?: EventRow[] };

type PendingAppend = {
  stream: string;
  events: readonly EventEnvelope[];
  expected: ExpectedRevision;
  onCommitted: AppendOptions['onCommitted'];
  settle: (outcome: { appended: Appended } | { error: unknown }) => void;
};

/** An upper bound on the appends one group commit takes, so one transaction stays short. */
const MAX_GROUP = 256;

export class SqliteEventStore implements EventStore {
  readonly #db: Database.Database;
  readonly #log: SqliteLog;
  readonly #witness: LogHeadWitness;
  readonly #wal: WalSync;
  /** Syncs of the log's WAL, each followed by the witness recording the head it covers. */
  readonly #logFlush: GroupFlush;
  /** Syncs of the witness; one runs beside the next sync of the log, so the two do not add up. */
  readonly #witnessFlush: GroupFlush;
  /** The highest position this process committed; the next flush makes it durable and witnessed. */
  #committedHead = 0n;
  /** A sync that failed leaves the file's state on disk unknown: no later append may be acknowledged. */
  readonly #failed = new SyncFailureLatch(
    (file, error) =>
      new EventStoreUnavailableError(`syncing ${file} to disk failed (${String(error)}); restart the service, which checks the log against its witness`, {
        cause: error,
      }),
  );
  readonly opened: OpenedHead;
  readonly #tuning: FollowTuning;
  readonly #appendListeners = new Set<() => void>();
  readonly #subscriptions = new Set<CatchUpSubscription>();
  /** The digest of each recently appended stream's last event, so that the next append need not read it back. */
  readonly #lastDigests = new LRUCache<string, { revision: number; digest: string }>({ max: 20_000 });
  readonly #appendGroup: (group: readonly PendingAppend[]) => Array<{ appended: Appended } | { error: unknown }>;
  #pending: PendingAppend[] = [];
  #closed = false;
  /** `data_version` as read in this turn of the event loop (see `writtenElsewhere`). */
  #dataVersion: number | undefined;
  /** Checkpoints the WAL off the event loop (`infra/sqlite/wal-checkpoints.ts`). */
  readonly #checkpoints: WalCheckpoints;

  /** Opens (and creates or migrates) the event log in `file`; fails with `EventStoreUnavailableError`. */
  static open(file: string, options: SqliteEventStoreOptions = {}): SqliteEventStore {
    let db: Database.Database | undefined;
    let witness: LogHeadWitness | undefined;
    let wal: WalSync | undefined;
    try {
      db = new Database(file, { timeout: options.busyTimeoutMs ?? 5_000 });
      configureConnection(db);
      witness = new LogHeadWitness(headWitnessFileOf(file), { timeoutMs: options.busyTimeoutMs ?? 5_000 });
      // A log that lost even its schema is refused before anything is written into it.
      const acknowledged = witness.read().acknowledged;
      if (acknowledged > 0n && !options.acceptLoss && Number(db.pragma('user_version', { simple: true })) === 0) {
        throw new EventLogBehindError(file, witness.file, 0n, acknowledged);
      }
      migrateSchema(db);
      const log = new SqliteLog(db, options.upcasting ?? CURRENT_UPCASTING);
      wal = new WalSync(file);
      const opened = checkHead(db, log, witness, wal, file, options.acceptLoss ?? false);
      return new SqliteEventStore(db, log, witness, wal, opened, options);
    } catch (error) {
      wal?.close();
      witness?.close();
      db?.close();
      if (error instanceof EventStoreUnavailableError) throw error;
      throw new EventStoreUnavailableError(`cannot open the event store at ${file}: ${String(error)}`, { cause: error });
    }
  }

  private constructor(db: Database.Database, log: SqliteLog, witness: LogHeadWitness, wal: WalSync, opened: OpenedHead, options: SqliteEventStoreOptions) {
    this.#db = db;
    this.#log = log;
    this.#witness = witness;
    this.#wal = wal;
    this.#logFlush = new GroupFlush(() => this.#syncLog());
    this.#witnessFlush = new GroupFlush(() => this.#syncWitness());
    this.opened = opened;
    // This connection's COMMITs never checkpoint; a thread does, between them.
    this.#checkpoints = new WalCheckpoints(db, 'the event log', options.checkpointEveryMs);
    this.#tuning = {
      pageSize: 500,
      searchWindow: 4_096,
      checkpointEvery: options.checkpointEvery ?? 1_000,
      pollIntervalMs: options.pollIntervalMs ?? 250,
    };
    const seal = options.sealing ?? sealAndSerialize;
    const append = db.transaction(
      (stream: string, events: readonly EventEnvelope[], expected: ExpectedRevision): Appended => {
        const ids = events.map((event) => event.eventId);
        const decision = decideAppend(this.#log, stream, ids, expected);
        if (decision.kind === 'answer') return { result: decision.result, appended: false };
        // Under the write lock: the stream's last digest cannot change before the batch is in.
        const prev = () => {
          const known = this.#lastDigests.get(stream);
          if (known?.revision === decision.firstRevision - 1) return known.digest;
          return prevOfNext(this.#log.lastOfStream(stream), () => this.#log.storedStream(stream));
        };
        const { serialized, last } = seal(stream, decision.firstRevision, prev, events);
        const rows = serialized.map((event, i) => this.#log.insert(stream, decision.firstRevision + i, event, events[i]!.engagementId));
        return { result: { ok: true, revision: decision.firstRevision + ids.length - 1, position: formatPosition(rows.at(-1)!.position) }, appended: true, lastDigest: last, rows };
      },
    );
    // Nested in the group's transaction, each `append` runs in a savepoint: an append that throws
    // is rolled back alone and reported to its caller alone.
    const appendGroup = db.transaction((group: readonly PendingAppend[]) =>
      group.map((item) => {
        try {
          return { appended: append(item.stream, item.events, item.expected) };
        } catch (error) {
          return { error };
        }
      }),
    );
    this.#appendGroup = (group) => appendGroup.immediate(group);
  }

  async appendToStream(stream: string, events: readonly EventEnvelope[], expected: ExpectedRevision, options: AppendOptions = {}): Promise<AppendResult> {
    this.#ensureOpen();
    if (events.length === 0) throw new RangeError('an append needs at least one event');
    const outcome = await new Promise<{ appended: Appended } | { error: unknown }>((settle) => {
      if (this.#pending.push({ stream, events, expected, onCommitted: options.onCommitted, settle }) === 1) setImmediate(() => this.#commitPending());
    });
    if ('appended' in outcome) return outcome.appended.result;
    const error = outcome.error;
    // The rules look every id up first, so this is only a safety net behind them.
    if (isUniqueViolation(error)) return wrongExpectedRevision(this.#guard('reading a stream revision', () => this.#log.revisionOf(stream)));
    throw translateSqliteError(error, `appending to ${stream}`);
  }

  /** Commits the appends that queued up since the last group commit, in arrival order. */
  #commitPending(): void {
    const group = this.#pending.splice(0, MAX_GROUP);
    if (this.#pending.length > 0) setImmediate(() => this.#commitPending());
    if (group.length === 0) return;
    let outcomes: Array<{ appended: Appended } | { error: unknown }>;
    try {
      if (this.#closed) throw new EventStoreUnavailableError('the SQLite event store is closed');
      this.#failed.check();
      outcomes = this.#appendGroup(group);
    } catch (error) {
      // The commit itself failed: nothing of the group was written.
      for (const item of group) item.settle({ error });
      return;
    }
    const head = newHead(outcomes);
    if (head !== undefined && head > this.#committedHead) this.#committedHead = head;
    if (head !== undefined) this.#checkpoints.due();
    // Only appends that wrote something: one recognised by its ids is someone else's commit.
    group.forEach((item, i) => {
      const outcome = outcomes[i]!;
      if (!('appended' in outcome) || !outcome.appended.appended || !outcome.appended.result.ok) return;
      const { result, rows, lastDigest } = outcome.appended;
      // The rows, for the log's followers in this process (`SqliteLog.committed`).
      if (rows) this.#log.committed(rows);
      // Remembered once committed (a rolled-back append must not become anyone's predecessor), and
      // before it is durable: the next group commit may run while this one's sync is under way.
      if (lastDigest !== undefined) this.#lastDigests.set(item.stream, { revision: result.revision, digest: lastDigest });
      // Written now, durable after the sync: the writer may decide its next command on the stream meanwhile.
      try {
        item.onCommitted?.(result);
      } catch {
        // The caller's bookkeeping; the append stands either way and is answered after its sync.
      }
    });
    // A successful answer waits for the sync even when nothing was written: an append recognised by
    // its event ids may be another caller's commit whose sync has not finished yet.
    const durable = outcomes.some((outcome) => 'appended' in outcome && outcome.appended.result.ok)
      ? this.#logFlush.request().then(() => this.#witnessFlush.request())
      : undefined;
    if (durable === undefined) {
      group.forEach((item, i) => item.settle(outcomes[i]!));
      return;
    }
    durable.then(
      () => {
        group.forEach((item, i) => item.settle(outcomes[i]!));
        for (const listener of [...this.#appendListeners]) listener();
      },
      (error: unknown) => {
        // Committed but not known to be on disk: no acknowledgement. A retry is recognised by its event ids.
        for (const item of group) item.settle({ error });
      },
    );
  }

  /** Syncs the log's WAL, then records the head it covers in the witness (synced by `#syncWitness`). */
  async #syncLog(): Promise<void> {
    this.#failed.check();
    const head = this.#committedHead;
    try {
      await this.#wal.sync();
    } catch (error) {
      throw this.#failed.fail(this.#wal.file, error);
    }
    try {
      this.#witness.advance(head);
    } catch (error) {
      throw translateSqliteError(error, `recording the head of the log in ${this.#witness.file}`);
    }
  }

  async #syncWitness(): Promise<void> {
    this.#failed.check();
    try {
      await this.#witness.sync();
    } catch (error) {
      throw this.#failed.fail(this.#witness.file, error);
    }
  }

  async *readStream(stream: string, options: { fromRevision?: number } = {}): AsyncIterable<RecordedEvent> {
    const pageSize = this.#tuning.pageSize;
    let fromRevision = Math.max(0, options.fromRevision ?? 0);
    for (;;) {
      const page = this.#guard(`reading ${stream}`, () => this.#log.streamPage(stream, fromRevision, pageSize));
      yield* page;
      const last = page.at(-1);
      if (page.length < pageSize || !last) return;
      fromRevision = last.revision + 1;
    }
  }

  readAll(options: { start?: LogStart; filter?: LogFilter; limit?: number } = {}): AsyncIterable<RecordedEvent> {
    return readLog(this.#followable, options, this.#tuning);
  }

  async *readEngagement(engagementId: string, options: { streamPrefixes?: readonly string[] } = {}): AsyncIterable<RecordedEvent> {
    const pageSize = this.#tuning.pageSize;
    const prefixes = options.streamPrefixes ?? [];
    let after = BEFORE_FIRST;
    for (;;) {
      const page = this.#guard(`reading engagement ${engagementId}`, () => this.#log.engagementPage(engagementId, after, prefixes, pageSize));
      yield* page;
      const last = page.at(-1);
      if (page.length < pageSize || !last) return;
      after = BigInt(last.position);
    }
  }

  async *readEngagementAsStored(engagementId: string): AsyncIterable<readonly StoredEvent[]> {
    const pageSize = this.#tuning.pageSize;
    let after = BEFORE_FIRST;
    for (;;) {
      const page = this.#guard(`reading engagement ${engagementId}`, () => this.#log.engagementStoredPage(engagementId, after, pageSize));
      const last = page.at(-1);
      if (!last) return;
      yield page;
      if (page.length < pageSize) return;
      after = BigInt(last.position);
    }
  }

  subscribeToAll(options: { start: LogStart; filter?: LogFilter }): LogSubscription {
    this.#ensureOpen();
    // The start is fixed now, not at the first `next()`: 'end' means the end as of subscribing.
    const subscription = new CatchUpSubscription(
      this.#followable,
      startingAfter(options.start, () => this.#followable.head()),
      options.filter,
      this.#tuning,
      (closed) => this.#subscriptions.delete(closed),
    );
    this.#subscriptions.add(subscription);
    return subscription;
  }

  async headPosition(): Promise<string | undefined> {
    const head = this.#followable.head();
    return head === undefined ? undefined : formatPosition(head);
  }

  /**
   * SQLite's `data_version`: it moves only when another connection commits to the file, at a
   * fraction of the cost of a read (no B-tree descent, no rows, no async iteration). Still a read
   * transaction with its locks on the `-shm` file, a few µs, and a command asks two or three times:
   * the answer is kept for the rest of the event loop's turn, so the commands of one turn share one
   * read. Kept, it can only be older than the truth, which makes a caller read the log again, never
   * trust a state another writer moved on – except within the turn itself, as if the other commit
   * had come a moment later.
   */
  writtenElsewhere(): number {
    if (this.#dataVersion === undefined) {
      this.#dataVersion = this.#guard('checking the log for other writers', () => this.#log.dataVersion());
      setImmediate(() => {
        this.#dataVersion = undefined;
      });
    }
    return this.#dataVersion;
  }

  /** The revision of the last event of `stream`, or 'no-stream': one index lookup. */
  streamRevision(stream: string): number | 'no-stream' {
    return this.#guard(`reading the revision of ${stream}`, () => this.#log.revisionOf(stream));
  }

  /**
   * Makes sure no position up to `position` is handed out to a new event: for positions that other
   * stores beside the log (answers of idempotent requests, a publisher's checkpoint) have seen.
   */
  reservePositionsThrough(position: bigint): void {
    this.#guard('reserving log positions', () => {
      this.#db.transaction(() => this.#log.raiseSequence(position)).immediate();
      this.#wal.syncNow();
      this.#witness.reserve(position);
    });
  }

  async ping(): Promise<void> {
    this.#followable.head();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#subscriptions].map((subscription) => subscription.close()));
    await this.#logFlush.idle();
    await this.#witnessFlush.idle();
    await this.#checkpoints.close();
    this.#db.close();
    this.#wal.close();
    this.#witness.close();
  }

  readonly #followable: FollowableLog = {
    head: () =>
      this.#guard('reading the head of the log', () => {
        const head = this.#log.head();
        const onDisk = this.#witness.read().acknowledged;
        return head === undefined || head <= onDisk ? head : onDisk;
      }),
    eventsBetween: (after, upTo, filter, limit) =>
      this.#guard('reading the log', () => this.#log.eventsBetween(after, upTo, filter, limit)),
    onAppend: (listener) => {
      this.#appendListeners.add(listener);
      return () => this.#appendListeners.delete(listener);
    },
  };

  #guard<T>(doing: string, read: () => T): T {
    this.#ensureOpen();
    try {
      return read();
    } catch (error) {
      throw translateSqliteError(error, doing);
    }
  }

  #ensureOpen(): void {
    if (this.#closed) throw new EventStoreUnavailableError('the SQLite event store is closed');
  }
}

/** The highest position a group commit appended, if it appended anything. */
const newHead = (outcomes: ReadonlyArray<{ appended: Appended } | { error: unknown }>): bigint | undefined => {
  let head: bigint | undefined;
  for (const outcome of outcomes) {
    if (!('appended' in outcome) || !outcome.appended.appended || !outcome.appended.result.ok) continue;
    const position = BigInt(outcome.appended.result.position);
    if (head === undefined || position > head) head = position;
  }
  return head;
};

/**
 * Compares the log with its witness under the write lock (so that another process's commit cannot
 * fall between the two reads), refuses a log that lost acknowledged positions unless the loss is
 * accepted, and puts the AUTOINCREMENT counter past every position ever handed out.
 */
const checkHead = (db: Database.Database, log: SqliteLog, witness: LogHeadWitness, wal: WalSync, file: string, acceptLoss: boolean): OpenedHead =>
  db
    .transaction((): OpenedHead => {
      const seen = witness.read();
      const logHead = log.head() ?? 0n;
      if (seen.acknowledged > logHead && !acceptLoss) throw new EventLogBehindError(file, witness.file, logHead, seen.acknowledged);
      const nextAfter = [seen.issued, seen.acknowledged, logHead].reduce((a, b) => (a > b ? a : b));
      log.raiseSequence(nextAfter);
      if (seen.acknowledged > logHead) witness.acceptLoss(logHead);
      // What a process that ended between its commit and its sync left behind is on disk from here.
      wal.syncNow();
      // A log written before the witness existed, or by a build without it, teaches it its head.
      witness.advanceNow(logHead);
      return { logHead, acknowledged: seen.acknowledged, nextAfter, witnessFile: witness.file };
    })
    .immediate();
