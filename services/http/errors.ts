/**
 * Maps every failure to a problem+json answer: domain rules, concurrency, validation, transport
 * errors fastify raises (malformed JSON, media type, body size), outages, and the unexpected.
 */
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { DomainError, FRESH_SIGN_IN_MS } from '../../domain/index.js';
import { EventStoreUnavailableError } from '../../infra/event-store/port.js';
import { ReadModelStoreUnavailableError } from '../../infra/read-models/port.js';
import { ContentionError, VersionMismatchError } from '../commands/command-bus.js';
import { API_ERRORS, problem, PROBLEM_CONTENT_TYPE, ProblemError, type Problem, type ProblemCode } from './problem.js';
import type { WebPage } from './plugins/web-app.js';

type ValidationIssue = { instancePath?: string; message?: string; keyword?: string; params?: Record<string, unknown> };

const validationErrors = (context: string | undefined, issues: ValidationIssue[]) =>
  issues.flatMap((issue) => {
    const path = issue.instancePath && issue.instancePath !== '/' ? issue.instancePath : '';
    const keys = issue.keyword === 'unrecognized_keys' ? (issue.params?.['keys'] as string[] | undefined) : undefined;
    if (keys) return keys.map((key) => ({ in: context ?? 'body', path: `${path}/${key}`, message: 'unknown field' }));
    return [{ in: context ?? 'body', path: path || '/', message: issue.message ?? 'invalid' }];
  });

const byStatus = (status: number | undefined): ProblemCode | undefined =>
  status === 400 ? 'validation-failed' : (Object.entries(API_ERRORS).find(([, p]) => p.status === status)?.[0] as ProblemCode | undefined);

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** The methods the request's path is served with; none when no route has the path. */
const allowedMethods = (app: FastifyInstance, request: FastifyRequest) => {
  const url = request.url.split('?')[0] ?? '/';
  return METHODS.filter((method) => app.findRoute({ method, url }) !== null);
};

const methodNotAllowed = (app: FastifyInstance, request: FastifyRequest) => {
  const allowed = allowedMethods(app, request);
  if (allowed.length === 0) return undefined;
  return new ProblemError(problem('method-not-allowed', `${request.url.split('?')[0]} answers ${allowed.join(', ')}, not ${request.method}`), {
    allow: allowed.join(', '),
  });
};

const noRoute = (request: FastifyRequest) => new ProblemError(problem('not-found', `no route ${request.method} ${request.url.split('?')[0]}`));

