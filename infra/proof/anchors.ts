/**
 * Anchors: signed statements "engagement E's history had head H, with these stream heads, at
 * position P" handed to witnesses outside the database (the Kafka topic) and kept here, apart from
 * the event log, so that verification can compare the log with the last one: a log rolled back to
 * an older copy, or cut short, no longer reaches what its last anchor saw.
 *
 * `dueForAnchoring` is the pure decision of what to anchor; `Anchoring` is the thin loop that feeds
 * it from the log, verifies, signs, publishes and keeps.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
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
  /** Keeps `anchor` as the engagement's latest. */
  keep(anchor: SignedAnchor): Promise<void>;
  close(): Promise<void>;
}

export class InMemoryAnchorStore implements AnchorStore {
  readonly #latest = new Map<string, SignedAnchor>();

  async latest(engagementId: string): Promise<SignedAnchor | undefined> {
    return this.#latest.get(engagementId);
  }

  async keep(anchor: SignedAnchor): Promise<void> {
    this.#latest.set(anchor.engagementId, anchor);
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
    this.#latest = this.#db.prepare<[string], { document: string }>('SELECT document FROM anchors WHERE engagement_id = ?');
    this.#keep = this.#db.prepare<[string, string, string]>(
      `INSERT INTO anchors (engagement_id, position, document) VALUES (?, ?, ?)
       ON CONFLICT (engagement_id) DO UPDATE SET position = excluded.position, document = excluded.document`,
    );
  }

  async latest(engagementId: string): Promise<SignedAnchor | undefined> {
    const row = this.#latest.get(engagementId);
    return row && (JSON.parse(row.document) as SignedAnchor);
  }

  async keep(anchor: SignedAnchor): Promise<void> {
    this.#keep.run(anchor.engagementId, anchor.position, JSON.stringify(anchor));
  }

  async close(): Promise<void> {
    this.#db.close();
  }
}

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
