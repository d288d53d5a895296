/**
 * The read-model store on MongoDB (official driver), also served by FerretDB. One collection per
 * projection, `_id` = document id. Every stored document carries, beside its own fields,
 * `_position`: an order-preserving key of the last applied log position (`position-key.ts`), which
 * the write guards and `position` queries compare. A delete replaces the document with a
 * tombstone (`_deleted: true`) that keeps `_position`, so that a redelivered older event cannot
 * bring it back; queries leave tombstones out.
 *
 * Nothing here needs a multi-document transaction or a change stream (FerretDB has neither).
 *
 * Rebuilds build into a fresh physical collection and swap it in through an alias document
 * (`collection_aliases`: name → physical collection), because FerretDB cannot
 * `renameCollection` onto an existing collection (`dropTarget` is not implemented) and a drop
 * followed by a rename leaves a moment with no collection. Changing one document is atomic on any
 * server. Each store instance trusts a mapping for `aliasTtlMs`, so another process sees a swap
 * within that time; the replaced collection stays until the next rebuild of that projection, so
 * that such a process still reads complete (if slightly stale) documents in the meantime.
 */
import { randomBytes } from 'node:crypto';
import { MongoClient, MongoServerError, type AnyBulkWriteOperation, type Collection, type Db, type Document, type IndexDescription } from 'mongodb';
import { fieldTests, limitOf, sortKeys } from './filter.js';
import { failedOnlyOnDuplicateKeys, translateMongoError } from './mongo-errors.js';
import { mongoFilter, mongoSort, STORED, storedPath } from './mongo-query.js';
import { canonicalPosition, positionFromKey, positionKey } from './position-key.js';
import type { DocumentWrite, Filter, FindOptions, ReadModelCollection, ReadModelStore, StoredState } from './port.js';

export type MongoReadModelStoreOptions = {
  /** Database; default: the one named in the URL's path, else `crm_discovery`. */
  dbName?: string;
  /** How long the driver looks for a server before an operation fails as unavailable. */
  serverSelectionTimeoutMS?: number;
  /** How long this instance trusts a name → physical collection mapping (another process may swap). */
  aliasTtlMs?: number;
  /** Which server's quirks to work around (see `WriteTuning`); detected from `buildInfo` when not given. */
  server?: 'mongodb' | 'ferretdb';
  /** Most writes sent in one bulk write; the default depends on the server. */
  maxWritesPerBulkWrite?: number;
};

/**
 * How writes go to the server. On MongoDB: the position guard sits in each upsert's filter
 * (`{_id, _position: {$lt: new}}`, served by the `_id` index), all writes of a batch in one
 * unordered bulk write. FerretDB 1.24 on SQLite needs two detours:
 * - it uses an index only for a filter that is exactly `{_id: value}`; any other filter reads the
 *   whole collection, once per write. So there the store reads the stored positions of the batch
 *   first (one query) and sends plain `{_id}` replacements for the writes that are ahead. That is
 *   a check-then-write, safe because each collection has a single writer (the projector runtime
 *   of that projection, or the one rebuild filling a staging collection) – not against two
 *   writers racing, which the runtime never starts;
 * - an update command that changes 100 or more existing documents hangs the server (for every
 *   client), so a batch goes in bulk writes of at most 50.
 */
type WriteTuning = { guardInFilter: boolean; maxWritesPerBulkWrite: number };

const FERRETDB_MAX_WRITES = 50;

const writeTuning = (server: 'mongodb' | 'ferretdb', maxWrites: number | undefined): WriteTuning =>
  server === 'ferretdb'
    ? { guardInFilter: false, maxWritesPerBulkWrite: maxWrites ?? FERRETDB_MAX_WRITES }
    : { guardInFilter: true, maxWritesPerBulkWrite: maxWrites ?? Number.POSITIVE_INFINITY };

const CHECKPOINTS = 'checkpoints';
const ALIASES = 'collection_aliases';
const RESERVED = new Set([CHECKPOINTS, ALIASES]);
/** Physical collections of a projection other than the first are `<name>__<generation>`. */
const GENERATION_SEPARATOR = '__';
/** Rounds of re-writing what a bulk write left below its position (see `write`). */
const MAX_WRITE_ROUNDS = 5;

type CheckpointDocument = { _id: string; position: string; _position: string; updatedAt: string };
type AliasDocument = { _id: string; physical: string; swappedAt: string };
type IndexKeys = ReadonlyArray<readonly [field: string, direction: 1 | -1]>;
/** A read-model document as stored: its fields, `_id` and the store's own fields (`STORED`). */
type StoredDocument = { _id: string } & Document;

const checkName = (name: string): string => {
  if (
    name === '' ||
    RESERVED.has(name) ||
    name.includes(GENERATION_SEPARATOR) ||
    name.includes('$') ||
    name.includes('\0') ||
    name.startsWith('system.')
  ) {
    throw new RangeError(`not a usable read-model collection name: ${JSON.stringify(name)}`);
  }
  return name;
};

const isGenerationOf = (name: string, physical: string) => physical === name || physical.startsWith(`${name}${GENERATION_SEPARATOR}`);

