/** Engagements: the overview, the team, phase progress and the goal matrix, and the commands of the engagement (team, goals and targets, readiness, business case, gates and phases). */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { seesEveryEngagement } from '../../../domain/index.js';
import { type BacklogItem, goalMatrix, type EngagementDocument, type PhaseProgress } from '../../../projections/index.js';
import type { Filter } from '../../../infra/read-models/port.js';
import { decodeCursor, encodeCursor } from '../../queries/backlog.js';
import { accessNote, requireAccess } from '../auth.js';
import { fail } from '../problem.js';
import { Engagement, PhaseProgressSchema } from '../read-model-schemas.js';
import { queryKit, READ_MODELS, EngagementsQuery, GoalMatrixSchema, MinPositionHeaders, Page, TeamMember, problems } from '../query-routes.js';
import { registerCommandRoutes } from '../command-routes.js';
import { ENGAGEMENT } from '../../commands/specs/index.js';
import type { ResourceDeps } from './resource.js';

export const registerEngagements = (app: FastifyInstance, deps: ResourceDeps) => {
  registerCommandRoutes(app, deps.commands, ENGAGEMENT);
  const { typed, collection, readOwnWrites, found, permitted, common, base } = queryKit(app, deps.queries);

  typed.get('/engagements', {
    onRequest: [app.authenticate, requireAccess('see-overview')],
    preHandler: readOwnWrites,
    schema: {
      operationId: 'ListEngagements',
      tags: ['engagements'],
      summary: 'The engagements you can see: those whose team you are in (every one for pmo and admin)',
      description: accessNote('see-overview'),
      security: [{ bearerAuth: [] }],
      headers: MinPositionHeaders,
      querystring: EngagementsQuery,
      response: { 200: Page(Engagement), ...problems },
    },
    handler: async (request) => {
      const { limit, cursor } = request.query;
      const everything = seesEveryEngagement(request.user);
      let after: string | undefined;
      if (cursor !== undefined) {
        const decoded = decodeCursor(cursor, (v): v is { i: string } => typeof (v as { i?: unknown })?.i === 'string');
        if (!decoded) return fail('validation-failed', 'the cursor is not one this list gave out', { errors: [{ in: 'querystring', path: '/cursor', message: 'invalid cursor' }] });
        after = decoded.i;
      }
      const filter: Record<string, Filter[string]> = everything ? {} : { memberIds: request.user.id };
      if (after !== undefined) filter['id'] = { $gt: after };
      const page: EngagementDocument[] = [];
      for await (const doc of collection<EngagementDocument>(READ_MODELS.engagements).find(filter, { sort: [['id', 1]], limit: limit + 1 })) page.push(doc);
      const items = page.slice(0, limit);
      return { items, nextCursor: page.length > limit ? encodeCursor({ i: items.at(-1)!.id }) : null };
    },
  });

  typed.get('/engagements/:id', {
    ...common,
    schema: { ...base('GetEngagement', 'engagements', 'The engagement: name, client, sponsor, current phase, readiness', 'see-overview'), response: { 200: Engagement, ...problems } },
    handler: async (request) => permitted(request, 'see-overview', request.params.id, `engagement ${request.params.id}`),
  });

  typed.get('/engagements/:id/members', {
    ...common,
    schema: { ...base('GetTeam', 'engagements', 'The team: members with their engagement role, workgroup, department and since when', 'read-records'),
      response: { 200: z.object({ items: z.array(TeamMember) }), ...problems },
    },
    handler: async (request) => ({ items: (await permitted(request, 'read-records', request.params.id, `engagement ${request.params.id}`)).team ?? [] }),
  });

  typed.get('/engagements/:id/progress', {
    ...common,
    schema: { ...base('GetPhaseProgress', 'engagements', 'Phase progress: phases with dates and waivers, readiness, survey counters', 'see-overview'),
      response: { 200: PhaseProgressSchema, ...problems },
    },
    handler: async (request) => {
      await permitted(request, 'see-overview', request.params.id, `engagement ${request.params.id}`);
      return found(READ_MODELS.progress, request.params.id, 'engagement');
    },
  });

  // An overview like the progress and the backlog it is computed from: whoever sees those sees this.
  typed.get('/engagements/:id/goal-matrix', {
    ...common,
    schema: { ...base('GetGoalMatrix', 'engagements', 'Goals × requirements: which requirements serve each goal, goals nothing serves, requirements that serve no goal', 'see-overview'),
      response: { 200: GoalMatrixSchema, ...problems },
    },
    handler: async (request) => {
      const { id } = request.params;
      await permitted(request, 'see-overview', id, `engagement ${id}`);
      const progress = await found<PhaseProgress>(READ_MODELS.progress, id, 'engagement');
      const items: BacklogItem[] = [];
      for await (const item of collection<BacklogItem>(READ_MODELS.backlog).find({ engagementId: id })) items.push(item);
      return goalMatrix(progress.goals ?? [], items);
    },
  });
};