export const toProblem = (error: unknown, request: FastifyRequest): { problem: Problem; headers?: Record<string, string> } => {
  if (error instanceof ProblemError) return { problem: error.problem, headers: error.headers };
  if (error instanceof DomainError) {
    const answer = { problem: problem(error.code, error.message, error.details === undefined ? {} : { details: error.details }) };
    // RFC 9470 (step-up authentication): the challenge tells the client to sign the person in again.
    if (error.code === 'reauthentication-required') {
      return { ...answer, headers: { 'www-authenticate': `Bearer realm="crm-discovery", error="insufficient_user_authentication", error_description="sign in again", max_age=${FRESH_SIGN_IN_MS / 1000}` } };
    }
    return answer;
  }
  if (error instanceof VersionMismatchError) {
    return { problem: problem('version-mismatch', error.message, { currentVersion: error.actual }), headers: { etag: `"${error.actual}"` } };
  }
  if (error instanceof ContentionError) return { problem: problem('concurrent-modification', error.message), headers: { 'retry-after': '1' } };
  if (error instanceof EventStoreUnavailableError) {
    request.log.error({ err: error }, 'event store unavailable');
    return { problem: problem('unavailable', 'the event store is unavailable; nothing was written'), headers: { 'retry-after': '5' } };
  }
  if (error instanceof ReadModelStoreUnavailableError) {
    request.log.error({ err: error }, 'read-model store unavailable');
    return { problem: problem('unavailable', 'the read models are unavailable; try again shortly'), headers: { 'retry-after': '5' } };
  }
  const fastifyError = error as FastifyError & { validationContext?: string };
  if (hasZodFastifySchemaValidationErrors(fastifyError) || Array.isArray(fastifyError.validation)) {
    const errors = validationErrors(fastifyError.validationContext, (fastifyError.validation ?? []) as ValidationIssue[]);
    return { problem: problem('validation-failed', `the ${fastifyError.validationContext ?? 'request'} does not match the schema`, { errors }) };
  }
  switch (fastifyError.code) {
    case 'FST_CSRF_MISSING_SECRET':
    case 'FST_CSRF_INVALID_TOKEN':
      return { problem: problem('forbidden', 'a write made with the session cookie needs the X-CSRF-Token header that GET /auth/session gives') };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return {
        problem: problem('validation-failed', 'the body is not valid JSON', {
          errors: [{ in: 'body', path: '/', message: fastifyError.message }],
        }),
      };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { problem: problem('payload-too-large', `the body exceeds ${request.routeOptions.bodyLimit ?? 'the limit of'} bytes`) };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { problem: problem('unsupported-media-type', `send the body as application/json, not ${request.headers['content-type'] ?? 'nothing'}`) };
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return { problem: problem('uri-too-long', 'a path segment of the request is longer than any id the service gives') };
    case 'FST_ERR_BAD_URL':
      return { problem: problem('validation-failed', 'the path is not a valid URL', { errors: [{ in: 'path', path: '/', message: fastifyError.message }] }) };
  }
  if (fastifyError.statusCode === 400 && error instanceof SyntaxError) {
    return { problem: problem('validation-failed', 'the body is not valid JSON', { errors: [{ in: 'body', path: '/', message: error.message }] }) };
  }
  if (fastifyError.statusCode === 413) return { problem: problem('payload-too-large', fastifyError.message) };
  if (fastifyError.statusCode === 415) return { problem: problem('unsupported-media-type', fastifyError.message) };
  // Any other refusal fastify makes of the request itself is the client's: its status, as a problem.
  const clientError = typeof fastifyError.code === 'string' && fastifyError.code.startsWith('FST_') ? byStatus(fastifyError.statusCode) : undefined;
  if (clientError) return { problem: problem(clientError, fastifyError.message) };
  request.log.error({ err: error }, 'unexpected error');
  return { problem: problem('internal-error', 'something went wrong; the error has been logged') };
};

export const sendProblem = (reply: FastifyReply, value: Problem, headers: Record<string, string> = {}) =>
  reply.code(value.status).headers(headers).type(PROBLEM_CONTENT_TYPE).send(value);

/** `page` answers a browser's navigation to a path of the web app (index.html), when there is one. */
export const registerErrorHandling = (app: FastifyInstance, page: () => WebPage | undefined = () => undefined) => {
  app.setErrorHandler((error, request, reply) => answerError(error, request, reply));
  // A path served with other methods is 405 with Allow. Methods that may carry a body are refused
  // before fastify reads it (QUERY without a Content-Type would otherwise fail first); GET and HEAD
  // reach the not-found handler, where a browser's navigation is the web app's first.
  app.addHook('onRequest', async (request) => {
    if (!request.is404 || request.method === 'GET' || request.method === 'HEAD') return;
    throw methodNotAllowed(app, request) ?? noRoute(request);
  });
  app.setNotFoundHandler((request, reply) => {
    const answered = page()?.(request, reply);
    if (answered) return answered;
    return answerError(methodNotAllowed(app, request) ?? noRoute(request), request, reply);
  });
};

/** Fastify's `frameworkErrors`: errors met before a route is found (a too long or malformed path). */
export const answerError = (error: unknown, request: FastifyRequest, reply: FastifyReply) => {
  const { problem: value, headers } = toProblem(error, request);
  return sendProblem(reply, { ...value, instance: request.url }, headers);
};

/**
 * Fastify's `clientErrorHandler`: requests Node's parser refuses (headers too large, timeouts,
 * malformed) are answered as problems too, straight on the socket since there is no request.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket) {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [code, detail]: [ProblemCode, string] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? ['headers-too-large', 'the request headers exceed the size the server reads']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? ['request-timeout', 'the request did not arrive in time']
        : ['validation-failed', 'the request is not valid HTTP'];
  const value = problem(code, detail);
  const body = JSON.stringify(value);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${value.status} ${STATUS_TEXT[value.status]}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };
