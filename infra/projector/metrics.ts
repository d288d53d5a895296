/**
 * The runtime's Prometheus metrics, labelled by projection, on the registry the caller passes
 * (none: not registered anywhere). Lag is computed when scraped (`infra/consumer/lag.ts`); both
 * lag gauges share one reading.
 */
import { Counter, Gauge, type Registry } from 'prom-client';

export type Lag = { projection: string; events: number | undefined; seconds: number | undefined };

export class ProjectorMetrics {
  readonly #applied: Counter<'projection'>;
  readonly #failed: Gauge<'projection'>;

  constructor(projections: readonly string[], registry: Registry | undefined, lag: () => Promise<readonly Lag[]>) {
    const registers = registry === undefined ? [] : [registry];
    const labelNames = ['projection'] as const;
    new Gauge({
      name: 'projection_lag_events',
      help: 'Events of the projection\'s types in the log after its checkpoint (counted up to a limit)',
      labelNames,
      registers,
      async collect() {
        for (const { projection, events } of await lag()) {
          if (events === undefined) this.remove({ projection });
          else this.set({ projection }, events);
        }
      },
    });
    new Gauge({
      name: 'projection_lag_seconds',
      help: 'Age of the oldest event the projection has not applied yet; 0 when it is at the head',
      labelNames,
      registers,
      async collect() {
        for (const { projection, seconds } of await lag()) {
          if (seconds === undefined) this.remove({ projection });
          else this.set({ projection }, seconds);
        }
      },
    });
    this.#applied = new Counter({
      name: 'projection_events_applied_total',
      help: 'Events that changed at least one document of the projection',
      labelNames,
      registers,
    });
    this.#failed = new Gauge({
      name: 'projection_failed',
      help: '1 when the projection has stopped on an event it could not apply',
      labelNames,
      registers,
    });
    for (const projection of projections) {
      this.#applied.inc({ projection }, 0);
      this.#failed.set({ projection }, 0);
    }
  }

  applied(projection: string, events: number): void {
    if (events > 0) this.#applied.inc({ projection }, events);
  }

  failed(projection: string, failed: boolean): void {
    this.#failed.set({ projection }, failed ? 1 : 0);
  }
}
