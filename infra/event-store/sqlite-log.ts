/**
 * The SQL of the SQLite event log: prepared statements for the lookups of an append and for
 * page-sized reads, and the decoding of rows into recorded events. Transactions, error translation
 * and the port's semantics live in `sqlite.ts`.
 */
import type Database from 'better-sqlite3';
import type { RecordedEvent } from '../../contracts/index.js';
import type { AppendLookups, StreamRevision } from './append-rules.js';
import { formatPosition } from './log-position.js';
import type { LogFilter } from './port.js';
import { deserializeEvent, toStoredEvent, type SerializedEvent, type StoredEvent, type Upcasting } from './serialization.js';

export type EventRow = {
  position: number;
  event_id: string;
  stream_id: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
};

const COLUMNS = 'position, event_id, stream_id, revision, type, data, metadata';

/** How many of the rows this connection committed last are kept for the log's followers. */
const RECENT_ROWS = 4_096;

/** An `EventRow` as an array, in the order of `COLUMNS`. */
type StoredRow = [position: number, eventId: string, streamId: string, revision: number, type: string, data: string, metadata: string];

export class SqliteLog implements AppendLookups {
  readonly #db: Database.Database;
  readonly #upcasting: Upcasting;
  readonly #filtered = new Map<string, Database.Statement>();
  readonly #head;
  readonly #revisionOf;
  readonly #locate;
  readonly #eventIdsFrom;
  readonly #insert;
  readonly #streamPage;
  readonly #lastOfStream;
  readonly #engagementStoredPage;
  readonly #dataVersion;

