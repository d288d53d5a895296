/**
 * The write side of the HTTP contract: one route per command, derived from the command specs
 * (services/commands/specs/). The shared handler authenticates, checks the role, honours If-Match
 * and Idempotency-Key, runs the command and answers `{ id, version, position, … }` with ETag (and
 * Location for created resources).
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { type Actor, UserId, DOMAIN_ERRORS } from '../../contracts/index.js';
import type { CommandBus } from '../commands/command-bus.js';
import { idSource, type IdSource } from '../commands/ids.js';
import type { KeyedQueue } from '../commands/keyed-queue.js';
import type { AggregateSpec, CommandData, CommandSpec, CommandType } from '../commands/spec.js';
import { BASELINE, ENGAGEMENT, INTERVIEW, REQUIREMENT } from '../commands/specs/index.js';
import type { IdempotencyStore } from '../../infra/idempotency/store.js';
import { accessNote, requireAccess } from './auth.js';
import type { Metrics } from './metrics.js';
import { fail, PROBLEM_TYPES } from './problem.js';
import { commandAnswer, CorrelationId, IdempotencyKey, IdParams, IfMatch, ProblemSchema } from './schemas.js';

/** A command's route as the tests and the documentation list it. */
export type CommandRouteRow = { type: CommandType; url: string; body: z.ZodType };

const routesOf = <K extends CommandType>(spec: AggregateSpec<K>): CommandRouteRow[] =>
  spec.types.flatMap((type) => spec.commands[type].http?.((route) => [{ type, url: route.url, body: route.body }]) ?? []);

/** Every command route (a confirmation link's commands have routes of their own: plugins/confirmations.ts). */
export const COMMAND_ROUTES: CommandRouteRow[] = [...routesOf(ENGAGEMENT), ...routesOf(INTERVIEW), ...routesOf(REQUIREMENT), ...routesOf(BASELINE)];

const CommandHeaders = z.looseObject({
  'if-match': IfMatch.optional(),
  'idempotency-key': IdempotencyKey.optional(),
  'x-correlation-id': CorrelationId.optional(),
});

const expectedVersionOf = (ifMatch: string | undefined) => {
  const match = ifMatch?.match(/"(\d+)"/);
  return match ? Number(match[1]) : undefined;
};

const canonicalJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );

/** What a command's own rules answer beyond what its declaration implies (problem-responses.ts): the domain's refusals. */
const errorResponses = Object.fromEntries(
  [...new Set(Object.values(DOMAIN_ERRORS).map((p) => p.status)), PROBLEM_TYPES['concurrent-modification'].status].map((status) => [status, ProblemSchema]),
);

/** The schema of a route's path parameters: user ids for `:userId`, ids for every other one. */
const paramsOf = (url: string) => {
  const names = [...url.matchAll(/:(\w+)/g)].map((match) => match[1]!);
  if (names.length === 0) return undefined;
  return z.strictObject(Object.fromEntries(names.map((name) => [name, name === 'userId' ? UserId : IdParams.shape.id])));
};

export type CommandRouteDeps = {
  bus: CommandBus;
  idempotency: IdempotencyStore;
  metrics: Metrics;
  clock: () => Date;
  idSecret: string;
  /** Requests of one user with one Idempotency-Key run one after the other, whichever route they call. */
  sameKey: KeyedQueue;
};

/** The routes of the commands of one aggregate. */
export const registerCommandRoutes = <K extends CommandType>(app: FastifyInstance, deps: CommandRouteDeps, spec: AggregateSpec<K>) => {
  for (const type of spec.types) registerCommandRoute(app, deps, type, spec.commands[type]);
};

