/** Shapes shared by routes: path parameters, command answers and problems, for validation and OpenAPI. */
import { z } from 'zod';
import { Id } from '../../contracts/index.js';

export const IdParams = z.strictObject({ id: Id });

export const CommandAnswer = z
  .looseObject({
    id: z.string(),
    version: z.number().int().min(0).describe('Stream revision after the append (0 for the first event); send it back in If-Match'),
    position: z.string().describe('Opaque, ordered position in the global log; send it as X-Min-Position to read your writes'),
  })
  .meta({ examples: [{ id: '0195a7e2-51c4-7d8e-9a0b-1c2d3e4f5a6b', version: 3, position: '1287' }] });

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
