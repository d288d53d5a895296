/**
 * Whether the read models can be trusted to answer, from successive looks at the projections.
 *
 * Not ready when a projection has stopped on an event, or when it is behind the head of the log
 * and its checkpoint has not moved for `stalledAfterMs`: a store that stays down, a log it cannot
 * read past, or a projection too slow to keep up. Queries would otherwise answer stale data, or
 * 404 for what exists. A projection that keeps moving is ready however far behind it is (a
 * catch-up makes progress); one at the head is ready however long nothing happens.
 */
import type { ProjectionStatus } from './projector.js';

export const DEFAULT_STALLED_AFTER_MS = 30_000;

export type ProjectionHealth = Pick<ProjectionStatus, 'name' | 'checkpoint' | 'lagEvents'> &
  Partial<Pick<ProjectionStatus, 'state' | 'lastError' | 'retrying'>>;

export type Readiness = { up: boolean; reasons: string[] };

export class StallWatch {
  readonly #stalledAfterMs: number;
  readonly #now: () => number;
  /** Per projection: the checkpoint it was first seen behind at, and when. */
  readonly #behind = new Map<string, { checkpoint: string | undefined; since: number }>();

  constructor(options: { stalledAfterMs?: number; now?: () => number } = {}) {
    this.#stalledAfterMs = options.stalledAfterMs ?? DEFAULT_STALLED_AFTER_MS;
    this.#now = options.now ?? Date.now;
  }

  assess(projections: readonly ProjectionHealth[]): Readiness {
    const now = this.#now();
    const reasons: string[] = [];
    for (const p of projections) {
      if (p.state === 'failed') {
        const at = p.lastError?.eventId === undefined ? '' : ` at event ${p.lastError.eventId} (${p.lastError.eventType})`;
        reasons.push(`${p.name} has stopped${at}: ${p.lastError?.message ?? 'unknown error'}`);
        continue;
      }
      if (p.state === 'stopped') {
        reasons.push(`${p.name} is not running`);
        continue;
      }
      if (p.lagEvents === undefined || p.lagEvents <= 0) {
        this.#behind.delete(p.name);
        continue;
      }
      const seen = this.#behind.get(p.name);
      if (seen === undefined || seen.checkpoint !== p.checkpoint) {
        this.#behind.set(p.name, { checkpoint: p.checkpoint, since: now });
        continue;
      }
      const stalledMs = now - seen.since;
      if (stalledMs >= this.#stalledAfterMs) {
        const retrying = p.retrying ? `; ${p.retrying.attempts} failed attempts since ${p.retrying.since}, last: ${p.retrying.lastError}` : '';
        reasons.push(`${p.name} is ${p.lagEvents} events behind the log and has not advanced for ${Math.round(stalledMs / 1000)} s${retrying}`);
      }
    }
    return { up: reasons.length === 0, reasons };
  }
}
