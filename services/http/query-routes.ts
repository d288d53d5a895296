/**
 * The read side of the HTTP contract, served from the read models. Every query may carry
 * `X-Min-Position` to read its own writes; the backlog also answers `asOf` a past instant from the
 * log itself, folded with the same projection code as the live read model.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { FindingSection, Instant, RequirementCategory, RequirementStatus } from '../../contracts/index.js';
import { AUDIT_ACTIONS, TIERS, INTERVIEW_STATUSES, type AuditEntry, type BacklogItem, type InterviewDocument } from '../../projections/index.js';
import type { EventStore } from '../../infra/event-store/port.js';
import type { Filter, ReadModelStore } from '../../infra/read-models/port.js';
import { backlogAsOf, backlogPage, decodeCursor, encodeCursor, InvalidCursorError } from '../queries/backlog.js';
import { MIN_POSITION_WAIT_MS, type ReadYourWrites } from '../queries/read-your-writes.js';
import { auditCsv, exportTurns, wantsCsv } from './audit-csv.js';
import { authenticate } from './auth.js';
import { fail } from './problem.js';
import { IdParams, ProblemSchema } from './schemas.js';

export const READ_MODELS = {
  engagements: 'engagements',
  progress: 'phase-progress',
  interviews: 'interviews',
  backlog: 'requirement-backlog',
  requirements: 'requirements',
  audit: 'audit-trail',
} as const;

const MinPositionHeaders = z.looseObject({
  'x-min-position': z
    .string()
    .regex(/^\d{1,40}$/, 'X-Min-Position takes the position a command answered')
    .optional()
    .describe('Wait (up to 5 s) until the read models include this position; 503 with Retry-After otherwise'),
});

const Limit = z.coerce.number().int().min(1).max(200).default(50);
const Document = z.looseObject({ id: z.string() }).describe('The read-model document (see the projections documentation)');
const Page = (item: z.ZodType) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });
const problems = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 429: ProblemSchema, 503: ProblemSchema };

const BacklogQuery = z.strictObject({
  status: RequirementStatus.optional(),
  category: RequirementCategory.optional(),
  department: z.string().min(1).max(200).optional(),
  tier: z.enum(TIERS).optional(),
  limit: Limit,
  cursor: z.string().max(500).optional(),
  asOf: Instant.optional().describe('The backlog exactly as it stood at this instant'),
});

const AuditQuery = z.strictObject({
  actor: z.string().min(1).max(200).optional().describe('Actor (user) id'),
  action: z.enum(AUDIT_ACTIONS as [string, ...string[]]).optional(),
  subjectId: z.string().min(1).max(200).optional().describe('Entries about this engagement, interview, finding or requirement'),
  from: Instant.optional(),
  to: Instant.optional(),
  limit: Limit,
  cursor: z.string().max(500).optional(),
  format: z.enum(['json', 'csv']).optional().describe('csv, or send Accept: text/csv'),
});

const InterviewsQuery = z.strictObject({ status: z.enum(INTERVIEW_STATUSES).optional() });

export type QueryRouteDeps = {
  readModels: ReadModelStore;
  eventStore: EventStore;
  readYourWrites: ReadYourWrites;
  /** How long a query with X-Min-Position waits for the read models. */
  minPositionWaitMs?: number;
};

const scheduleItem = (doc: InterviewDocument) => {
  const { findings: _findings, summaries: _summaries, ...rest } = doc;
  return rest;
};

