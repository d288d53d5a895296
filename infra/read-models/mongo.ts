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
import { MongoClient, MongoServerError, type Db, type Filter, type IndexDescription } from 'mongodb';
import { guard, MongoCollection, writeTuning, type StoredDocument, type WriteTuning } from './mongo-collection.js';
import { isDuplicateKey, translateMongoError } from './mongo-errors.js';
import { storedPath } from './mongo-query.js';
import { canonicalPosition, positionKey } from './position-key.js';
import { StaleFenceError, type ReadModelCollection, type ReadModelStore } from './port.js';

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

const CHECKPOINTS = 'checkpoints';
const ALIASES = 'collection_aliases';
// `consumer_leases` holds the log consumers' leases (infra/consumer/mongo-leases.ts).
const RESERVED = new Set([CHECKPOINTS, ALIASES, 'consumer_leases']);
/** Physical collections of a projection other than the first are `<name>__<generation>`. */
const GENERATION_SEPARATOR = '__';

type CheckpointDocument = { _id: string; position?: string; _position?: string; updatedAt?: string; fence?: number };
type AliasDocument = { _id: string; physical: string; swappedAt: string };
type IndexKeys = ReadonlyArray<readonly [field: string, direction: 1 | -1]>;

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

  /** The database, for what keeps its state beside the read models (the consumers' leases). */
  get database(): Db {
    return this.#db;
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

  async saveCheckpoint(projection: string, position: string, fence?: number): Promise<void> {
    const canonical = canonicalPosition(position);
    const update = { position: canonical, _position: positionKey(canonical), updatedAt: new Date().toISOString() };
    await this.#fenced(projection, fence, `saving the checkpoint of ${projection}`, (filter) =>
      this.#db
        .collection<CheckpointDocument>(CHECKPOINTS)
        .updateOne(filter, { $set: fence === undefined ? update : { ...update, fence } }, { upsert: true }),
    );
  }

  async fenceCheckpoints(names: readonly string[], fence: number): Promise<void> {
    for (const name of names) {
      await this.#fenced(name, fence, `fencing the checkpoint of ${name}`, (filter) =>
        this.#db.collection<CheckpointDocument>(CHECKPOINTS).updateOne(filter, { $set: { fence } }, { upsert: true }),
      );
    }
  }

  /**
   * Runs an upsert of one checkpoint that only matches while no later fence is on it: against a
   * later fence the upsert tries to insert the existing `_id` and the server refuses – atomic on
   * one document, which is all FerretDB offers.
   */
  async #fenced(name: string, fence: number | undefined, doing: string, update: (filter: Filter<CheckpointDocument>) => Promise<unknown>): Promise<void> {
    const filter: Filter<CheckpointDocument> =
      fence === undefined ? { _id: name } : { _id: name, $or: [{ fence: { $exists: false } }, { fence: { $lte: fence } }] };
    try {
      await update(filter);
    } catch (error) {
      if (fence !== undefined && isDuplicateKey(error)) throw new StaleFenceError(name, fence);
      throw translateMongoError(error, doing);
    }
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
