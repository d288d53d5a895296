/**
 * The read models of the embedded default, kept across restarts: every write goes through to a
 * SQLite file (`DATA_DIR/read-models.sqlite3`) and to the in-memory store in front of it, which
 * answers every read. A restart loads the documents and checkpoints from the file and the
 * projector goes on from the stored checkpoints, instead of folding the whole log again.
 *
 * Why a cache in front rather than queries served from SQLite: the port's queries have MongoDB's
 * semantics (a field holding an array matches when any element does, BSON's order of types), which
 * the in-memory store already evaluates exactly; SQL would need a second implementation of them.
 * Loading costs a parse per document at the start, far less than folding the events behind them.
 *
 * Writes keep the port's guard in both places: a document is replaced only by a write of a later
 * position, in SQL (`WHERE position_key < excluded.position_key`) as in memory. So a crash between
 * the documents of a batch and its checkpoint (separate transactions, as on MongoDB) leaves the
 * checkpoint behind; the batch is delivered again and every document it already changed skips it.
 *
 * The file is written in batches, not at every write: the writes and checkpoints of the last second
 * (at most 10,000 documents) wait in memory, the latest version of each document only, and go to
 * the file in one transaction – checkpoints with the documents they cover, so the file's
 * checkpoints never pass its documents. A catch-up rewrites the same large documents (an interview
 * and its findings, an engagement's schedule) batch after batch; written once per flush, the first
 * start after an upgrade folds the log about as fast as one without the file. What a crash loses of
 * the last second is folded from the log again at the next start, as with `synchronous = NORMAL`.
 * The batches are written on a thread of their own (`sqlite-writer-thread.ts`), one at a time, so that
 * their inserts, COMMITs and checkpoints never hold up the event loop, and serialized here a slice
 * at a time (`serializeBatch`) for the same reason. A batch that fails is kept
 * and fails the next write or checkpoint, which the projector retries; whatever else reads or
 * changes the file flushes first.
 */
import type Database from 'better-sqlite3';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { InMemoryReadModelStore } from './in-memory.js';
import { canonicalPosition, positionFromKey, positionKey } from './position-key.js';
import type { DocumentWrite, ReadModelCollection, ReadModelStore } from './port.js';
import { ReadModelStoreUnavailableError } from './port.js';
import { HIGHEST_WRITTEN, openReadModelsFile, SAVE_FENCE, type WriteBatch } from './sqlite-file.js';
import { OneAtATimeThread } from '../threads/one-at-a-time.js';
import type { WriterRequest } from './sqlite-writer-thread.js';

export const READ_MODELS_FILE = 'read-models.sqlite3';

/**
 * Loading reads pages of documents for at most LOAD_TURN_MS, then gives the event loop a turn: a
 * request waits for at most one such slice per step it takes (a command takes several), however
 * large the documents of a page are.
 */
const LOAD_PAGE = 200;
const LOAD_TURN_MS = 4;

const STAGING_MARK = '__staging__';

/** How long, and how many documents, writes wait in memory before they go to the file together. */
const FLUSH_EVERY_MS = 1_000;
const FLUSH_DOCUMENTS = 10_000;
/**
 * Documents that may wait while a batch is being written before writes wait for it: a catch-up
 * folds faster than the file takes its batches, and what waits is held in memory.
 */
const MAX_WAITING = 4 * FLUSH_DOCUMENTS;
/** How long a batch is serialized before the event loop gets a turn. */
const SERIALIZE_TURN_MS = 2;

/**
 * A document's latest write waiting for the file: its position key and the document (undefined:
 * deleted), serialized only when it is flushed. The document is the one the in-memory store keeps,
 * never changed after it is written (projections return new documents; outside production the
 * store freezes them, so a change in place fails every test), so what is flushed is what was written.
 */
type PendingDocument = { key: string; document: object | undefined };

export type LoadProgress = (loaded: { documents: number; collection: string }) => void;

