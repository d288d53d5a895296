/** Prometheus metrics of one app instance (no global registry, so tests can build many apps). */
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export const createMetrics = () => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request latency by method, route and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    commands: new Counter({
      name: 'commands_total',
      help: 'Commands handled, by type and outcome (accepted, replayed, or the problem code)',
      labelNames: ['type', 'outcome'] as const,
      registers: [registry],
    }),
  };
};
export type Metrics = ReturnType<typeof createMetrics>;
