/** Health and metrics: the routes every process serves, without a token. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Metrics } from '../metrics.js';

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
/*
 * The checks' details, every one a process can give: each check gives some of them. States are
 * strings rather than enums so that a state added to a consumer never turns readiness into a 500.
 */
const Lag = {
  checkpoint: z.string().optional().describe('The saved checkpoint: the log position up to which every event was handled'),
  lagEvents: z.number().int().min(0).optional().describe('Events in the log after the checkpoint (counted up to a limit); absent when the log cannot be read'),
  lagSeconds: z.number().min(0).optional().describe('Age of the oldest of them; 0 when none is waiting'),
};
const ProjectionHealth = z
  .object({
    name: z.string(),
    state: z.string().describe('catching-up, live, failed or stopped'),
    ...Lag,
    lastError: z
      .object({ message: z.string(), eventId: z.string().optional(), eventType: z.string().optional(), position: z.string().optional(), at: z.string() })
      .optional()
      .describe('The event it stopped on, when it failed'),
    rebuilding: z.boolean(),
    retrying: z
      .object({ since: z.string(), attempts: z.number().int().min(1), lastError: z.string() })
      .optional()
      .describe('Failures retried since the checkpoint last advanced'),
  })
  .describe('A projection of the projector');
const Check = z
  .object({
    status: z.enum(['up', 'down']),
    error: z.string().optional().describe('Why the check failed or did not answer in time'),
    reasons: z.array(z.string()).optional().describe('Why the read models are not ready (projector, readModels)'),
    lease: z.string().optional().describe('active, standby or stopped: the process\'s part in its group of standbys'),
    holder: z.string().optional().describe('This process\'s name in the group, on a standby'),
    projections: z.array(ProjectionHealth).optional().describe('projector: each projection'),
    head: z.string().nullable().optional().describe('readModels: the log\'s head position; null on an empty log'),
    checkpoints: z
      .record(z.string(), z.string().nullable())
      .optional()
      .describe('readModels: each projection\'s checkpoint by its name; null before its first'),
    state: z.string().optional().describe('publisher: stopped, starting, catching-up, live, retrying or stopping; anchoring: its state'),
    caughtUp: z.boolean().optional().describe('catchUp: whether the in-memory read models have reached the log as it was at the start'),
    headAtStart: z.string().optional().describe("catchUp: the log's head when the process started"),
    ...Lag,
    published: z.number().int().min(0).optional().describe('publisher: events Kafka acknowledged since the start'),
    lastError: z
      .object({ stage: z.string(), message: z.string(), at: z.string() })
      .optional()
      .describe('publisher: the last failure and where it happened (event-store, broker, checkpoint, internal)'),
  })
  .describe('A check and its details; which details depends on the check');
const Readiness = z
  .object({
    status: z.enum(['ready', 'not-ready']),
    checks: z.record(z.string(), Check).describe('Each check by its name (eventStore, readModelStore, projector, readModels, catchUp, publisher, anchoring)'),
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