export const registerQueryRoutes = (app: FastifyInstance, deps: QueryRouteDeps) => {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const { readModels } = deps;
  const collection = <D extends { id: string }>(name: string) => readModels.collection<D>(name);
  const exports = exportTurns();

  const readOwnWrites = async (request: FastifyRequest) => {
    const position = request.headers['x-min-position'];
    if (typeof position !== 'string') return;
    try {
      await deps.readYourWrites.waitFor(position, deps.minPositionWaitMs ?? MIN_POSITION_WAIT_MS);
    } catch {
      fail('unavailable', `the read models have not reached position ${position} yet`, {}, { 'retry-after': '1' });
    }
  };
  const found = async <D extends { id: string }>(name: string, id: string, what: string): Promise<D> =>
    (await collection<D>(name).get(id)) ?? fail('not-found', `${what} ${id} does not exist`);
  const common = { onRequest: authenticate, preHandler: readOwnWrites };
  const base = (tag: string, summary: string) => ({
    tags: [tag],
    summary,
    security: [{ bearerAuth: [] }],
    params: IdParams,
    headers: MinPositionHeaders,
  });

  typed.get('/engagements/:id', {
    ...common,
    schema: { ...base('engagements', 'The engagement: name, client, sponsor, current phase, readiness'), response: { 200: Document, ...problems } },
    handler: async (request) => found(READ_MODELS.engagements, request.params.id, 'engagement'),
  });

  typed.get('/engagements/:id/progress', {
    ...common,
    schema: { ...base('engagements', 'Phase progress: phases with dates and waivers, readiness, survey counters'),
      response: { 200: Document, ...problems },
    },
    handler: async (request) => found(READ_MODELS.progress, request.params.id, 'engagement'),
  });

  typed.get('/engagements/:id/backlog', {
    ...common,
    schema: { ...base('requirements', 'The requirement backlog ranked by the 20/80 principle, now or as of a past instant'),
      querystring: BacklogQuery,
      response: { 200: Page(Document), ...problems },
    },
    handler: async (request) => {
      const { id } = request.params;
      await found(READ_MODELS.engagements, id, 'engagement');
      const { asOf, ...query } = request.query;
      const items: BacklogItem[] = [];
      if (asOf === undefined) {
        for await (const item of collection<BacklogItem>(READ_MODELS.backlog).find({ engagementId: id })) items.push(item);
      } else {
        const events = [];
        for await (const event of deps.eventStore.readEngagement(id, { streamPrefixes: ['requirement-'] })) events.push(event);
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

  typed.get('/engagements/:id/audit', {
    ...common,
    schema: { ...base('engagements', 'The audit trail: every decision with actor, before/after values and reason; JSON pages or CSV'),
      querystring: AuditQuery,
      response: {
        200: z
          .object({ entries: z.array(Document), nextCursor: z.string().nullable() })
          .describe('JSON page; with Accept: text/csv or format=csv, the whole filtered trail as CSV'),
        ...problems,
      },
    },
    handler: async (request, reply) => {
      const { id } = request.params;
      await found(READ_MODELS.engagements, id, 'engagement');
      const { actor, action, subjectId, from, to, limit, cursor, format } = request.query;
      const filter: Record<string, Filter[string]> = { engagementId: id };
      if (actor) filter['actor.id'] = actor;
      if (action) filter['action'] = action;
      if (subjectId) filter['relatedIds'] = subjectId;
      if (from || to) filter['at'] = { ...(from ? { $gte: new Date(from).toISOString() } : {}), ...(to ? { $lte: new Date(to).toISOString() } : {}) };
      const entries = collection<AuditEntry>(READ_MODELS.audit);
      if (wantsCsv(format, request.headers.accept)) {
        reply.header('content-disposition', `attachment; filename="audit-${id}.csv"`).type('text/csv; charset=utf-8');
        // A stream bypasses the response serializer; the CSV is written page by page as entries are read.
        return reply.send(auditCsv(entries, filter, exports) as never);
      }
      let afterPosition: string | undefined;
      if (cursor !== undefined) {
        const decoded = decodeCursor(cursor, (v): v is { p: string } => typeof (v as { p?: unknown })?.p === 'string' && /^\d+$/.test((v as { p: string }).p));
        if (!decoded) return fail('validation-failed', 'the cursor is not one this trail gave out', { errors: [{ in: 'querystring', path: '/cursor', message: 'invalid cursor' }] });
        afterPosition = decoded.p;
      }
      const page: AuditEntry[] = [];
      const pageFilter = afterPosition === undefined ? filter : { ...filter, position: { $gt: afterPosition } };
      for await (const entry of entries.find(pageFilter, { sort: [['position', 1]], limit: limit + 1 })) page.push(entry);
      const more = page.length > limit;
      const items = page.slice(0, limit);
      return { entries: items, nextCursor: more ? encodeCursor({ p: items.at(-1)!.position }) : null };
    },
  });

  typed.get('/engagements/:id/interviews', {
    ...common,
    schema: { ...base('interviews', 'The interview schedule: status, interviewee, time and confirmation state'),
      querystring: InterviewsQuery,
      response: { 200: z.object({ items: z.array(Document) }), ...problems },
    },
    handler: async (request) => {
      const { id } = request.params;
      await found(READ_MODELS.engagements, id, 'engagement');
      const filter: Record<string, Filter[string]> = { engagementId: id };
      if (request.query.status) filter['status'] = request.query.status;
      const items = [];
      for await (const doc of collection<InterviewDocument>(READ_MODELS.interviews).find(filter, { sort: [['scheduledAt', 1]] })) {
        items.push(scheduleItem(doc));
      }
      return { items };
    },
  });

  typed.get('/interviews/:id', {
    ...common,
    schema: { ...base('interviews', 'The interview with its findings, summary versions and confirmation'), response: { 200: Document, ...problems } },
    handler: async (request) => found(READ_MODELS.interviews, request.params.id, 'interview'),
  });

  typed.get('/interviews/:id/findings/:findingId', {
    onRequest: authenticate,
    preHandler: readOwnWrites,
    schema: {
      tags: ['interviews'],
      summary: 'One finding of an interview',
      security: [{ bearerAuth: [] }],
      params: IdParams.extend({ findingId: IdParams.shape.id }),
      headers: MinPositionHeaders,
      response: { 200: z.looseObject({ findingId: z.string(), section: FindingSection }), ...problems },
    },
    handler: async (request) => {
      const interview = await found<InterviewDocument>(READ_MODELS.interviews, request.params.id, 'interview');
      return interview.findings.find((f) => f.findingId === request.params.findingId) ?? fail('not-found', `finding ${request.params.findingId} does not exist`);
    },
  });

  typed.get('/requirements/:id', {
    ...common,
    schema: { ...base('requirements', 'The requirement with its sources, priority history and decisions'), response: { 200: Document, ...problems } },
    handler: async (request) => found(READ_MODELS.requirements, request.params.id, 'requirement'),
  });
};
