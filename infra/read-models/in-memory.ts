/**
 * The read-model store in memory: the embedded default, rebuilt from the log at every start, and
 * the store of most tests. It keeps the port's promises to the letter – position-guarded writes,
 * tombstones, staging and swap, MongoDB's query semantics – so that whatever passes against it
 * passes against MongoDB too.
 *
 * A written document is kept as it is – the writer hands it over (the projector never touches a
 * document again once written; `apply` must not change its input anyway), so neither writes nor
 * reads need to copy. Outside production it is deeply frozen as well: a reader or writer that tries
 * to change one gets a TypeError instead of silently changing the read model. Production skips the
 * freezing, which walks the whole document – every finding of an interview – on each write, so that
 * a write costs the change rather than the document (docs/architecture.md#read-side).
 *
 * The leading field of each index declared with `ensureIndexes` is indexed here too: an equality
 * filter on it (an interview's findings, an engagement's interviews) looks at the documents with
 * that value only, not at every document of the collection, as MongoDB does with the same index.
 */
import { matches, sortedBy, valuesAt } from './document-query.js';
import { fieldTests, limitOf, sortKeys, type FieldTest } from './filter.js';
import { canonicalPosition } from './position-key.js';
import type {
  Checkpoint,
  DocumentWrite,
  Filter,
  FindOptions,
  ReadModelCollection,
  ReadModelStore,
  StoredState,
} from './port.js';
import { ReadModelStoreUnavailableError, StaleFenceError } from './port.js';

type Entry = { document: object | undefined; position: bigint; positionText: string };

/** A physical collection: the entries by id, and the ids by the value of each indexed field. */
class Documents {
  readonly entries = new Map<string, Entry>();
  readonly #indexes = new Map<string, Map<unknown, Set<string>>>();

  constructor(fields: Iterable<string> = []) {
    for (const field of fields) this.index(field);
  }

