/**
 * One collection of the MongoDB store: reads, queries and the position-guarded writes (see
 * `WriteTuning` for how they reach MongoDB and FerretDB). Documents are stored with `_id` for `id`
 * and the store's own fields beside theirs (`STORED`).
 */
import type { AnyBulkWriteOperation, Collection, Document } from 'mongodb';
import { fieldTests, limitOf, sortKeys } from './filter.js';
import { failedOnlyOnDuplicateKeys, translateMongoError } from './mongo-errors.js';
import { mongoFilter, mongoSort, STORED } from './mongo-query.js';
import { canonicalPosition, positionFromKey, positionKey } from './position-key.js';
import type { DocumentWrite, Filter, FindOptions, ReadModelCollection, StoredState } from './port.js';

/**
 * How writes go to the server. On MongoDB: the position guard sits in each upsert's filter
 * (`{_id, _position: {$lt: new}}`, served by the `_id` index), all writes of a batch in one
 * unordered bulk write. FerretDB 1.24 on SQLite needs two detours:
 * - it filters in SQL only on exactly `{_id: value}`; any other filter reads and decodes the whole
 *   collection, once per write. So there the store reads the stored positions of the batch first
 *   (one query) and sends plain inserts for absent documents and `{_id}` replacements for those
 *   behind. That is a check-then-write, safe because each collection has a single writer (the
 *   projector runtime of that projection, or the one rebuild filling a staging collection) – not
 *   against two writers racing, which the runtime never starts. (Even an `{_id}` update scans the
 *   table in SQLite – FerretDB's `_id` index is on another expression – so its cost grows with
 *   the collection; an insert does not.)
 * - an update command that changes 100 or more existing documents hangs the server (for every
 *   client), so a batch goes in bulk writes of at most 50.
 */
export type WriteTuning = { guardInFilter: boolean; maxWritesPerBulkWrite: number };

const FERRETDB_MAX_WRITES = 50;

export const writeTuning = (server: 'mongodb' | 'ferretdb', maxWrites: number | undefined): WriteTuning =>
  server === 'ferretdb'
    ? { guardInFilter: false, maxWritesPerBulkWrite: maxWrites ?? FERRETDB_MAX_WRITES }
    : { guardInFilter: true, maxWritesPerBulkWrite: maxWrites ?? Number.POSITIVE_INFINITY };

/** Rounds of re-writing what a bulk write left below its position (see `write`). */
const MAX_WRITE_ROUNDS = 5;

/** A read-model document as stored: its fields, `_id` and the store's own fields (`STORED`). */
export type StoredDocument = { _id: string } & Document;

/** Runs a driver operation; its failures come out as the port's errors. */
export const guard = async <T>(doing: string, operation: () => Promise<T>): Promise<T> => {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof RangeError) throw error;
    throw translateMongoError(error, doing);
  }
};

const toStored = (document: { id: string }, key: string): Document => {
  const { id: _id, ...fields } = document;
  return { ...fields, [STORED.positionKey]: key };
};

const fromStored = <D>(stored: Document): D => {
  const { _id, _position, _deleted, ...fields } = stored;
  return { id: _id, ...fields } as D;
};

type PreparedWrite = { id: string; key: string; replacement: Document };
/** A write and, when the store has looked, whether its document is absent or behind it. */
type PendingWrite = PreparedWrite & { stored?: 'absent' | 'behind' };

const prepare = <D extends { id: string }>(write: DocumentWrite<D>): PreparedWrite => {
  if (write.kind === 'upsert' && write.document.id !== write.id) {
    throw new TypeError(`document ${JSON.stringify(write.document.id)} written under id ${JSON.stringify(write.id)}`);
  }
  const position = canonicalPosition(write.ifPositionBelow);
  const key = positionKey(position);
  const replacement =
    write.kind === 'upsert'
      ? toStored(write.document, key)
      : { position, [STORED.positionKey]: key, [STORED.deleted]: true };
  return { id: write.id, key, replacement };
};

/** One write per id, the one at the latest position: the order of writes within a bulk write is not to be relied on. */
const latestPerId = (writes: readonly PreparedWrite[]): PreparedWrite[] => {
  const latest = new Map<string, PreparedWrite>();
  for (const write of writes) {
    const kept = latest.get(write.id);
    if (kept === undefined || kept.key < write.key) latest.set(write.id, write);
  }
  return [...latest.values()];
};

export class MongoCollection<D extends { id: string }> implements ReadModelCollection<D> {
  readonly #name: string;
  readonly #collection: () => Promise<Collection<StoredDocument>>;
  readonly #tuning: WriteTuning;

  constructor(name: string, collection: () => Promise<Collection<StoredDocument>>, tuning: WriteTuning) {
    this.#name = name;
    this.#collection = collection;
    this.#tuning = tuning;
  }

  async get(id: string): Promise<D | undefined> {
    const collection = await this.#collection();
    // By `_id` alone, the one filter every server answers from an index; tombstones are left out here.
    const found = await guard(`reading ${this.#name}/${id}`, () => collection.findOne({ _id: id }));
    return found === null || found[STORED.deleted] === true ? undefined : fromStored<D>(found);
  }

