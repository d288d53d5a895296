/**
 * Leases in MongoDB, in the read-model database (`consumer_leases`): one document per group with
 * its holder, its term's token and its expiry. Taking and renewing are single-document updates
 * whose filter holds only while the lease is free, expired or the caller's – atomic on MongoDB and
 * on FerretDB alike, without transactions. An upsert against a lease someone else holds tries to
 * insert the existing `_id` and is refused: that refusal is the answer "taken".
 */
import { MongoServerError, type Db } from 'mongodb';
import { ReadModelStoreUnavailableError } from '../read-models/port.js';
import type { LeaseTerm, Leases } from './lease.js';

const COLLECTION = 'consumer_leases';
const DUPLICATE_KEY = 11000;

type LeaseDocument = { _id: string; holder: string; token: number; expiresAt: number };

export class MongoLeases implements Leases {
  constructor(
    readonly db: Db,
    readonly now: () => number = Date.now,
  ) {}

  async acquire(group: string, holder: string, ttlMs: number): Promise<LeaseTerm | undefined> {
    const now = this.now();
    try {
      const taken = await this.#leases().findOneAndUpdate(
        { _id: group, $or: [{ expiresAt: { $lte: now } }, { holder }] },
        { $set: { holder, expiresAt: now + ttlMs }, $inc: { token: 1 } },
        { upsert: true, returnDocument: 'after' },
      );
      return taken === null ? undefined : { group, holder, token: taken.token, expiresAt: now + ttlMs };
    } catch (error) {
      if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) return undefined;
      throw unavailable(error, `taking the lease of ${group}`);
    }
  }

  async renew(term: LeaseTerm, ttlMs: number): Promise<LeaseTerm | undefined> {
    const now = this.now();
    try {
      const renewed = await this.#leases().updateOne(
        { _id: term.group, holder: term.holder, token: term.token, expiresAt: { $gt: now } },
        { $set: { expiresAt: now + ttlMs } },
      );
      return renewed.matchedCount === 1 ? { ...term, expiresAt: now + ttlMs } : undefined;
    } catch (error) {
      throw unavailable(error, `renewing the lease of ${term.group}`);
    }
  }

  async release(term: LeaseTerm): Promise<void> {
    try {
      await this.#leases().updateOne({ _id: term.group, holder: term.holder, token: term.token }, { $set: { expiresAt: 0 } });
    } catch (error) {
      throw unavailable(error, `releasing the lease of ${term.group}`);
    }
  }

  #leases() {
    return this.db.collection<LeaseDocument>(COLLECTION);
  }
}

const unavailable = (error: unknown, doing: string) =>
  new ReadModelStoreUnavailableError(`MongoDB failed while ${doing}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
