/** Operations an admin triggers on a running process: rebuilding a read model without stopping. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PROJECTIONS } from '../../projections/index.js';
import type { Projector } from '../../infra/projector/projector.js';
import { requireRole } from './auth.js';

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
      response: { 200: z.looseObject({}) },
    },
    handler: async (request) => deps.projector.rebuildProjection(request.params.name),
  });
};
