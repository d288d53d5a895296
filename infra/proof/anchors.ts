/**
 * Anchors: signed statements "engagement E's history had head H, with these stream heads, at
 * position P" handed to witnesses outside the database (the Kafka topic) and kept here, apart from
 * the event log, so that verification can compare the log with the last one: a log rolled back to
 * an older copy, or cut short, no longer reaches what its last anchor saw.
 *
 * They are kept where every process that verifies reads them: in the read-model database on the
 * real stack (`MongoAnchorStore`), in `DATA_DIR/anchors.sqlite3` on the embedded default, whose
 * processes share DATA_DIR with the log. Whoever can edit that store cannot forge an anchor
 * without the signing key, only delete or roll anchors back (docs/threat-model.md): so a store
 * keeps an anchor only over an older one, and the witnesses outside hold the rest.
 *
 * `dueForAnchoring` is the pure decision of what to anchor; `AnchoringProcessor` feeds it from the
 * log consumer, verifies, signs, publishes and keeps.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from 'mongodb';
import { positionKey } from '../read-models/position-key.js';
import { ReadModelStoreUnavailableError } from '../read-models/port.js';
import type { AnchoredHead } from './verify.js';
import type { Signed } from './signing.js';

export const ANCHOR_VERSION = 1;

/** What an anchor states, before it is signed. */
export type Anchor = AnchoredHead & {
  anchorVersion: typeof ANCHOR_VERSION;
  kind: 'engagement-history-anchor';
  /** The log position up to which the engagement's history was read. */
  position: string;
  anchoredAt: string;
};

export type SignedAnchor = Signed<Anchor>;

/** Where the last anchors are kept for verification. */
export interface AnchorStore {
  /** The latest anchor of an engagement, if it was ever anchored. */
  latest(engagementId: string): Promise<SignedAnchor | undefined>;
  /** Keeps `anchor` as the engagement's latest, unless one at a later position is kept already. */
  keep(anchor: SignedAnchor): Promise<void>;
  close(): Promise<void>;
}

export class InMemoryAnchorStore implements AnchorStore {
  readonly #latest = new Map<string, SignedAnchor>();

  async latest(engagementId: string): Promise<SignedAnchor | undefined> {
    return this.#latest.get(engagementId);
  }

  async keep(anchor: SignedAnchor): Promise<void> {
    const kept = this.#latest.get(anchor.engagementId);
    if (kept === undefined || BigInt(kept.position) < BigInt(anchor.position)) this.#latest.set(anchor.engagementId, anchor);
  }

  async close(): Promise<void> {}
}

export const ANCHOR_STORE_FILE = 'anchors.sqlite3';

/**
 * The anchors in `dataDir/anchors.sqlite3`: a file of its own, so that restoring an older copy of
 * the event log does not bring back older anchors with it.
 */
export class SqliteAnchorStore implements AnchorStore {
  readonly #db: Database.Database;
  readonly #latest;
  readonly #keep;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.#db = new Database(join(dataDir, ANCHOR_STORE_FILE), { timeout: 5_000 });
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = FULL');
    this.#db.exec(`CREATE TABLE IF NOT EXISTS anchors (
      engagement_id TEXT PRIMARY KEY,
      position      TEXT NOT NULL,
      document      TEXT NOT NULL
    ) STRICT`);
    // Files written before positions were kept as order-preserving keys.
    const plain = this.#db.prepare<[], { engagement_id: string; position: string }>("SELECT engagement_id, position FROM anchors WHERE position NOT LIKE '%:%'").all();
    const rekey = this.#db.prepare<[string, string]>('UPDATE anchors SET position = ? WHERE engagement_id = ?');
    this.#db.transaction(() => plain.forEach((row) => rekey.run(positionKey(row.position), row.engagement_id)))();
    this.#latest = this.#db.prepare<[string], { document: string }>('SELECT document FROM anchors WHERE engagement_id = ?');
    // `position` holds the order-preserving key, so that a late keep from an older holder loses.
    this.#keep = this.#db.prepare<[string, string, string]>(
      `INSERT INTO anchors (engagement_id, position, document) VALUES (?, ?, ?)
       ON CONFLICT (engagement_id) DO UPDATE SET position = excluded.position, document = excluded.document
       WHERE excluded.position > anchors.position`,
    );
  }

  async latest(engagementId: string): Promise<SignedAnchor | undefined> {
    const row = this.#latest.get(engagementId);
    return row && (JSON.parse(row.document) as SignedAnchor);
  }

  async keep(anchor: SignedAnchor): Promise<void> {
    this.#keep.run(anchor.engagementId, positionKey(anchor.position), JSON.stringify(anchor));
  }

  async close(): Promise<void> {
    this.#db.close();
  }
}

/** The signed anchor as JSON text: kept as it was signed, and FerretDB stores no nested arrays (`streams`). */
type AnchorDocument = { _id: string; positionKey: string; anchor: string };

/**
 * The anchors in the read-model database (`anchors`), one document per engagement, so that every
 * api process verifies against the anchors whichever process made them. A keep replaces the
 * document only when its position key is higher: one conditional upsert, atomic on MongoDB and
 * FerretDB alike; against a later anchor it tries to insert the existing `_id` and is refused.
 */
export class MongoAnchorStore implements AnchorStore {
  constructor(readonly db: Db) {}

  async latest(engagementId: string): Promise<SignedAnchor | undefined> {
    try {
      const found = await this.#anchors().findOne({ _id: engagementId });
      return found === null ? undefined : (JSON.parse(found.anchor) as SignedAnchor);
    } catch (error) {
      throw unavailable(error, `reading the anchor of ${engagementId}`);
    }
  }

  async keep(anchor: SignedAnchor): Promise<void> {
    const key = positionKey(anchor.position);
    try {
      await this.#anchors().updateOne({ _id: anchor.engagementId, positionKey: { $lt: key } }, { $set: { positionKey: key, anchor: JSON.stringify(anchor) } }, { upsert: true });
    } catch (error) {
      if (isDuplicateKey(error)) return;
      throw unavailable(error, `keeping the anchor of ${anchor.engagementId}`);
    }
  }

  async close(): Promise<void> {}

  #anchors() {
    return this.db.collection<AnchorDocument>(ANCHORS_COLLECTION);
  }
}

export const ANCHORS_COLLECTION = 'anchors';

const isDuplicateKey = (error: unknown): boolean => typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;

const unavailable = (error: unknown, doing: string) =>
  new ReadModelStoreUnavailableError(`MongoDB failed while ${doing}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });

/**
 * Which engagements to anchor now: those with events after their last anchor's position, at most
 * `limit` of them, those waiting longest first.
 */
export const dueForAnchoring = (
  touched: ReadonlyMap<string, string>,
  anchoredAt: ReadonlyMap<string, string>,
  limit: number,
): string[] =>
  [...touched]
    .filter(([engagementId, position]) => {
      const anchored = anchoredAt.get(engagementId);
      return anchored === undefined || BigInt(position) > BigInt(anchored);
    })
    .sort(([, a], [, b]) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0))
    .slice(0, limit)
    .map(([engagementId]) => engagementId);