const databaseNameIn = (url: string): string | undefined => {
  const match = /^mongodb(?:\+srv)?:\/\/[^/?]*\/([^?]+)/.exec(url);
  return match?.[1] === undefined ? undefined : decodeURIComponent(match[1]);
};

export class MongoReadModelStore implements ReadModelStore {
  readonly #client: MongoClient;
  readonly #db: Db;
  readonly #aliasTtlMs: number;
  readonly #tuning: WriteTuning;
  readonly #aliases = new Map<string, { physical: string; until: number }>();
  /** Indexes declared through `ensureIndexes`, so that a staging collection gets them too. */
  readonly #declaredIndexes = new Map<string, IndexKeys[]>();

  /** Connects; fails with `ReadModelStoreUnavailableError` when no server answers in time. */
  static async open(url: string, options: MongoReadModelStoreOptions = {}): Promise<MongoReadModelStore> {
    let client: MongoClient | undefined;
    try {
      client = new MongoClient(url, { serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 5_000 });
      await client.connect();
      const db = client.db(options.dbName ?? databaseNameIn(url) ?? 'crm_discovery');
      const server = options.server ?? ('ferretdbVersion' in (await client.db('admin').command({ buildInfo: 1 })) ? 'ferretdb' : 'mongodb');
      return new MongoReadModelStore(client, db, options.aliasTtlMs ?? 1_000, writeTuning(server, options.maxWritesPerBulkWrite));
    } catch (error) {
      await client?.close().catch(() => undefined);
      throw translateMongoError(error, 'connecting');
    }
  }

  private constructor(client: MongoClient, db: Db, aliasTtlMs: number, tuning: WriteTuning) {
    this.#client = client;
    this.#db = db;
    this.#aliasTtlMs = aliasTtlMs;
    this.#tuning = tuning;
  }

  get databaseName(): string {
    return this.#db.databaseName;
  }

