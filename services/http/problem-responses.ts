/**
 * The OpenAPI side of the problem mapping, in one place: every documented route answers its
 * failures as `application/problem+json` with the problem schema. A route lists the statuses its
 * own rules answer (404, 409, 410, 429 …); the statuses that follow from how the route is declared
 * are added here, so a route cannot forget them:
 * - any input schema: 400; a body: 413 and 415; path parameters: 414 (a segment beyond the limit);
 * - a bearer token: 401 and 403;
 * - `If-Match`: 412; `Idempotency-Key`: 422 (reused with another request);
 * - `X-Min-Position`: 409 (beyond the log's head) and 503 (the read models did not reach it in time);
 * - every route but health and metrics reads or writes a store: 503; anything may fail: 500;
 * - any request whose request line and headers (a long query string counts) exceed what the
 *   server reads: 431.
 */
import { STATUS_CODES } from 'node:http';
import type { FastifyInstance, RouteOptions } from 'fastify';
import type { z } from 'zod';
import { PROBLEM_CONTENT_TYPE } from './problem.js';
import { ProblemSchema } from './schemas.js';

type Schema = {
  hide?: boolean;
  tags?: string[];
  security?: unknown[];
  params?: unknown;
  querystring?: unknown;
  body?: unknown;
  headers?: z.ZodObject;
  response?: Record<string, unknown>;
};

const headerNames = (schema: Schema) => new Set(Object.keys(schema.headers?.shape ?? {}));

/** The statuses a route answers because of how it is declared (see above). */
export const declaredFailures = (method: string, schema: Schema): number[] => {
  const statuses = new Set<number>([431, 500]);
  const headers = headerNames(schema);
  if (schema.params || schema.querystring || schema.body || headers.size > 0) statuses.add(400);
  if (schema.body || method === 'POST') [400, 413, 415].forEach((s) => statuses.add(s));
  if (schema.params) statuses.add(414);
  if ((schema.security ?? []).length > 0) [401, 403].forEach((s) => statuses.add(s));
  if (headers.has('if-match')) statuses.add(412);
  if (headers.has('idempotency-key')) statuses.add(422);
  if (headers.has('x-min-position')) [409, 503].forEach((s) => statuses.add(s));
  if (!schema.tags?.includes('operations')) statuses.add(503);
  return [...statuses];
};

const problemResponse = (status: number) => ({
  description: `${STATUS_CODES[status] ?? 'Error'}: a problem whose \`code\` says which`,
  content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } },
});

/** Registers the hook; call it before any route is added. */
export const documentProblems = (app: FastifyInstance) => {
  app.addHook('onRoute', (route: RouteOptions) => {
    const schema = route.schema as Schema | undefined;
    if (!schema || schema.hide) return;
    const method = Array.isArray(route.method) ? route.method[0]! : route.method;
    const response = { ...schema.response };
    // A failure status listed with the problem schema becomes a problem response; one with a schema
    // of its own (the readiness answer's 503) stays as the route declares it.
    const listed = Object.keys(response).filter((status) => Number(status) >= 400 && response[status] === ProblemSchema).map(Number);
    for (const status of listed) delete response[status];
    const failures = [...new Set([...listed, ...declaredFailures(method, schema)])].sort((a, b) => a - b);
    schema.response = { ...response, ...Object.fromEntries(failures.map((status) => [status, problemResponse(status)])) };
  });
};
