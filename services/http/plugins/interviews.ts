/** Interviews: the schedule, one interview and its findings, and the interview commands (scheduling, findings, summaries, confirmation links). */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { judge } from '../../../domain/index.js';
import type { InterviewRecord } from '../../../projections/index.js';
import type { Filter } from '../../../infra/read-models/port.js';
import { accessNote } from '../auth.js';
import { fail } from '../problem.js';
import { Finding, Interview, ScheduledInterview } from '../read-model-schemas.js';
import { IdParams } from '../schemas.js';
import { queryKit, READ_MODELS, InterviewsQuery, MinPositionHeaders, problems, scheduleItem, teamOf } from '../query-routes.js';
import { registerCommandRoutes } from '../command-routes.js';
import { INTERVIEW } from '../../commands/specs/index.js';
import type { ResourceDeps } from './resource.js';

export const registerInterviews = (app: FastifyInstance, deps: ResourceDeps) => {
  registerCommandRoutes(app, deps.commands, INTERVIEW);
  const { typed, collection, permitted, common, readableInterview, base } = queryKit(app, deps.queries);

  typed.get('/engagements/:id/interviews', {
    ...common,
    schema: { ...base('ListInterviews', 'interviews', 'The interview schedule: status, interviewee, time and confirmation state (a stakeholder sees the interviews they gave)', 'see-overview'),
      querystring: InterviewsQuery,
      response: { 200: z.object({ items: z.array(ScheduledInterview) }), ...problems },
    },
    handler: async (request) => {
      const { id } = request.params;
      const engagement = await permitted(request, 'see-overview', id, `engagement ${id}`);
      const filter: Record<string, Filter[string]> = { engagementId: id };
      if (request.query.status) filter['status'] = request.query.status;
      // Whoever may not read every record (a stakeholder member) sees the interviews they gave.
      if (!judge('read-records', request.user, { team: teamOf(engagement) }).allowed) filter['interviewee.userId'] = request.user.id;
      const items = [];
      for await (const doc of collection<InterviewRecord>(READ_MODELS.interviews).find(filter, { sort: [['scheduledAt', 1]] })) {
        items.push(scheduleItem(doc));
      }
      return { items };
    },
  });

  typed.get('/interviews/:id', {
    ...common,
    schema: { ...base('GetInterview', 'interviews', 'The interview with its findings, summary versions and confirmation', 'read-interview'), response: { 200: Interview, ...problems } },
    handler: async (request) => readableInterview(request, request.params.id),
  });

  typed.get('/interviews/:id/findings/:findingId', {
    ...common,
    schema: {
      operationId: 'GetFinding',
      tags: ['interviews'],
      summary: 'One finding of an interview',
      description: accessNote('read-interview'),
      security: [{ bearerAuth: [] }],
      params: IdParams.extend({ findingId: IdParams.shape.id }),
      headers: MinPositionHeaders,
      response: { 200: Finding, ...problems },
    },
    handler: async (request) => {
      const interview = await readableInterview(request, request.params.id);
      return interview.findings.find((f) => f.findingId === request.params.findingId) ?? fail('not-found', `finding ${request.params.findingId} does not exist`);
    },
  });
};
