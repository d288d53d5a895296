/** The publisher's Prometheus metrics, registered on the registry the caller passes. */
import { Counter, Gauge, Registry } from 'prom-client';

export type ErrorStage = 'event-store' | 'broker' | 'checkpoint' | 'internal';

export type PublisherLag = { events: number; seconds: number };

export const createPublisherMetrics = (registry: Registry, lag: () => Promise<PublisherLag | undefined>) => {
  // Both gauges ask for the lag; the probe caches its answer briefly, so a scrape reads the log once.
  const lagEvents = new Gauge({
    name: 'publisher_lag_events',
    help: 'Events in the log that are to be published but not yet acknowledged by Kafka (counted up to a limit)',
    registers: [registry],
    async collect() {
      const current = await lag();
      if (current) this.set(current.events);
    },
  });
  const lagSeconds = new Gauge({
    name: 'publisher_lag_seconds',
    help: 'Age of the oldest event not yet acknowledged by Kafka, 0 when none is waiting',
    registers: [registry],
    async collect() {
      const current = await lag();
      if (current) this.set(current.seconds);
    },
  });
  return {
    lagEvents,
    lagSeconds,
    published: new Counter({
      name: 'publisher_published_total',
      help: 'Integration events acknowledged by Kafka (redeliveries after a restart count again)',
      registers: [registry],
    }),
    errors: new Counter({
      name: 'publisher_errors_total',
      help: 'Failed publishing attempts, by where they failed; each is retried with backoff',
      labelNames: ['stage'] as const,
      registers: [registry],
    }),
  };
};
export type PublisherMetrics = ReturnType<typeof createPublisherMetrics>;
