/**
 * Leases: a processor group (the projections, the Kafka publisher) runs active in one process at
 * a time. A process takes the lease of a group when it is free or has expired, renews it while it
 * runs, and gives it up when it stops; a standby that finds it expired takes it over. Each term of
 * a lease has a fencing token higher than every earlier term's, and what the holder writes
 * carries it (the checkpoints) or is checked against its term first (the read models, Kafka), so
 * that an old holder that was paused past its term writes nothing once it wakes.
 *
 * Expiry is measured on each process's own clock from the moment it asked for the lease, so a
 * holder believes its term ends no later than the store does, as long as the clocks of the
 * processes agree to well within the lease's time to live.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';

export type LeaseTerm = {
  group: string;
  holder: string;
  /** Higher than the token of every earlier term of this group's lease. */
  token: number;
  /** Local time (ms) at which the term ends unless renewed. */
  expiresAt: number;
};

export interface Leases {
  /** A new term when the lease is free, expired or already this holder's; undefined while another holder has it. */
  acquire(group: string, holder: string, ttlMs: number): Promise<LeaseTerm | undefined>;
  /** The term extended; undefined when it was lost (another holder took over after it expired). */
  renew(term: LeaseTerm, ttlMs: number): Promise<LeaseTerm | undefined>;
  /** Ends the term at once, so that a standby takes over without waiting for the expiry. */
  release(term: LeaseTerm): Promise<void>;
}

export type LeaseTiming = {
  /** How long a term lasts without renewal: the longest a dead holder keeps the group stopped. */
  ttlMs: number;
  /** How often the holder renews; a few renewals fit in one term, so one slow answer loses nothing. */
  renewEveryMs: number;
  /** How often a standby asks for the lease. */
  acquireEveryMs: number;
};

/** A standby takes over within `ttlMs + acquireEveryMs` of the holder's death: 12 s. */
export const DEFAULT_LEASE_TIMING: LeaseTiming = { ttlMs: 10_000, renewEveryMs: 3_000, acquireEveryMs: 2_000 };

/** Names this process as a lease holder; unique per start, so a restarted process starts a new term. */
export const holderName = (): string => `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

/** This process no longer holds the lease its work was started under. */
export class LeaseLostError extends Error {
  constructor(group: string, token: number) {
    super(`the lease of ${group} (term ${token}) has ended; another process may hold it`);
    this.name = 'LeaseLostError';
  }
}

/** What the holder's writes carry: the current term's token, and a check that the term has not ended. */
export interface Fence {
  readonly token: number;
  /** Throws `LeaseLostError` once the term has ended by this process's clock. */
  check(): void;
}

/** For tests and single-process use: one store in memory, the same rules. */
export class InMemoryLeases implements Leases {
  readonly #leases = new Map<string, { holder: string; token: number; expiresAt: number }>();

  constructor(readonly now: () => number = Date.now) {}

  async acquire(group: string, holder: string, ttlMs: number): Promise<LeaseTerm | undefined> {
    const now = this.now();
    const current = this.#leases.get(group);
    if (current !== undefined && current.holder !== holder && current.expiresAt > now) return undefined;
    const term = { group, holder, token: (current?.token ?? 0) + 1, expiresAt: now + ttlMs };
    this.#leases.set(group, { holder, token: term.token, expiresAt: term.expiresAt });
    return term;
  }

  async renew(term: LeaseTerm, ttlMs: number): Promise<LeaseTerm | undefined> {
    const now = this.now();
    const current = this.#leases.get(term.group);
    if (current === undefined || current.holder !== term.holder || current.token !== term.token || current.expiresAt <= now) return undefined;
    current.expiresAt = now + ttlMs;
    return { ...term, expiresAt: current.expiresAt };
  }

  async release(term: LeaseTerm): Promise<void> {
    const current = this.#leases.get(term.group);
    if (current !== undefined && current.holder === term.holder && current.token === term.token) current.expiresAt = 0;
  }
}
