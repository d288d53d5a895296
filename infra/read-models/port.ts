/**
 * The read-model store port: one collection per projection, documents keyed by `id`. Two
 * implementations: MongoDB (official driver) and in memory (the embedded default, rebuilt from the
 * log at start). No multi-document transactions: every write is a single-document upsert or delete
 * guarded by the document's last applied position, so redelivery never applies an event twice.
 *
 * A delete leaves a tombstone that keeps the position of the deletion. Readers never see it; it
 * stops a redelivered older event from bringing the document back (see `getStates`).
 */

/** Comparison on one field; dotted paths reach into sub-documents; a field holding an array matches when any element does. */
export type FieldCondition =
  | string
  | number
  | boolean
  | { $in?: readonly (string | number | boolean)[]; $gt?: string | number; $gte?: string | number; $lt?: string | number; $lte?: string | number };

export type Filter = Readonly<Record<string, FieldCondition>>;

/**
 * Documents keep the last applied log position in `position`, a decimal string; filters and sorts
 * on `position` compare it as a number. Any other field compares the way MongoDB does: numbers as
 * numbers, strings by code unit, and a range matches only values of its own type.
 */
export type FindOptions = {
  /** Fields to sort by, in order; 1 ascending, -1 descending. Ties (and no sort) go by `id` ascending. */
  sort?: ReadonlyArray<readonly [field: string, direction: 1 | -1]>;
  limit?: number;
};

/** A write the projector runtime computed for one document. */
export type DocumentWrite<D> =
  | { kind: 'upsert'; id: string; document: D; /** apply only if the stored document's position is below this */ ifPositionBelow: string }
  | { kind: 'delete'; id: string; ifPositionBelow: string };

/** What a document id holds as far as the projector is concerned: the document (none once deleted) and the last position applied to it. */
export type StoredState<D> = { document: D | undefined; position: string };

export interface ReadModelCollection<D extends { id: string }> {
  get(id: string): Promise<D | undefined>;
  getMany(ids: readonly string[]): Promise<Map<string, D>>;
  /**
   * For the projector's fold: every id that was ever written, with its last applied position –
   * deleted ones too (document undefined), so that events at or before a deletion are skipped
   * rather than applied to nothing. Ids never written are absent from the map.
   */
  getStates(ids: readonly string[]): Promise<Map<string, StoredState<D>>>;
  /** Matching documents, streamed in sort order (so an export need not hold them all). */
  find(filter: Filter, options?: FindOptions): AsyncIterable<D>;
  count(filter: Filter): Promise<number>;
  /** Applies the writes; each is skipped when the stored document is already at or past its position. */
  write(writes: ReadonlyArray<DocumentWrite<D>>): Promise<void>;
  /** Removes every document and tombstone (used when a rebuild starts over). */
  clear(): Promise<void>;
}

export type Checkpoint = { projection: string; position: string | undefined; updatedAt: string };

export interface ReadModelStore {
  collection<D extends { id: string }>(name: string): ReadModelCollection<D>;
  /** The position up to which a projection has processed the log. */
  checkpoint(projection: string): Promise<string | undefined>;
  /**
   * Saves the position. With a `fence` (the token of the lease its writer holds), refuses with
   * `StaleFenceError` once a checkpoint was saved or fenced with a higher token: an old lease
   * holder that wakes after losing its lease cannot move a checkpoint back.
   */
  saveCheckpoint(projection: string, position: string, fence?: number): Promise<void>;
  /** Marks the checkpoints with `fence`, the token of a new lease term, so that older terms can no longer save them. */
  fenceCheckpoints(names: readonly string[], fence: number): Promise<void>;
  /**
   * Rebuild support: a fresh collection under another physical name, and an atomic swap that
   * makes it the one `collection(name)` serves.
   */
  staging<D extends { id: string }>(name: string): Promise<ReadModelCollection<D> & { name: string }>;
  swap(name: string, staged: string): Promise<void>;
  /** Creates the indexes a collection's queries need (idempotent). */
  ensureIndexes(name: string, indexes: ReadonlyArray<ReadonlyArray<readonly [field: string, direction: 1 | -1]>>): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export class ReadModelStoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ReadModelStoreUnavailableError';
  }
}

/** A write carried the token of a lease term that a later term has replaced. */
export class StaleFenceError extends Error {
  constructor(
    readonly name_: string,
    readonly fence: number,
  ) {
    super(`the checkpoint ${name_} belongs to a later lease term than ${fence}: this process no longer holds the lease`);
    this.name = 'StaleFenceError';
  }
}