/**
 * The rows of a batch, each document serialized, SERIALIZE_TURN_MS at a time: a second of writes
 * under load is thousands of documents, tens of milliseconds to serialize, and requests are served
 * between the slices. The documents may wait: nothing changes one after it is written (see `PendingDocument`).
 */
const serializeBatch = async (
  documents: ReadonlyMap<string, ReadonlyMap<string, PendingDocument>>,
  checkpoints: ReadonlyMap<string, { key: string; fence: number | undefined }>,
  highest: string,
): Promise<WriteBatch> => {
  const batch: WriteBatch = { documents: [], highest, checkpoints: [] };
  let slice = performance.now();
  for (const [physical, waiting] of documents) {
    for (const [id, { key, document }] of waiting) {
      batch.documents.push([physical, id, key, document === undefined ? null : JSON.stringify(document)]);
      if (batch.documents.length % 64 === 0 && performance.now() - slice >= SERIALIZE_TURN_MS) {
        await nextTurn();
        slice = performance.now();
      }
    }
  }
  for (const [projection, { key, fence }] of checkpoints) batch.checkpoints.push([projection, key, fence ?? null]);
  return batch;
};

export class SqliteReadModelStore implements ReadModelStore {
  readonly file: string;
  readonly #db: Database.Database;
  readonly #memory: InMemoryReadModelStore;
  readonly #clear: Database.Statement<[string]>;
  readonly #saveFence: Database.Statement<[string, number]>;
  /** Writes the batches, on a thread of its own; this connection only loads, and writes what a rebuild or fence changes. */
  readonly #writer: OneAtATimeThread<WriterRequest>;
  #loaded = false;
  /** Per physical collection, per id. */
  #pendingDocuments = new Map<string, Map<string, PendingDocument>>();
  #pendingCheckpoints = new Map<string, { key: string; fence: number | undefined }>();
  #pendingCount = 0;
  #pendingHighest = '';
  #flushedAt = performance.now();
  readonly #flushEveryMs: number;
  /** The batch being written, if any: one at a time, so that no checkpoint reaches the file before the documents it covers. */
  #flushing: Promise<void> | undefined;
  /** A batch written in the background that the file refused: the next write or checkpoint fails with it (the projector retries). */
  #failure: Error | undefined;

  /** Opens (or creates) the file; the documents are in memory only after `load()`. */
  static open(file: string, options: { freezeDocuments?: boolean; flushEveryMs?: number } = {}): SqliteReadModelStore {
    let db: Database.Database | undefined;
    try {
      db = openReadModelsFile(file);
      return new SqliteReadModelStore(file, db, new InMemoryReadModelStore(options), options.flushEveryMs ?? FLUSH_EVERY_MS);
    } catch (error) {
      db?.close();
      throw new ReadModelStoreUnavailableError(`cannot open the read models at ${file}: ${String(error)}`, { cause: error });
    }
  }

  private constructor(file: string, db: Database.Database, memory: InMemoryReadModelStore, flushEveryMs: number) {
    this.#flushEveryMs = flushEveryMs;
    this.file = file;
    this.#db = db;
    this.#memory = memory;
    this.#clear = db.prepare('DELETE FROM documents WHERE collection = ?');
    this.#saveFence = db.prepare(SAVE_FENCE);
    this.#writer = new OneAtATimeThread('the read models writer', new URL('./sqlite-writer-thread.js', import.meta.url), { file });
  }

  get loaded(): boolean {
    return this.#loaded;
  }

