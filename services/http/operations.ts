/** Health, metrics and the OpenAPI document: the routes that need no token. */
import type { FastifyInstance } from 'fastify';
import type { Metrics } from './metrics.js';

export type ReadinessCheck = {
  name: string;
  /** Resolves (optionally with details such as lag) when healthy, rejects when not. */
  check: () => Promise<unknown>;
};

const CHECK_TIMEOUT_MS = 2_000;

const withTimeout = <T>(promise: Promise<T>) =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS).unref()),
  ]);

export const registerOperations = (app: FastifyInstance, deps: { metrics: Metrics; checks: ReadinessCheck[] }) => {
  const hidden = { schema: { tags: ['operations'] } };
  app.get('/health/live', hidden, async () => ({ status: 'live' }));
  app.get('/health/ready', hidden, async (_request, reply) => {
    const results = await Promise.all(
      deps.checks.map(async ({ name, check }) => {
        try {
          const details = await withTimeout(check());
          return [name, { status: 'up', ...(details && typeof details === 'object' ? details : {}) }] as const;
        } catch (error) {
          return [name, { status: 'down', error: (error as Error).message }] as const;
        }
      }),
    );
    const ready = results.every(([, r]) => r.status === 'up');
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not-ready', checks: Object.fromEntries(results) });
  });
  app.get('/metrics', hidden, async (_request, reply) =>
    reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics()),
  );
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
};
