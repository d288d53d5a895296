/**
 * Maps every failure to a problem+json answer: domain rules, concurrency, validation, transport
 * errors fastify raises (malformed JSON, media type, body size), outages, and the unexpected.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { DomainError } from '../../domain/index.js';
import { EventStoreUnavailableError } from '../../infra/event-store/port.js';
import { ReadModelStoreUnavailableError } from '../../infra/read-models/port.js';
import { ContentionError, VersionMismatchError } from '../commands/command-bus.js';
import { problem, PROBLEM_CONTENT_TYPE, ProblemError, type Problem } from './problem.js';
import type { WebPage } from './web-app.js';

type ValidationIssue = { instancePath?: string; message?: string; keyword?: string; params?: Record<string, unknown> };

const validationErrors = (context: string | undefined, issues: ValidationIssue[]) =>
  issues.flatMap((issue) => {
    const path = issue.instancePath && issue.instancePath !== '/' ? issue.instancePath : '';
    const keys = issue.keyword === 'unrecognized_keys' ? (issue.params?.['keys'] as string[] | undefined) : undefined;
    if (keys) return keys.map((key) => ({ in: context ?? 'body', path: `${path}/${key}`, message: 'unknown field' }));
    return [{ in: context ?? 'body', path: path || '/', message: issue.message ?? 'invalid' }];
  });

export const toProblem = (error: unknown, request: FastifyRequest): { problem: Problem; headers?: Record<string, string> } => {
  if (error instanceof ProblemError) return { problem: error.problem, headers: error.headers };
  if (error instanceof DomainError) {
    return { problem: problem(error.code, error.message, error.details === undefined ? {} : { details: error.details }) };
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
  }
  if (fastifyError.statusCode === 400 && error instanceof SyntaxError) {
    return { problem: problem('validation-failed', 'the body is not valid JSON', { errors: [{ in: 'body', path: '/', message: error.message }] }) };
  }
  if (fastifyError.statusCode === 413) return { problem: problem('payload-too-large', fastifyError.message) };
  if (fastifyError.statusCode === 415) return { problem: problem('unsupported-media-type', fastifyError.message) };
  request.log.error({ err: error }, 'unexpected error');
  return { problem: problem('internal-error', 'something went wrong; the error has been logged') };
};

export const sendProblem = (reply: FastifyReply, value: Problem, headers: Record<string, string> = {}) =>
  reply.code(value.status).headers(headers).type(PROBLEM_CONTENT_TYPE).send(value);

/** `page` answers a browser's navigation to a path of the web app (index.html), when there is one. */
export const registerErrorHandling = (app: FastifyInstance, page: () => WebPage | undefined = () => undefined) => {
  app.setErrorHandler((error, request, reply) => {
    const { problem: value, headers } = toProblem(error, request);
    return sendProblem(reply, { ...value, instance: request.url }, headers);
  });
  app.setNotFoundHandler(
    (request, reply) =>
      page()?.(request, reply) ??
      sendProblem(reply, { ...problem('not-found', `no route ${request.method} ${request.url.split('?')[0]}`), instance: request.url }),
  );
};