  /** The highest position any checkpoint or document holds: what the log must have reached for these read models to be its own. */
  async highestPosition(): Promise<string | undefined> {
    await this.flush();
    const row = this.#guard('reading the highest position', () =>
      this.#db
        .prepare<[string], { highest: string | null }>(
          `SELECT max(highest) AS highest FROM (
             SELECT max(position_key) AS highest FROM checkpoints
             UNION ALL SELECT value FROM facts WHERE key = ?)`,
        )
        .get(HIGHEST_WRITTEN),
    );
    return row?.highest ? positionFromKey(row.highest) : undefined;
  }

  /** A fact kept with the read models (what they were folded by), or undefined. */
  async fact(key: string): Promise<string | undefined> {
    await this.flush();
    return this.#guard('reading a fact', () => this.#db.prepare<[string], { value: string }>('SELECT value FROM facts WHERE key = ?').get(key)?.value);
  }

  async setFact(key: string, value: string): Promise<void> {
    await this.flush();
    this.#guard('saving a fact', () => this.#db.prepare('INSERT INTO facts (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value));
  }

  /** Forgets every document and checkpoint, so that the projector folds the log from its start; only before `load()`. */
  async discardAll(): Promise<void> {
    if (this.#loaded) throw new Error('the read models are loaded already; discard them before loading');
    await this.flush();
    this.#guard('discarding the read models', () =>
      this.#db.transaction(() => {
        this.#db.exec('DELETE FROM documents; DELETE FROM checkpoints; DELETE FROM staging;');
        this.#db.prepare('DELETE FROM facts WHERE key = ?').run(HIGHEST_WRITTEN);
      })(),
    );
  }

  /**
   * Puts every stored document and checkpoint in memory, in slices of LOAD_TURN_MS between turns of
   * the event loop so that requests are answered meanwhile. Staging collections of a rebuild that did not finish are dropped.
   */
  async load(progress?: LoadProgress): Promise<void> {
    if (this.#loaded) return;
    this.#guard('dropping unfinished rebuilds', () => this.#dropStaging());
    const checkpoints = this.#guard('reading the checkpoints', () =>
      this.#db.prepare<[], { projection: string; position_key: string | null; fence: number | null }>('SELECT projection, position_key, fence FROM checkpoints').all(),
    );
    for (const { projection, position_key, fence } of checkpoints) {
      if (fence !== null) await this.#memory.fenceCheckpoints([projection], fence);
      if (position_key !== null) await this.#memory.saveCheckpoint(projection, positionFromKey(position_key));
    }
    const page = this.#db.prepare<[number, number], { rowid: number; collection: string; id: string; position_key: string; document: string | null }>(
      `SELECT rowid, collection, id, position_key, document FROM documents WHERE rowid > ? ORDER BY rowid LIMIT ?`,
    );
    let after = 0;
    let documents = 0;
    let turnStarted = performance.now();
    for (;;) {
      const rows = this.#guard('loading the read models', () => page.all(after, LOAD_PAGE));
      const writes = new Map<string, Array<DocumentWrite<{ id: string }>>>();
      for (const row of rows) {
        const position = positionFromKey(row.position_key);
        const write: DocumentWrite<{ id: string }> =
          row.document === null
            ? { kind: 'delete', id: row.id, ifPositionBelow: position }
            : { kind: 'upsert', id: row.id, document: JSON.parse(row.document) as { id: string }, ifPositionBelow: position };
        const collection = writes.get(row.collection);
        if (collection === undefined) writes.set(row.collection, [write]);
        else collection.push(write);
      }
      for (const [collection, batch] of writes) await this.#memory.collection(collection).write(batch);
      documents += rows.length;
      const last = rows.at(-1);
      if (last === undefined) break;
      after = last.rowid;
      progress?.({ documents, collection: last.collection });
      if (rows.length < LOAD_PAGE) break;
      if (performance.now() - turnStarted >= LOAD_TURN_MS) {
        await nextTurn();
        turnStarted = performance.now();
      }
    }
    this.#loaded = true;
  }

  collection<D extends { id: string }>(name: string): ReadModelCollection<D> {
    return this.#writingThrough(name, this.#memory.collection<D>(name));
  }

  async checkpoint(projection: string): Promise<string | undefined> {
    return this.#memory.checkpoint(projection);
  }

  async saveCheckpoint(projection: string, position: string, fence?: number): Promise<void> {
    // The fence is checked in memory first: a stale lease term changes neither.
    await this.#memory.saveCheckpoint(projection, position, fence);
    this.#pendingCheckpoints.set(projection, { key: positionKey(position), fence });
    await this.#flushWhenDue();
  }

  async fenceCheckpoints(names: readonly string[], fence: number): Promise<void> {
    await this.#memory.fenceCheckpoints(names, fence);
    await this.flush();
    this.#guard('fencing the checkpoints', () => this.#db.transaction(() => names.forEach((name) => this.#saveFence.run(name, fence)))());
  }

  async staging<D extends { id: string }>(name: string): Promise<ReadModelCollection<D> & { name: string }> {
    const staged = await this.#memory.staging<D>(name);
    await this.flush();
    this.#guard(`starting a rebuild of ${name}`, () =>
      this.#db.transaction(() => {
        this.#dropStaging(name);
        this.#db.prepare('INSERT INTO staging (collection, name) VALUES (?, ?)').run(staged.name, name);
      })(),
    );
    return Object.assign(this.#writingThrough(staged.name, staged), { name: staged.name });
  }

  async swap(name: string, staged: string): Promise<void> {
    if (!staged.startsWith(`${name}${STAGING_MARK}`)) throw new Error(`${staged} is not a staging collection of ${name}`);
    await this.flush();
    this.#guard(`swapping in the rebuilt ${name}`, () =>
      this.#db.transaction(() => {
        this.#clear.run(name);
        this.#db.prepare('UPDATE documents SET collection = ? WHERE collection = ?').run(name, staged);
        this.#db.prepare('DELETE FROM staging WHERE collection = ?').run(staged);
      })(),
    );
    await this.#memory.swap(name, staged);
  }

  async ensureIndexes(name: string, indexes: ReadonlyArray<ReadonlyArray<readonly [field: string, direction: 1 | -1]>>): Promise<void> {
    await this.#memory.ensureIndexes(name, indexes);
  }

  async ping(): Promise<void> {
    await this.#memory.ping();
    this.#guard('reaching the read models', () => this.#db.prepare('SELECT 1').get());
  }

  /** Whatever waits goes to the file now, in one transaction, after the batch under way; rejects with what the file refused. */
  async flush(): Promise<void> {
    await this.#settled();
    await this.#startFlush();
  }

  async close(): Promise<void> {
    await this.#memory.close();
    if (this.#db.open) {
      try {
        await this.flush();
      } finally {
        await this.#writer.close({ kind: 'close' }).catch(() => {});
        this.#db.close();
      }
    }
  }

  /** The batch under way has been written or refused. */
  async #settled(): Promise<void> {
    await this.#flushing?.catch(() => {});
  }

  /**
   * Hands what waits to the writer as one batch. A batch the file refuses is put back under what
   * was written meanwhile (the later version of each document wins, as it would in the file), to
   * go with the next batch.
   */
  #startFlush(): Promise<void> {
    if (this.#pendingDocuments.size === 0 && this.#pendingCheckpoints.size === 0) return Promise.resolve();
    if (!this.#db.open) return Promise.reject(new ReadModelStoreUnavailableError('the read-model store is closed'));
    const documents = this.#pendingDocuments;
    const checkpoints = this.#pendingCheckpoints;
    const highest = this.#pendingHighest;
    this.#pendingDocuments = new Map();
    this.#pendingCheckpoints = new Map();
    this.#pendingCount = 0;
    this.#pendingHighest = '';
    this.#flushedAt = performance.now();
    const flushing = serializeBatch(documents, checkpoints, highest)
      .then((batch) => this.#writer.ask({ kind: 'write', batch }))
      .then(
        () => {
          this.#flushing = undefined;
          // What an earlier batch could not write went with this one.
          this.#failure = undefined;
        },
        (error: unknown) => {
          this.#flushing = undefined;
          this.#putBack(documents, checkpoints, highest);
          throw new ReadModelStoreUnavailableError(`writing the read models in ${this.file} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
        },
      );
    this.#flushing = flushing;
    return flushing;
  }

  #putBack(documents: Map<string, Map<string, PendingDocument>>, checkpoints: Map<string, { key: string; fence: number | undefined }>, highest: string): void {
    for (const [physical, refused] of documents) {
      let waiting = this.#pendingDocuments.get(physical);
      if (waiting === undefined) this.#pendingDocuments.set(physical, (waiting = new Map()));
      for (const [id, document] of refused) {
        const later = waiting.get(id);
        if (later !== undefined && later.key >= document.key) continue;
        if (later === undefined) this.#pendingCount++;
        waiting.set(id, document);
      }
    }
    for (const [projection, checkpoint] of checkpoints) if (!this.#pendingCheckpoints.has(projection)) this.#pendingCheckpoints.set(projection, checkpoint);
    if (highest > this.#pendingHighest) this.#pendingHighest = highest;
  }

  /**
   * Starts a batch when a second has passed or enough documents wait, unless one is under way; waits
   * for the one under way when too many do. Fails with a batch written in the background that the file refused.
   */
  async #flushWhenDue(): Promise<void> {
    if (this.#flushing !== undefined && this.#pendingCount >= MAX_WAITING) await this.#settled();
    if (this.#flushing === undefined && (this.#pendingCount >= FLUSH_DOCUMENTS || performance.now() - this.#flushedAt >= this.#flushEveryMs)) {
      this.#startFlush().catch((error: unknown) => {
        this.#failure = error as Error;
      });
    }
    const failure = this.#failure;
    this.#failure = undefined;
    if (failure !== undefined) throw failure;
  }

  /** Drops the staging collections (of `name`, or all): each is a range of the primary key. */
  #dropStaging(name?: string): void {
    const staged = this.#db.prepare<[], { collection: string; name: string }>('SELECT collection, name FROM staging').all();
    for (const entry of staged) {
      if (name !== undefined && entry.name !== name) continue;
      this.#clear.run(entry.collection);
      this.#db.prepare('DELETE FROM staging WHERE collection = ?').run(entry.collection);
    }
  }

  #writingThrough<D extends { id: string }>(physical: string, cached: ReadModelCollection<D>): ReadModelCollection<D> {
    // Only the latest position of each document waits; a write naming another id is refused whole.
    const hold = (writes: ReadonlyArray<DocumentWrite<D>>) => {
      for (const write of writes) {
        if (write.kind === 'upsert' && write.document.id !== write.id) {
          throw new TypeError(`document ${JSON.stringify(write.document.id)} written under id ${JSON.stringify(write.id)}`);
        }
      }
      let documents = this.#pendingDocuments.get(physical);
      if (documents === undefined) this.#pendingDocuments.set(physical, (documents = new Map()));
      for (const write of writes) {
        const key = positionKey(canonicalPosition(write.ifPositionBelow));
        const waiting = documents.get(write.id);
        if (waiting !== undefined && waiting.key >= key) continue;
        if (waiting === undefined) this.#pendingCount++;
        documents.set(write.id, { key, document: write.kind === 'upsert' ? write.document : undefined });
        if (key > this.#pendingHighest) this.#pendingHighest = key;
      }
    };
    return {
      get: (id) => cached.get(id),
      getMany: (ids) => cached.getMany(ids),
      getStates: (ids) => cached.getStates(ids),
      find: (filter, options) => cached.find(filter, options),
      count: (filter) => cached.count(filter),
      write: async (writes) => {
        if (!this.#db.open) throw new ReadModelStoreUnavailableError('the read-model store is closed');
        hold(writes);
        await cached.write(writes);
        await this.#flushWhenDue();
      },
      clear: async () => {
        await this.flush();
        this.#guard(`clearing ${physical}`, () => this.#clear.run(physical));
        await cached.clear();
      },
    };
  }

  #guard<T>(doing: string, work: () => T): T {
    if (!this.#db.open) throw new ReadModelStoreUnavailableError('the read-model store is closed');
    try {
      return work();
    } catch (error) {
      if (error instanceof TypeError || error instanceof RangeError) throw error;
      throw new ReadModelStoreUnavailableError(`${doing} in ${this.file} failed: ${String(error)}`, { cause: error });
    }
  }
}
