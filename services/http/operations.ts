/** Health and metrics: the routes every process serves, without a token. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Metrics } from './metrics.js';

export type ReadinessCheck = {
  name: string;
  /**
   * Resolves with details (such as lag); `up: false` among them, or a rejection, means not ready.
   */
  check: () => Promise<unknown>;
};

const CHECK_TIMEOUT_MS = 2_000;

const MetricsText = {
  description: 'The Prometheus text exposition format',
  content: { 'text/plain': { schema: z.string() } },
};
const Live = z.object({ status: z.literal('live') });
const Readiness = z
  .object({
    status: z.enum(['ready', 'not-ready']),
    checks: z.record(z.string(), z.looseObject({ status: z.enum(['up', 'down']), error: z.string().optional() })),
  })
  .describe('Each check with its details (such as lag); 503 when one is down');

const withTimeout = <T>(promise: Promise<T>) =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS).unref()),
  ]);

export const registerOperations = (app: FastifyInstance, deps: { metrics: Metrics; checks: ReadinessCheck[] }) => {
  const tags = ['operations'];
  app.get('/health/live', { schema: { operationId: 'GetLiveness', tags, response: { 200: Live } } }, async () => ({ status: 'live' as const }));
  app.get('/health/ready', { schema: { operationId: 'GetReadiness', tags, response: { 200: Readiness, 503: Readiness } } }, async (_request, reply) => {
    const results = await Promise.all(
      deps.checks.map(async ({ name, check }) => {
        try {
          const details = await withTimeout(check());
          const { up = true, ...rest } = (details && typeof details === 'object' ? details : {}) as { up?: boolean };
          return [name, { status: up ? 'up' : 'down', ...rest }] as const;
        } catch (error) {
          return [name, { status: 'down', error: (error as Error).message }] as const;
        }
      }),
    );
    const ready = results.every(([, r]) => r.status === 'up');
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not-ready', checks: Object.fromEntries(results) });
  });
  app.get('/metrics', { schema: { operationId: 'GetMetrics', tags, response: { 200: MetricsText } } }, async (_request, reply) =>
    reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics()),
  );
};
