/**
 * How far a processor is behind the log – one computation for every processor, so that the
 * projections' and the publisher's lag mean the same: the events of its types in the log after
 * its checkpoint (counted up to `limit`), and the age of the oldest of them by its `occurredAt`
 * (0 when none is waiting). Counting events rather than subtracting positions gives a count of
 * events on every store (EventStoreDB positions are offsets in its transaction file).
 *
 * Processors at the same checkpoint share one read of at most `limit` events (the projections
 * move together, so a scrape reads the log once for all of them, unfiltered: a sparse filter would
 * make EventStoreDB scan far past the limit); a processor alone at its checkpoint reads only its
 * own types. A result is kept for `cacheMs`, so that a metrics scrape and a readiness check read
 * the log once between them.
 */
import type { RecordedEvent } from '../../contracts/index.js';
import { comparePositions, type EventStore, type LogFilter } from '../event-store/port.js';

export type Lag = { events: number; seconds: number };

/** What the lag needs of an event; the events themselves are not kept. */
type Waiting = Pick<RecordedEvent, 'type' | 'position' | 'occurredAt'>;

/** Where a processor stands: its checkpoint and the event types it handles (undefined: all). */
export type Standing = { checkpoint: string | undefined; eventTypes?: readonly string[] | undefined };

export const DEFAULT_LAG_COUNT_LIMIT = 10_000;

export class LagProbe {
  readonly #eventStore: EventStore;
  readonly #limit: number;
  readonly #cacheMs: number;
  readonly #now: () => number;
  readonly #cache = new Map<string, { at: number; events: Promise<Waiting[]> }>();

  constructor(eventStore: EventStore, options: { limit?: number; cacheMs?: number; now?: () => number } = {}) {
    this.#eventStore = eventStore;
    this.#limit = options.limit ?? DEFAULT_LAG_COUNT_LIMIT;
    this.#cacheMs = options.cacheMs ?? 1_000;
    this.#now = options.now ?? Date.now;
  }

  /** The lag of each processor, in order; undefined for one whose lag cannot be read (the log is unreachable). */
  async measure(standings: readonly Standing[]): Promise<Array<Lag | undefined>> {
    const sharing = new Map<string, number>();
    for (const standing of standings) sharing.set(standing.checkpoint ?? '', (sharing.get(standing.checkpoint ?? '') ?? 0) + 1);
    return Promise.all(
      standings.map(async (standing) => {
        const alone = sharing.get(standing.checkpoint ?? '') === 1;
        const types = standing.eventTypes === undefined || standing.eventTypes.length === 0 ? undefined : new Set(standing.eventTypes);
        try {
          const events = await this.#waiting(standing.checkpoint, alone && types !== undefined ? [...types].sort() : undefined);
          return this.#lagOf(events, standing.checkpoint, types);
        } catch {
          return undefined;
        }
      }),
    );
  }

  #lagOf(events: readonly Waiting[], checkpoint: string | undefined, types: ReadonlySet<string> | undefined): Lag {
    let count = 0;
    let oldest: string | undefined;
    for (const event of events) {
      if (types !== undefined && !types.has(event.type)) continue;
      if (checkpoint !== undefined && comparePositions(event.position, checkpoint) <= 0) continue;
      oldest ??= event.occurredAt;
      count++;
    }
    return { events: count, seconds: oldest === undefined ? 0 : Math.max(0, (this.#now() - Date.parse(oldest)) / 1_000) };
  }

  /** Up to `limit` events after `after` (of `types` only, when given), read once per `cacheMs`. */
  #waiting(after: string | undefined, types: readonly string[] | undefined): Promise<Waiting[]> {
    const key = `${after ?? ''}|${types?.join(',') ?? '*'}`;
    const now = this.#now();
    const cached = this.#cache.get(key);
    if (cached !== undefined && now - cached.at < this.#cacheMs) return cached.events;
    const filter: LogFilter | undefined = types === undefined ? undefined : { eventTypes: types };
    const events = this.#read(after, filter);
    for (const [old, entry] of this.#cache) if (now - entry.at >= this.#cacheMs) this.#cache.delete(old);
    this.#cache.set(key, { at: now, events });
    events.catch(() => this.#cache.delete(key));
    return events;
  }

  async #read(after: string | undefined, filter: LogFilter | undefined): Promise<Waiting[]> {
    const events: Waiting[] = [];
    const start = after === undefined ? ('start' as const) : { after };
    for await (const { type, position, occurredAt } of this.#eventStore.readAll({ start, limit: this.#limit, ...(filter && { filter }) })) {
      events.push({ type, position, occurredAt });
    }
    return events;
  }
}