  async getMany(ids: readonly string[]): Promise<Map<string, D>> {
    if (ids.length === 0) return new Map();
    const collection = await this.#collection();
    const found = await guard(`reading ${ids.length} documents of ${this.#name}`, () => collection.find({ _id: { $in: [...ids] } }).toArray());
    return new Map(found.filter((stored) => stored[STORED.deleted] !== true).map((stored) => [stored._id, fromStored<D>(stored)]));
  }

  async getStates(ids: readonly string[]): Promise<Map<string, StoredState<D>>> {
    if (ids.length === 0) return new Map();
    const collection = await this.#collection();
    const found = await guard(`reading ${ids.length} documents of ${this.#name}`, () =>
      collection.find({ _id: { $in: [...ids] } }).toArray(),
    );
    return new Map(
      found.map((stored) => [
        String(stored._id),
        {
          document: stored[STORED.deleted] === true ? undefined : fromStored<D>(stored),
          position: positionFromKey(String(stored[STORED.positionKey])),
        },
      ]),
    );
  }

  async *find(filter: Filter, options?: FindOptions): AsyncIterable<D> {
    const query = mongoFilter(fieldTests(filter));
    const sort = mongoSort(sortKeys(options));
    const limit = limitOf(options);
    if (limit === 0) return;
    const collection = await this.#collection();
    const cursor = collection.find(query, { sort, ...(limit === undefined ? {} : { limit }) });
    try {
      for (;;) {
        const next = await guard(`querying ${this.#name}`, () => cursor.next());
        if (next === null) return;
        yield fromStored<D>(next);
      }
    } finally {
      await cursor.close().catch(() => undefined);
    }
  }

  async count(filter: Filter): Promise<number> {
    const query = mongoFilter(fieldTests(filter));
    const collection = await this.#collection();
    return guard(`counting ${this.#name}`, () => collection.countDocuments(query));
  }

  async write(writes: ReadonlyArray<DocumentWrite<D>>): Promise<void> {
    if (writes.length === 0) return;
    const { guardInFilter } = this.#tuning;
    const collection = await this.#collection();
    let pending: PendingWrite[] = latestPerId(writes.map(prepare));
    if (!guardInFilter) pending = await this.#behind(collection, pending);
    for (let round = 1; pending.length > 0; round++) {
      if (!(await this.#bulkWrite(collection, pending))) return;
      // A guarded upsert whose document is already at or past its position does not match and
      // then tries to insert an id that exists: a duplicate-key error that means "already
      // applied" (without the guard in the filter, only a racing insert causes one). MongoDB
      // carries on with the other writes of an unordered bulk write; FerretDB stops at the first
      // such error and reports it at the wrong index. So the report is not trusted: whatever is
      // still behind its position is written again.
      pending = await this.#behind(collection, pending);
      // With the guard in the filter, retried writes keep it.
      if (guardInFilter) pending = pending.map(({ stored: _stored, ...write }) => write);
      if (pending.length > 0 && round === MAX_WRITE_ROUNDS) {
        throw new Error(`writing to ${this.#name}: ${pending.length} documents still behind after ${round} rounds (is another writer racing?)`);
      }
    }
  }

  /** Sends the writes in bulk writes of the allowed size; true when some hit a duplicate key. */
  async #bulkWrite(collection: Collection<StoredDocument>, writes: readonly PendingWrite[]): Promise<boolean> {
    let duplicates = false;
    const size = this.#tuning.maxWritesPerBulkWrite;
    for (let start = 0; start < writes.length; start += size) {
      const chunk = writes.slice(start, start + size);
      const operations = chunk.map(({ id, key, replacement, stored }): AnyBulkWriteOperation<StoredDocument> => {
        switch (stored) {
          // Checked first (FerretDB): a plain insert, or a replacement by `_id` alone.
          case 'absent':
            return { insertOne: { document: { _id: id, ...replacement } } };
          case 'behind':
            return { replaceOne: { filter: { _id: id }, replacement, upsert: true } };
          case undefined:
            return { replaceOne: { filter: { _id: id, [STORED.positionKey]: { $lt: key } }, replacement, upsert: true } };
        }
      });
      try {
        await collection.bulkWrite(operations, { ordered: false });
      } catch (error) {
        if (!failedOnlyOnDuplicateKeys(error)) throw translateMongoError(error, `writing ${chunk.length} documents to ${this.#name}`);
        duplicates = true;
      }
    }
    return duplicates;
  }

  /** The writes whose document is stored at an earlier position, or not at all – and which of the two. */
  async #behind(collection: Collection<StoredDocument>, writes: readonly PreparedWrite[]): Promise<PendingWrite[]> {
    const stored = await this.#storedKeys(collection, writes.map((write) => write.id));
    const pending: PendingWrite[] = [];
    for (const write of writes) {
      const key = stored.get(write.id);
      if (key === undefined) pending.push({ ...write, stored: 'absent' });
      else if (key < write.key) pending.push({ ...write, stored: 'behind' });
    }
    return pending;
  }

  async clear(): Promise<void> {
    const collection = await this.#collection();
    await guard(`clearing ${this.#name}`, () => collection.deleteMany({}));
  }

  async #storedKeys(collection: Collection<StoredDocument>, ids: readonly string[]): Promise<Map<string, string>> {
    const found = await guard(`reading positions in ${this.#name}`, () =>
      collection.find({ _id: { $in: [...ids] } }, { projection: { [STORED.positionKey]: 1 } }).toArray(),
    );
    return new Map(found.map((stored) => [String(stored._id), String(stored[STORED.positionKey])]));
  }
}
