/** Requirements: the backlog ranked by the 20/80 principle, one requirement and why it ranks where it does, and the requirement commands (capture, priority, decisions, change requests). */
import type { FastifyInstance } from 'fastify';
import type { BacklogItem, RequirementDocument } from '../../../projections/index.js';
import { backlogAsOf, backlogPage, InvalidCursorError } from '../../queries/backlog.js';
import { explainPriority, PriorityExplanation } from '../../queries/priority-explanation.js';
import { fail } from '../problem.js';
import { RankedBacklogItemSchema, Requirement } from '../read-model-schemas.js';
import { queryKit, READ_MODELS, BacklogQuery, ExplanationQuery, Page, limited, problems } from '../query-routes.js';
import { registerCommandRoutes } from '../command-routes.js';
import { REQUIREMENT } from '../../commands/specs/index.js';
import type { ResourceDeps } from './resource.js';

export const registerRequirements = (app: FastifyInstance, deps: ResourceDeps) => {
  registerCommandRoutes(app, deps.commands, REQUIREMENT);
  const { typed, collection, now, found, permitted, common, base, engagementLog } = queryKit(app, deps.queries);

  typed.get('/engagements/:id/backlog', {
    ...common,
    schema: { ...base('GetBacklog', 'requirements', 'The requirement backlog ranked by the 20/80 principle, now or as of a past instant', 'see-overview'),
      querystring: BacklogQuery,
      response: { 200: Page(RankedBacklogItemSchema), ...limited },
    },
    handler: async (request) => {
      const { id } = request.params;
      await permitted(request, 'see-overview', id, `engagement ${id}`);
      const { asOf, ...query } = request.query;
      const items: BacklogItem[] = [];
      if (asOf === undefined) {
        for await (const item of collection<BacklogItem>(READ_MODELS.backlog).find({ engagementId: id })) items.push(item);
      } else {
        const events = [];
        for await (const event of deps.queries.eventStore.readEngagement(id, { streamPrefixes: ['requirement-'] })) events.push(event);
        items.push(...backlogAsOf(events, asOf));
      }
      try {
        return backlogPage(items, query);
      } catch (error) {
        if (error instanceof InvalidCursorError) return fail('validation-failed', error.message, { errors: [{ in: 'querystring', path: '/cursor', message: error.message }] });
        throw error;
      }
    },
  });

  typed.get('/requirements/:id', {
    ...common,
    schema: { ...base('GetRequirement', 'requirements', 'The requirement with its sources, priority history and decisions', 'read-records'), response: { 200: Requirement, ...problems } },
    handler: async (request) => {
      const what = `requirement ${request.params.id}`;
      const requirement = await found<RequirementDocument>(READ_MODELS.requirements, request.params.id, 'requirement');
      await permitted(request, 'read-records', requirement.engagementId, what);
      return requirement;
    },
  });

  typed.get('/requirements/:id/priority/explanation', {
    ...common,
    schema: {
      ...base('ExplainPriority', 'requirements', 'Why this rank: the inputs and who set them, the score’s arithmetic, the rank, the vital-few cut-off and the events that moved the requirement across it', 'read-records'),
      querystring: ExplanationQuery,
      response: { 200: PriorityExplanation, ...limited },
    },
    handler: async (request) => {
      const { id } = request.params;
      const requirement = await found<RequirementDocument>(READ_MODELS.requirements, id, 'requirement');
      await permitted(request, 'read-records', requirement.engagementId, `requirement ${id}`);
      const asOf = new Date(request.query.asOf ?? now()).toISOString();
      const events = await engagementLog(requirement.engagementId, ['requirement-']);
      return explainPriority(events, id, asOf) ?? fail('not-found', `requirement ${id} was not captured yet at ${asOf}`);
    },
  });
};