  index(field: string): void {
    if (this.#indexes.has(field)) return;
    const ids = new Map<unknown, Set<string>>();
    this.#indexes.set(field, ids);
    for (const [id, { document }] of this.entries) indexIn(ids, field, id, document, 1);
  }

  set(id: string, entry: Entry): void {
    const before = this.entries.get(id)?.document;
    for (const [field, ids] of this.#indexes) {
      indexIn(ids, field, id, before, -1);
      indexIn(ids, field, id, entry.document, 1);
    }
    this.entries.set(id, entry);
  }

  clear(): void {
    this.entries.clear();
    for (const ids of this.#indexes.values()) ids.clear();
  }

  /** The documents that may match `tests`: those an equality test on an indexed field names, or else all. */
  *candidates(tests: readonly FieldTest[]): Iterable<object> {
    for (const test of tests) {
      const ids = test.equals === undefined ? undefined : this.#indexes.get(test.path);
      if (ids === undefined) continue;
      for (const id of ids.get(test.equals) ?? []) {
        const document = this.entries.get(id)?.document;
        if (document !== undefined) yield document;
      }
      return;
    }
    for (const { document } of this.entries.values()) if (document !== undefined) yield document;
  }
}

/** Adds (1) or removes (-1) `id` under each scalar value `document` holds at `field`. */
const indexIn = (ids: Map<unknown, Set<string>>, field: string, id: string, document: object | undefined, change: 1 | -1): void => {
  if (document === undefined) return;
  for (const value of new Set(valuesAt(document, field))) {
    if (typeof value === 'object') continue;
    let holders = ids.get(value);
    if (change === 1) {
      if (holders === undefined) ids.set(value, (holders = new Set()));
      holders.add(id);
    } else if (holders !== undefined) {
      holders.delete(id);
      if (holders.size === 0) ids.delete(value);
    }
  }
};

export class InMemoryReadModelStore implements ReadModelStore {
  /** Physical collections; `collection(name)` serves the one under `name`, which a swap replaces. */
  readonly #collections = new Map<string, Documents>();
  readonly #checkpoints = new Map<string, Checkpoint>();
  readonly #fences = new Map<string, number>();
  /** The indexed fields of each collection (by its name, so that its staging collections have them too). */
  readonly #indexed = new Map<string, Set<string>>();
  readonly #keep: <T>(document: T) => T;
  #stagingCount = 0;
  #closed = false;

  constructor(options: { freezeDocuments?: boolean } = {}) {
    this.#keep = options.freezeDocuments === false ? (document) => document : deepFreeze;
  }

  collection<D extends { id: string }>(name: string): ReadModelCollection<D> {
    return new InMemoryCollection<D>(() => this.#documents(name), this.#keep);
  }

  async checkpoint(projection: string): Promise<string | undefined> {
    this.#ensureOpen();
    return this.#checkpoints.get(projection)?.position;
  }

  async saveCheckpoint(projection: string, position: string, fence?: number): Promise<void> {
    this.#ensureOpen();
    if (fence !== undefined) this.#fence(projection, fence);
    this.#checkpoints.set(projection, { projection, position: canonicalPosition(position), updatedAt: new Date().toISOString() });
  }

  async fenceCheckpoints(names: readonly string[], fence: number): Promise<void> {
    this.#ensureOpen();
    for (const name of names) this.#fence(name, fence);
  }

  #fence(name: string, fence: number): void {
    const current = this.#fences.get(name);
    if (current !== undefined && current > fence) throw new StaleFenceError(name, fence);
    this.#fences.set(name, fence);
  }

  async staging<D extends { id: string }>(name: string): Promise<ReadModelCollection<D> & { name: string }> {
    this.#ensureOpen();
    for (const physical of this.#collections.keys()) {
      if (physical.startsWith(stagingPrefix(name))) this.#collections.delete(physical);
    }
    const staged = `${stagingPrefix(name)}${++this.#stagingCount}`;
    this.#collections.set(staged, new Documents(this.#indexed.get(name)));
    return Object.assign(new InMemoryCollection<D>(() => this.#documents(staged), this.#keep), { name: staged });
  }

  async swap(name: string, staged: string): Promise<void> {
    this.#ensureOpen();
    const documents = this.#collections.get(staged);
    if (!staged.startsWith(stagingPrefix(name)) || documents === undefined) {
      throw new Error(`${staged} is not a staging collection of ${name}`);
    }
    this.#collections.set(name, documents);
    this.#collections.delete(staged);
  }

  async ensureIndexes(name: string, indexes: ReadonlyArray<ReadonlyArray<readonly [field: string, direction: 1 | -1]>>): Promise<void> {
    this.#ensureOpen();
    const fields = this.#indexed.get(name) ?? new Set<string>();
    this.#indexed.set(name, fields);
    for (const [leading] of indexes) if (leading !== undefined) fields.add(leading[0]);
    for (const [physical, documents] of this.#collections) {
      if (physical === name || physical.startsWith(stagingPrefix(name))) for (const field of fields) documents.index(field);
    }
  }

  async ping(): Promise<void> {
    this.#ensureOpen();
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  #documents(physical: string): Documents {
    this.#ensureOpen();
    let documents = this.#collections.get(physical);
    if (documents === undefined) {
      documents = new Documents(this.#indexed.get(physical));
      this.#collections.set(physical, documents);
    }
    return documents;
  }

  #ensureOpen(): void {
    if (this.#closed) throw new ReadModelStoreUnavailableError('the in-memory read-model store is closed');
  }
}

const stagingPrefix = (name: string) => `${name}__staging__`;

class InMemoryCollection<D extends { id: string }> implements ReadModelCollection<D> {
  /** Looked up on every call, so that a handle taken before a swap serves the swapped-in documents. */
  readonly #documents: () => Documents;
  readonly #keep: <T>(document: T) => T;

  constructor(documents: () => Documents, keep: <T>(document: T) => T) {
    this.#documents = documents;
    this.#keep = keep;
  }

  async get(id: string): Promise<D | undefined> {
    return this.#documents().entries.get(id)?.document as D | undefined;
  }

  async getMany(ids: readonly string[]): Promise<Map<string, D>> {
    const documents = this.#documents().entries;
    const found = new Map<string, D>();
    for (const id of ids) {
      const document = documents.get(id)?.document;
      if (document !== undefined) found.set(id, document as D);
    }
    return found;
  }

  async getStates(ids: readonly string[]): Promise<Map<string, StoredState<D>>> {
    const documents = this.#documents().entries;
    const states = new Map<string, StoredState<D>>();
    for (const id of ids) {
      const entry = documents.get(id);
      if (entry !== undefined) states.set(id, { document: entry.document as D | undefined, position: entry.positionText });
    }
    return states;
  }

  async *find(filter: Filter, options?: FindOptions): AsyncIterable<D> {
    const tests = fieldTests(filter);
    const keys = sortKeys(options);
    const limit = limitOf(options);
    const found: object[] = [];
    for (const document of this.#documents().candidates(tests)) {
      if (matches(document, tests)) found.push(document);
    }
    // Sorted up front (documents are never changed once written, so the snapshot is references
    // only), then handed out one by one like a cursor.
    const sorted = sortedBy(found, keys);
    for (const document of limit === undefined ? sorted : sorted.slice(0, limit)) yield document as D;
  }

  async count(filter: Filter): Promise<number> {
    const tests = fieldTests(filter);
    let count = 0;
    for (const document of this.#documents().candidates(tests)) {
      if (matches(document, tests)) count++;
    }
    return count;
  }

  async write(writes: ReadonlyArray<DocumentWrite<D>>): Promise<void> {
    const documents = this.#documents();
    // Checked and copied first, so that a bad write changes nothing.
    const entries = writes.map((write): [string, Entry] => {
      if (write.kind === 'upsert' && write.document.id !== write.id) {
        throw new TypeError(`document ${JSON.stringify(write.document.id)} written under id ${JSON.stringify(write.id)}`);
      }
      const positionText = canonicalPosition(write.ifPositionBelow);
      const document = write.kind === 'upsert' ? this.#keep(write.document) : undefined;
      return [write.id, { document, position: BigInt(positionText), positionText }];
    });
    for (const [id, entry] of entries) {
      const stored = documents.entries.get(id);
      if (stored === undefined || stored.position < entry.position) documents.set(id, entry);
    }
  }

  async clear(): Promise<void> {
    this.#documents().clear();
  }
}

/** Freezes what is not frozen yet; a frozen object's contents are frozen already (shared parts of an earlier version). */
const deepFreeze = <T>(value: T): T => {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
};