  constructor(db: Database.Database, upcasting: Upcasting) {
    this.#db = db;
    this.#upcasting = upcasting;
    this.#head = db.prepare<[], { head: number | null }>('SELECT max(position) AS head FROM events');
    this.#revisionOf = db.prepare<[string], { revision: number | null }>(
      'SELECT max(revision) AS revision FROM events WHERE stream_id = ?',
    );
    this.#locate = db.prepare<[string], { streamId: string; revision: number }>(
      'SELECT stream_id AS streamId, revision FROM events WHERE event_id = ?',
    );
    this.#eventIdsFrom = db.prepare<[string, number, number], { eventId: string; position: number }>(
      'SELECT event_id AS eventId, position FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?',
    );
    this.#insert = db.prepare<[string, string, number, string, string, string, string]>(
      'INSERT INTO events (event_id, stream_id, revision, type, engagement_id, data, metadata) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.#streamPage = db.prepare<[string, number, number], EventRow>(
      `SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?`,
    );
    this.#lastOfStream = db.prepare<[string], EventRow>(`SELECT ${COLUMNS} FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1`);
    // Rows as arrays: a verification reads every event of an engagement, and skipping an object per
    // row is a tenth of its time.
    this.#engagementStoredPage = db
      .prepare<[string, bigint, number], StoredRow>(`SELECT ${COLUMNS} FROM events WHERE engagement_id = ? AND position > ? ORDER BY position LIMIT ?`)
      .raw(true);
    this.#dataVersion = db.prepare<[], { data_version: number }>('PRAGMA data_version');
  }

  /** SQLite's count of commits by other connections to the file, as this connection last saw it. */
  dataVersion(): number {
    return this.#dataVersion.get()!.data_version;
  }

  head(): bigint | undefined {
    const head = this.#head.get()?.head;
    return head == null ? undefined : BigInt(head);
  }

  /**
   * Makes sure the next position is past `floor`. The AUTOINCREMENT counter lives in the log file
   * itself, so a log that lost its last commits forgot it too; the floor comes from outside.
   */
  raiseSequence(floor: bigint): void {
    if (floor <= 0n) return;
    const raised = this.#db.prepare<[bigint, bigint]>("UPDATE sqlite_sequence SET seq = ? WHERE name = 'events' AND seq < ?").run(floor, floor);
    if (raised.changes > 0) return;
    this.#db
      .prepare<[bigint]>("INSERT INTO sqlite_sequence (name, seq) SELECT 'events', ? WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'events')")
      .run(floor);
  }

  revisionOf(stream: string): StreamRevision {
    return this.#revisionOf.get(stream)?.revision ?? 'no-stream';
  }

  locate(eventId: string): { streamId: string; revision: number } | undefined {
    return this.#locate.get(eventId);
  }

  eventIdsFrom(stream: string, revision: number, count: number): { eventId: string; position: string }[] {
    return this.#eventIdsFrom
      .all(stream, revision, count)
      .map((row) => ({ eventId: row.eventId, position: formatPosition(row.position) }));
  }

  /** Inserts one event and answers it as a row of the log, with its position. */
  insert(stream: string, revision: number, event: SerializedEvent, engagementId: string): EventRow {
    const { lastInsertRowid } = this.#insert.run(event.eventId, stream, revision, event.type, engagementId, event.data, event.metadata);
    return { position: Number(lastInsertRowid), event_id: event.eventId, stream_id: stream, revision, type: event.type, data: event.data, metadata: event.metadata };
  }

  /**
   * Rows this connection inserted and committed, in position order (`committed` is told after each
   * COMMIT). A follower of the log usually asks for exactly these, a moment after they were written:
   * they are handed out from here instead of being read back, when they cover the whole range asked
   * for without a gap – positions are unique, so a range with no gap holds no one else's event.
   * Decoded as a read decodes them, they are the very same events.
   */
  readonly #recent: EventRow[] = [];

  committed(rows: readonly EventRow[]): void {
    for (const row of rows) {
      const last = this.#recent.at(-1);
      // Positions only grow; anything else (a log opened again after a loss) starts the rows afresh.
      if (last !== undefined && row.position <= last.position) this.#recent.length = 0;
      this.#recent.push(row);
    }
    if (this.#recent.length > 2 * RECENT_ROWS) this.#recent.splice(0, this.#recent.length - RECENT_ROWS);
  }

  /** The rows of (after, upTo] matching `filter`, at most `limit`, if the recent rows cover the range without a gap. */
  #recentBetween(after: bigint, upTo: bigint, prefixes: readonly string[], types: readonly string[], limit: number): EventRow[] | undefined {
    const recent = this.#recent;
    const first = Number(after) + 1;
    const last = Number(upTo);
    if (first > last) return [];
    let low = 0;
    let high = recent.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (recent[middle]!.position < first) low = middle + 1;
      else high = middle;
    }
    if (low === recent.length || recent[low]!.position !== first) return undefined;
    const rows: EventRow[] = [];
    let expected = first;
    for (let i = low; i < recent.length && expected <= last; i++, expected++) {
      const row = recent[i]!;
      if (row.position !== expected) return undefined;
      if ((prefixes.length === 0 || prefixes.some((prefix) => row.stream_id.startsWith(prefix))) && (types.length === 0 || types.includes(row.type))) {
        rows.push(row);
        if (rows.length === limit) return rows;
      }
    }
    return expected > last ? rows : undefined;
  }

  /** The last event of `stream` as stored, if it has any. */
  lastOfStream(stream: string): StoredEvent | undefined {
    const row = this.#lastOfStream.get(stream);
    return row && stored(row);
  }

  /** Every event of `stream` as stored, in revision order. */
  *storedStream(stream: string): Iterable<StoredEvent> {
    for (const row of this.#streamPage.iterate(stream, 0, -1)) yield stored(row);
  }

  engagementStoredPage(engagementId: string, after: bigint, limit: number): StoredEvent[] {
    return this.#engagementStoredPage
      .all(engagementId, after, limit)
      .map(([position, eventId, streamId, revision, type, data, metadata]) =>
        toStoredEvent({ eventId, type, data, metadata }, { streamId, revision, position: formatPosition(position) }),
      );
  }

  streamPage(stream: string, fromRevision: number, limit: number): RecordedEvent[] {
    return this.#streamPage.all(stream, fromRevision, limit).map(this.#decode);
  }

  eventsBetween(after: bigint, upTo: bigint, filter: LogFilter | undefined, limit: number): RecordedEvent[] {
    const prefixes = filter?.streamPrefixes ?? [];
    const types = filter?.eventTypes ?? [];
    const recent = this.#recentBetween(after, upTo, prefixes, types, limit);
    if (recent !== undefined) return recent.map(this.#decode);
    const where = ['position > ?', 'position <= ?', ...filterClauses(prefixes.length, types.length)];
    const rows = this.#statement(`SELECT ${COLUMNS} FROM events WHERE ${where.join(' AND ')} ORDER BY position LIMIT ?`).all(
      after,
      upTo,
      ...prefixes,
      ...types,
      limit,
    ) as EventRow[];
    return rows.map(this.#decode);
  }

  engagementPage(engagementId: string, after: bigint, streamPrefixes: readonly string[], limit: number): RecordedEvent[] {
    const where = ['engagement_id = ?', 'position > ?', ...filterClauses(streamPrefixes.length, 0)];
    const rows = this.#statement(`SELECT ${COLUMNS} FROM events WHERE ${where.join(' AND ')} ORDER BY position LIMIT ?`).all(
      engagementId,
      after,
      ...streamPrefixes,
      limit,
    ) as EventRow[];
    return rows.map(this.#decode);
  }

  /** Filtered queries differ only in how many prefixes and types they bind, so a few statements serve all. */
  #statement(sql: string): Database.Statement {
    let statement = this.#filtered.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#filtered.set(sql, statement);
    }
    return statement;
  }

  readonly #decode = (row: EventRow): RecordedEvent =>
    deserializeEvent(
      { eventId: row.event_id, type: row.type, data: row.data, metadata: row.metadata },
      { streamId: row.stream_id, revision: row.revision, position: formatPosition(row.position) },
      this.#upcasting,
    );
}

const stored = (row: EventRow): StoredEvent =>
  toStoredEvent(
    { eventId: row.event_id, type: row.type, data: row.data, metadata: row.metadata },
    { streamId: row.stream_id, revision: row.revision, position: formatPosition(row.position) },
  );

/** `instr(..) = 1` is a case-sensitive prefix test with no wildcards to escape, unlike LIKE and GLOB. */
const filterClauses = (prefixCount: number, typeCount: number): string[] => [
  ...(prefixCount > 0 ? [`(${Array.from({ length: prefixCount }, () => 'instr(stream_id, ?) = 1').join(' OR ')})`] : []),
  ...(typeCount > 0 ? [`type IN (${Array.from({ length: typeCount }, () => '?').join(', ')})`] : []),
];