const registerCommandRoute = <T extends CommandType>(app: FastifyInstance, deps: CommandRouteDeps, type: T, spec: CommandSpec<T>) => {
  const { access } = spec;
  if (!spec.http) return;
  if (access === 'link-holder') throw new Error(`${type} is sent with a confirmation link, on the routes of plugins/confirmations.ts`);
  const answer = commandAnswer(spec.answer);
  const success = spec.location ? { 201: answer, ...(spec.created ? { 200: answer } : {}) } : { 200: answer };
  spec.http((route) => {
    const params = paramsOf(route.url);
    // The body's type is its schema's output: the zod validator compiler checks every request against it.
    app.route<{ Body: z.output<typeof route.body>; Headers: z.output<typeof CommandHeaders>; Params: Record<string, string> }>({
      method: 'POST',
      url: route.url,
      schema: {
        tags: [spec.of.resource],
        summary: route.summary,
        description: accessNote(access),
        operationId: type,
        security: [{ bearerAuth: [] }],
        ...(params ? { params } : {}),
        headers: CommandHeaders,
        body: route.body.meta({ examples: [route.example] }),
        response: { ...success, ...errorResponses },
      },
      // Roles are checked before the body is validated: a user who may not send this command
      // learns that first, whatever the body. Membership is judged when the command is decided.
      onRequest: [app.authenticate, requireAccess(access)],
      handler: async (request, reply) => {
        const values = request.params;
        const key = request.headers['idempotency-key'];
        const received: Received = { key, ifMatch: request.headers['if-match'], request: () => `${request.method} ${request.url.split('?')[0]}\n${canonicalJson(request.body)}`, correlationId: request.id };
        const run = () =>
          handle(deps, type, request.user, received, reply, (ids) => route.toData(values['id'] ?? '', request.body, ids, values, { authenticatedAt: request.authenticatedAt }));
        if (key === undefined) return run();
        return deps.sameKey.run(`${request.user.id}\n${key}`, run);
      },
    });
  });
};

/** What the handler reads of a request besides its body. */
type Received = { key: string | undefined; ifMatch: string | undefined; request: () => string; correlationId: string };

/** The label of a failed command in the metrics: its problem code, else the kind of error. */
const failureOf = (error: unknown): string =>
  typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : error instanceof Error ? error.name : 'unknown';

const handle = async <T extends CommandType>(
  deps: CommandRouteDeps,
  type: T,
  actor: Actor,
  received: Received,
  reply: FastifyReply,
  dataOf: (ids: IdSource) => CommandData<T>,
) => {
  const { key } = received;
  const now = deps.clock();
  const fingerprint = key ? createHash('sha256').update(received.request()).digest('hex') : '';
  if (key) {
    const earlier = deps.idempotency.get(actor.id, key, now.getTime());
    if (earlier) {
      if (earlier.fingerprint !== fingerprint) {
        deps.metrics.commands.inc({ type, outcome: 'idempotency-key-reused' });
        return fail('idempotency-key-reused', `Idempotency-Key ${key} was used with another request`);
      }
      deps.metrics.commands.inc({ type, outcome: 'replayed' });
      return reply.code(earlier.status).headers({ ...earlier.headers, 'idempotent-replayed': 'true' }).send(earlier.body);
    }
  }
  const ids = idSource(key ? { userId: actor.id, key, firstUsedAt: await deps.idempotency.firstUse(actor.id, key, now.getTime()) } : undefined, deps.idSecret);
  const expectedVersion = expectedVersionOf(received.ifMatch);
  try {
    const outcome = await deps.bus.execute(type, dataOf(ids), {
      actor,
      now: now.toISOString(),
      correlationId: received.correlationId,
      causationId: ids.resource('command'),
      ids,
      ...(expectedVersion === undefined ? {} : { expectedVersion }),
    });
    const status = outcome.created ? 201 : 200;
    const headers: Record<string, string> = { etag: `"${outcome.version}"` };
    if (outcome.location) headers['location'] = outcome.location;
    const body = { id: outcome.id, version: outcome.version, position: outcome.position, ...outcome.answer };
    if (key) deps.idempotency.put({ userId: actor.id, key, fingerprint, status, headers, body, storedAt: now.getTime() });
    deps.metrics.commands.inc({ type, outcome: outcome.replayed ? 'replayed' : 'accepted' });
    return reply.code(status).headers(headers).send(body);
  } catch (error) {
    deps.metrics.commands.inc({ type, outcome: failureOf(error) });
    throw error;
  }
};
