/**
 * How far a processor is behind the log – one computation for every processor, so that the
 * projections' and the publisher's lag mean the same: the events of its types in the log after
 * its checkpoint (counted up to `limit`), and the age of the oldest of them by its `occurredAt`
 * (0 when none is waiting). Counting events rather than subtracting positions gives a count of
 * events on every store (EventStoreDB positions are offsets in its transaction file).
 *
 * Processors at the same checkpoint with the same types share one read; a result is kept for
 * `cacheMs` so that a metrics scrape and a readiness check read the log once between them.
 */
import type { EventStore, LogFilter } from '../event-store/port.js';

export type Lag = { events: number; seconds: number };

/** Where a processor stands: its checkpoint and the event types it handles (undefined: all). */
export type Standing = { checkpoint: string | undefined; eventTypes?: readonly string[] | undefined };

export const DEFAULT_LAG_COUNT_LIMIT = 10_000;

export class LagProbe {
  readonly #eventStore: EventStore;
  readonly #limit: number;
  readonly #cacheMs: number;
  readonly #now: () => number;
  readonly #cache = new Map<string, { at: number; lag: Promise<Lag> }>();

  constructor(eventStore: EventStore, options: { limit?: number; cacheMs?: number; now?: () => number } = {}) {
    this.#eventStore = eventStore;
    this.#limit = options.limit ?? DEFAULT_LAG_COUNT_LIMIT;
    this.#cacheMs = options.cacheMs ?? 1_000;
    this.#now = options.now ?? Date.now;
  }

  /** The lag of each processor, in order; undefined for one whose lag cannot be read (the log is unreachable). */
  async measure(standings: readonly Standing[]): Promise<Array<Lag | undefined>> {
    return Promise.all(standings.map((standing) => this.#lagOf(standing).catch(() => undefined)));
  }

  #lagOf(standing: Standing): Promise<Lag> {
    const types = standing.eventTypes === undefined || standing.eventTypes.length === 0 ? undefined : [...standing.eventTypes].sort();
    const key = `${standing.checkpoint ?? ''}|${types?.join(',') ?? '*'}`;
    const now = this.#now();
    const cached = this.#cache.get(key);
    if (cached !== undefined && now - cached.at < this.#cacheMs) return cached.lag;
    const lag = this.#count(standing.checkpoint, types === undefined ? undefined : { eventTypes: types });
    for (const [old, entry] of this.#cache) if (now - entry.at >= this.#cacheMs) this.#cache.delete(old);
    this.#cache.set(key, { at: now, lag });
    lag.catch(() => this.#cache.delete(key));
    return lag;
  }

  async #count(after: string | undefined, filter: LogFilter | undefined): Promise<Lag> {
    let events = 0;
    let oldest: string | undefined;
    const start = after === undefined ? ('start' as const) : { after };
    for await (const event of this.#eventStore.readAll({ start, limit: this.#limit, ...(filter && { filter }) })) {
      oldest ??= event.occurredAt;
      events++;
    }
    return { events, seconds: oldest === undefined ? 0 : Math.max(0, (this.#now() - Date.parse(oldest)) / 1_000) };
  }
}
