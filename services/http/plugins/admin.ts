/** Operations an admin triggers on a running process: rebuilding a read model without stopping. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PROJECTIONS } from '../../../projections/index.js';
import type { Projector } from '../../../infra/projector/projector.js';
import { requireRole } from '../auth.js';

/** What a rebuild answers (the projector's RebuildResult; an empty log leaves position and lastEventAt out). */
const Rebuilt = z
  .object({
    projection: z.string(),
    position: z.string().optional().describe('The checkpoint the rebuilt documents are at'),
    eventsApplied: z.number().int().min(0).describe('Events that changed at least one document'),
    lastEventAt: z.string().optional().describe('occurredAt of the last event read'),
    durationMs: z.number().min(0),
  })
  .meta({ examples: [{ projection: 'requirement-backlog', position: '1287', eventsApplied: 412, lastEventAt: '2026-03-05T02:00:00.000Z', durationMs: 380 }] });

export const registerAdminRoutes = (app: FastifyInstance, deps: { projector: Projector }) => {
  app.withTypeProvider<ZodTypeProvider>().post('/projections/:name/rebuild', {
    onRequest: [app.authenticate, requireRole(['admin'])],
    schema: {
      operationId: 'RebuildProjection',
      tags: ['operations'],
      summary: 'Rebuild a read model into a fresh collection and swap it in when caught up; queries keep being answered meanwhile',
      description: '**Roles:** admin.',
      security: [{ bearerAuth: [] }],
      params: z.strictObject({ name: z.enum(PROJECTIONS.map((p) => p.name) as [string, ...string[]]) }),
      response: { 200: Rebuilt },
    },
    handler: async (request) => deps.projector.rebuildProjection(request.params.name),
  });
};
