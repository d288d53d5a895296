/** Shapes shared by routes: path parameters, command answers and problems, for validation and OpenAPI. */
import { z } from 'zod';
import { Id } from '../../contracts/index.js';

export const IdParams = z.strictObject({ id: Id });

/** What every command answers; a command's own fields (its spec's `answer`) extend it. */
export const CommandAnswer = z
  .object({
    id: z.string(),
    version: z.number().int().min(0).describe('Stream revision after the append (0 for the first event); send it back in If-Match'),
    position: z.string().describe('Opaque, ordered position in the global log; send it as X-Min-Position to read your writes'),
  })
  .meta({ examples: [{ id: '0195a7e2-51c4-7d8e-9a0b-1c2d3e4f5a6b', version: 3, position: '1287' }] });

/** A command's answer: what every command answers, and the fields of its own, with an example of both. */
export const commandAnswer = (own: { shape: z.ZodRawShape; example: Record<string, unknown> } | undefined, extra: z.ZodRawShape = {}, extraExample = {}) =>
  CommandAnswer.extend({ ...own?.shape, ...extra }).meta({
    examples: [{ id: '0195a7e2-51c4-7d8e-9a0b-1c2d3e4f5a6b', version: 3, position: '1287', ...own?.example, ...extraExample }],
  });

export const ProblemSchema = z
  .looseObject({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    instance: z.string().optional(),
    errors: z.array(z.object({ in: z.string(), path: z.string(), message: z.string() })).optional(),
  })
  .describe('RFC 9457 problem details; `code` is stable and documented');

/**
 * The request headers the service reads, each exactly as it checks them (one schema per header,
 * shared by every route that takes it).
 */
const IF_MATCH_MESSAGE = 'If-Match takes the ETag of the resource, e.g. "3", or *';
/**
 * `*` apart from the ETags (rather than one pattern with an alternative) so generators that build
 * header values from their own alphabet still find a value the service accepts.
 */
export const IfMatch = z
  .union([z.literal('*'), z.string().regex(/^(?:W\/)?"\d{1,15}"$/, IF_MATCH_MESSAGE)], { error: IF_MATCH_MESSAGE })
  .describe('Optimistic concurrency: the version (ETag, e.g. "3") the command is based on; 412 when the resource has moved on');
export const IdempotencyKey = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, 'an Idempotency-Key is 1–255 visible ASCII characters')
  .describe('Repeat a request safely: the same key and body return the original answer; another body with the key is 422');
export const MinPosition = z
  .string()
  .regex(/^\d{1,40}$/, 'X-Min-Position takes the position a command answered')
  .describe(
    'Read your writes: wait (up to 5 s) until the read models include this position, else 503 with Retry-After. ' +
      'A position beyond the log’s head is 409 position-not-reached at once. ' +
      'Right after a start of the embedded default, whose read models are folded from the log, every query waits (up to 1 s) ' +
      'for them to reach the log as it was at the start, else 503 with Retry-After',
  );
/** Any value is accepted; one that does not match the pattern is replaced by a generated id (echoed back). */
export const CORRELATION_ID = /^[\w.:-]{1,200}$/;
export const CorrelationId = z
  .string()
  .describe(`Carried into the log's metadata and the logs, and echoed back; kept when it matches ${CORRELATION_ID.source}, else a new id is generated`);