  collection<D extends { id: string }>(name: string): ReadModelCollection<D> {
    checkName(name);
    return new MongoCollection<D>(name, async () => this.#db.collection<StoredDocument>(await this.#physical(name)), this.#tuning);
  }

  async checkpoint(projection: string): Promise<string | undefined> {
    const found = await guard(`reading the checkpoint of ${projection}`, () =>
      this.#db.collection<CheckpointDocument>(CHECKPOINTS).findOne({ _id: projection }),
    );
    return found?.position;
  }

  async saveCheckpoint(projection: string, position: string): Promise<void> {
    const canonical = canonicalPosition(position);
    await guard(`saving the checkpoint of ${projection}`, () =>
      this.#db
        .collection<CheckpointDocument>(CHECKPOINTS)
        .updateOne(
          { _id: projection },
          { $set: { position: canonical, _position: positionKey(canonical), updatedAt: new Date().toISOString() } },
          { upsert: true },
        ),
    );
  }

  async staging<D extends { id: string }>(name: string): Promise<ReadModelCollection<D> & { name: string }> {
    checkName(name);
    const current = await this.#physical(name, { fresh: true });
    await guard(`clearing old collections of ${name}`, async () => {
      const collections = await this.#db.listCollections({}, { nameOnly: true }).toArray();
      for (const { name: physical } of collections) {
        if (physical !== current && isGenerationOf(name, physical)) await this.#db.collection(physical).drop();
      }
    });
    const staged = `${name}${GENERATION_SEPARATOR}${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
    await guard(`creating ${staged}`, async () => {
      await this.#db.createCollection(staged);
      await this.#copyIndexes(name, current, staged);
    });
    const handle = new MongoCollection<D>(staged, async () => this.#db.collection<StoredDocument>(staged), this.#tuning);
    return Object.assign(handle, { name: staged });
  }

  async swap(name: string, staged: string): Promise<void> {
    checkName(name);
    if (!staged.startsWith(`${name}${GENERATION_SEPARATOR}`)) throw new RangeError(`${staged} is not a staging collection of ${name}`);
    const current = await this.#physical(name, { fresh: true });
    await guard(`swapping ${staged} in as ${name}`, async () => {
      const found = await this.#db.listCollections({ name: staged }, { nameOnly: true }).toArray();
      if (found.length === 0) throw new RangeError(`no staging collection ${staged}`);
      // Indexes declared on the live collection since the staging one was created.
      await this.#copyIndexes(name, current, staged);
      await this.#db
        .collection<AliasDocument>(ALIASES)
        .updateOne({ _id: name }, { $set: { physical: staged, swappedAt: new Date().toISOString() } }, { upsert: true });
    });
    this.#aliases.set(name, { physical: staged, until: Date.now() + this.#aliasTtlMs });
  }

  async ensureIndexes(name: string, indexes: ReadonlyArray<IndexKeys>): Promise<void> {
    checkName(name);
    const declared = this.#declaredIndexes.get(name) ?? [];
    this.#declaredIndexes.set(name, [...declared, ...indexes]);
    if (indexes.length === 0) return;
    const physical = await this.#physical(name);
    await guard(`creating the indexes of ${name}`, () => this.#createIndexes(physical, indexes.map(indexDescription)));
  }

  async ping(): Promise<void> {
    await guard('pinging', () => this.#db.command({ ping: 1 }));
  }

  async close(): Promise<void> {
    await this.#client.close();
  }

  /** The physical collection `name` is served from. */
  async #physical(name: string, options: { fresh?: boolean } = {}): Promise<string> {
    const cached = this.#aliases.get(name);
    if (!options.fresh && cached !== undefined && cached.until > Date.now()) return cached.physical;
    const alias = await guard(`resolving the collection of ${name}`, () => this.#db.collection<AliasDocument>(ALIASES).findOne({ _id: name }));
    const physical = alias?.physical ?? name;
    this.#aliases.set(name, { physical, until: Date.now() + this.#aliasTtlMs });
    return physical;
  }

  /** Gives `target` the indexes `source` has and those declared for `name`. */
  async #copyIndexes(name: string, source: string, target: string): Promise<void> {
    const existing = await this.#indexKeys(source);
    await this.#createIndexes(target, [
      ...existing.map((key) => ({ key })),
      ...(this.#declaredIndexes.get(name) ?? []).map(indexDescription),
    ]);
  }

  /**
   * Creates the indexes `physical` lacks, one at a time: FerretDB drops the connection when one
   * `createIndexes` command names several indexes and some of them already exist.
   */
  async #createIndexes(physical: string, descriptions: readonly IndexDescription[]): Promise<void> {
    const present = new Set((await this.#indexKeys(physical)).map((key) => JSON.stringify(key)));
    for (const description of descriptions) {
      const key = JSON.stringify(description.key);
      if (present.has(key)) continue;
      present.add(key);
      await this.#db.collection(physical).createIndex(description.key);
    }
  }

  /** The keys of a collection's indexes other than `_id`; none when it does not exist yet. */
  async #indexKeys(physical: string): Promise<Record<string, 1 | -1>[]> {
    try {
      const indexes = await this.#db.collection(physical).listIndexes().toArray();
      return indexes.filter((index) => index['name'] !== '_id_').map((index) => index['key'] as Record<string, 1 | -1>);
    } catch (error) {
      if (error instanceof MongoServerError && error.code === NAMESPACE_NOT_FOUND) return [];
      throw error;
    }
  }
}

const NAMESPACE_NOT_FOUND = 26;

const indexDescription = (keys: IndexKeys): IndexDescription => {
  if (keys.length === 0) throw new RangeError('an index needs at least one field');
  return { key: Object.fromEntries(keys.map(([field, direction]) => [storedPath(field), direction])) };
};

const guard = async <T>(doing: string, operation: () => Promise<T>): Promise<T> => {
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

class MongoCollection<D extends { id: string }> implements ReadModelCollection<D> {
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
    let pending = latestPerId(writes.map(prepare));
    if (!guardInFilter) pending = await this.#behind(collection, pending);
    for (let round = 1; pending.length > 0; round++) {
      if (!(await this.#bulkWrite(collection, pending, guardInFilter))) return;
      // A guarded upsert whose document is already at or past its position does not match and
      // then tries to insert an id that exists: a duplicate-key error that means "already
      // applied" (without the guard in the filter, only a racing insert causes one). MongoDB
      // carries on with the other writes of an unordered bulk write; FerretDB stops at the first
      // such error and reports it at the wrong index. So the report is not trusted: whatever is
      // still behind its position is written again.
      pending = await this.#behind(collection, pending);
      if (pending.length > 0 && round === MAX_WRITE_ROUNDS) {
        throw new Error(`writing to ${this.#name}: ${pending.length} documents still behind after ${round} rounds (is another writer racing?)`);
      }
    }
  }

  /** Sends the writes in bulk writes of the allowed size; true when some hit a duplicate key. */
  async #bulkWrite(collection: Collection<StoredDocument>, writes: readonly PreparedWrite[], guardInFilter: boolean): Promise<boolean> {
    let duplicates = false;
    const size = this.#tuning.maxWritesPerBulkWrite;
    for (let start = 0; start < writes.length; start += size) {
      const chunk = writes.slice(start, start + size);
      const operations = chunk.map(({ id, key, replacement }): AnyBulkWriteOperation<StoredDocument> => ({
        replaceOne: { filter: guardInFilter ? { _id: id, [STORED.positionKey]: { $lt: key } } : { _id: id }, replacement, upsert: true },
      }));
      try {
        await collection.bulkWrite(operations, { ordered: false });
      } catch (error) {
        if (!failedOnlyOnDuplicateKeys(error)) throw translateMongoError(error, `writing ${chunk.length} documents to ${this.#name}`);
        duplicates = true;
      }
    }
    return duplicates;
  }

  /** The writes whose document is stored at an earlier position, or not at all. */
  async #behind(collection: Collection<StoredDocument>, writes: readonly PreparedWrite[]): Promise<PreparedWrite[]> {
    const stored = await this.#storedKeys(collection, writes.map((write) => write.id));
    return writes.filter((write) => {
      const key = stored.get(write.id);
      return key === undefined || key < write.key;
    });
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
