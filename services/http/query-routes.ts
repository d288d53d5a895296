/**
 * The read side of the HTTP contract, served from the read models. Every query may carry
 * `X-Min-Position` to read its own writes; the backlog also answers `asOf` a past instant from the
 * log itself, folded with the same projection code as the live read model.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { EngagementRole, Instant, RequirementCategory, RequirementStatus } from '../../contracts/index.js';
import { judge, seesEveryEngagement, type Access, type Team } from '../../domain/index.js';
import {
  AUDIT_ACTIONS,
  TIERS,
  INTERVIEW_STATUSES,
  type AuditEntry,
  type BacklogItem,
  goalMatrix,
  type EngagementDocument,
  type InterviewDocument,
  type PhaseProgress,
  type RequirementDocument,
  type BaselineDocument,
  specificationOf,
} from '../../projections/index.js';
import Negotiator from 'negotiator';
import { specificationHtml } from './specification/document.js';
import { DocumentFontMissingError, specificationPdf } from './specification/pdf.js';
import { LANGUAGES, type Language } from './specification/words.js';
import { comparePositions, type EventStore } from '../../infra/event-store/port.js';
import type { Filter, ReadModelStore } from '../../infra/read-models/port.js';
import { backlogAsOf, backlogPage, decodeCursor, encodeCursor, InvalidCursorError } from '../queries/backlog.js';
import { Changes, changesBetween } from '../queries/changes.js';
import { explainPriority, PriorityExplanation } from '../queries/priority-explanation.js';
import { CATCH_UP_WAIT_MS, MIN_POSITION_WAIT_MS, type CatchUp, type ReadYourWrites } from '../queries/read-your-writes.js';
import { auditCsv, exportTurns, wantsCsv } from './audit-csv.js';
import { accessNote, requireAccess } from './auth.js';
import { fail } from './problem.js';
import {
  AuditEntrySchema,
  Baseline,
  Engagement,
  Finding,
  Interview,
  PhaseProgressSchema,
  RankedBacklogItemSchema,
  Requirement,
  ScheduledInterview,
  SpecificationSchema,
} from './read-model-schemas.js';
import { CorrelationId, IdParams, MinPosition, ProblemSchema } from './schemas.js';

export const READ_MODELS = {
  engagements: 'engagements',
  progress: 'phase-progress',
  interviews: 'interviews',
  backlog: 'requirement-backlog',
  requirements: 'requirements',
  audit: 'audit-trail',
  baselines: 'baselines',
} as const;

const MinPositionHeaders = z.looseObject({ 'x-min-position': MinPosition.optional(), 'x-correlation-id': CorrelationId.optional() });

const Limit = z.coerce.number().int().min(1).max(200).default(50);
const TeamMember = z
  .object({
    userId: z.string(),
    name: z.string(),
    role: EngagementRole,
    workgroup: z.string().optional(),
    department: z.string().optional(),
    since: z.string().describe('When they joined the team'),
    changedAt: z.string().optional().describe('When their role, workgroup or department last changed'),
  })
  .describe('A member of the engagement team');
const MatrixRequirement = z.object({ requirementId: z.string(), title: z.string(), status: RequirementStatus });
const GoalMatrixSchema = z
  .object({
    goals: z.array(z.object({ goalId: z.string(), text: z.string(), requirements: z.array(MatrixRequirement) })),
    unservedGoalIds: z.array(z.string()),
    requirementsServingNoGoal: z.array(MatrixRequirement),
  })
  .describe('Rejected requirements are left out: they serve nothing');
const Page = (item: z.ZodType) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });
/** Beyond what a query's declaration implies (problem-responses.ts): an unknown or hidden resource. */
const problems = { 404: ProblemSchema };
/** Audit CSV exports and backlog asOf reads are rate limited per user (expensive-reads.ts). */
const limited = { ...problems, 429: ProblemSchema };

/** The opaque `nextCursor` of the page before (base64url), which only the service hands out. */
const Cursor = z
  .string()
  .max(500)
  .regex(/^[A-Za-z0-9_-]+$/, 'a cursor is the nextCursor of the page before')
  .describe('The nextCursor of the page before; any other value is 400')
  .optional();

const BacklogQuery = z.strictObject({
  status: RequirementStatus.optional(),
  category: RequirementCategory.optional(),
  department: z.string().min(1).max(200).optional(),
  tier: z.enum(TIERS).optional(),
  limit: Limit,
  cursor: Cursor,
  asOf: Instant.optional().describe('The backlog exactly as it stood at this instant'),
});

const AuditQuery = z.strictObject({
  actor: z.string().min(1).max(200).optional().describe('Actor (user) id'),
  action: z.enum(AUDIT_ACTIONS as [string, ...string[]]).optional(),
  subjectId: z.string().min(1).max(200).optional().describe('Entries about this engagement, interview, finding or requirement'),
  from: Instant.optional(),
  to: Instant.optional(),
  limit: Limit,
  cursor: Cursor,
  format: z.enum(['json', 'csv']).optional().describe('csv, or send Accept: text/csv'),
});

const ChangesQuery = z.strictObject({
  from: Instant.describe('The earlier instant (ISO 8601)'),
  to: Instant.optional().describe('The later instant (ISO 8601); now when absent. Must be after `from`'),
});
const ExplanationQuery = z.strictObject({ asOf: Instant.optional().describe('The instant to explain; now when absent') });

const InterviewsQuery = z.strictObject({ status: z.enum(INTERVIEW_STATUSES).optional() });
const DocumentQuery = z.strictObject({
  lang: z.enum(LANGUAGES).optional().describe('The language of the document; without it, Accept-Language decides (English when it names neither)'),
  format: z.enum(['html', 'pdf', 'json']).optional().describe('html (default), pdf (a file to keep), or json (the same content as data); or send Accept'),
});

const FORMAT_OF: Record<string, 'html' | 'pdf' | 'json'> = { 'text/html': 'html', 'application/pdf': 'pdf', 'application/json': 'json' };

/** `?lang`, else the best of Accept-Language (prefixes match: `zh` reads zh-CN), else English. */
const languageOf = (request: FastifyRequest, lang: Language | undefined): Language =>
  lang ?? ((new Negotiator(request).language([...LANGUAGES]) as Language | undefined) ?? 'en');
const EngagementsQuery = z.strictObject({ limit: Limit, cursor: Cursor });

/** The team as the access rules read it, from the engagement's read model. */
const teamOf = (engagement: EngagementDocument): Team => Object.fromEntries((engagement.team ?? []).map((m) => [m.userId, { role: m.role }]));

/**
 * The engagement `what` belongs to, if the caller may have `access` to it: judged on the team the
 * read models know. One the caller may not see answers as one that does not exist.
 */
export const engagementPermission =
  (readModels: ReadModelStore) =>
  async (request: FastifyRequest, access: Access, engagementId: string, what: string, intervieweeId?: string): Promise<EngagementDocument> => {
    const engagement = await readModels.collection<EngagementDocument>(READ_MODELS.engagements).get(engagementId);
    const verdict = judge(access, request.user, { team: engagement ? teamOf(engagement) : undefined, intervieweeId });
    if (verdict.allowed) return engagement!;
    return verdict.code === 'not-found' ? fail('not-found', `${what} does not exist`) : fail('forbidden', verdict.reason);
  };

export type QueryRouteDeps = {
  readModels: ReadModelStore;
  eventStore: EventStore;
  readYourWrites: ReadYourWrites;
  /** Read models still folding the log after a start (in memory). */
  catchUp?: CatchUp;
  /** How long a query with X-Min-Position waits for the read models. */
  minPositionWaitMs?: number;
  /** The PDF's font (DOCUMENT_FONT). */
  documentFont?: string;
  /** "Now", where a read from the log has no instant given. */
  clock?: () => Date;
};

const scheduleItem = (doc: InterviewDocument) => {
  const { findings: _findings, summaries: _summaries, ...rest } = doc;
  return rest;
};

/**
 * preHandler: a query with X-Min-Position waits until the read models have it, else 503 with
 * Retry-After. A position beyond the log's head was never answered by a command: waiting for it
 * would only delay the same refusal, so it is refused at once (409: the log has not reached it).
 */
export const readOwnWritesHook =
  (deps: { readYourWrites: ReadYourWrites; eventStore: Pick<EventStore, 'headPosition'>; minPositionWaitMs?: number; catchUp?: CatchUp }) =>
  async (request: FastifyRequest): Promise<void> => {
    if (deps.catchUp && !(await deps.catchUp.reached(CATCH_UP_WAIT_MS))) {
      fail('unavailable', `the read models are still catching up with the log after a start (to position ${deps.catchUp.headAtStart}); try again shortly`, {}, { 'retry-after': '1' });
    }
    const position = request.headers['x-min-position'];
    // 0 is before the first event: every read model has it.
    if (typeof position !== 'string' || BigInt(position) === 0n) return;
    // Usually the read models have it already: the log's head is asked only when they do not.
    const reached = await deps.readYourWrites.waitFor(position, 0).then(
      () => true,
      () => false,
    );
    if (reached) return;
    const head = await deps.eventStore.headPosition();
    if (head === undefined || comparePositions(position, head) > 0) {
      fail('position-not-reached', `the log ends at position ${head ?? 0}; no command has answered position ${position}`, { headPosition: head ?? '0' });
    }
    try {
      await deps.readYourWrites.waitFor(position, deps.minPositionWaitMs ?? MIN_POSITION_WAIT_MS);
    } catch {
      fail('unavailable', `the read models have not reached position ${position} yet`, {}, { 'retry-after': '1' });
    }
  };

export const registerQueryRoutes = (app: FastifyInstance, deps: QueryRouteDeps) => {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const { readModels } = deps;
  const collection = <D extends { id: string }>(name: string) => readModels.collection<D>(name);
  const exports = exportTurns();
  const now = deps.clock ?? (() => new Date());

  const readOwnWrites = readOwnWritesHook(deps);
  const found = async <D extends { id: string }>(name: string, id: string, what: string): Promise<D> =>
    (await collection<D>(name).get(id)) ?? fail('not-found', `${what} ${id} does not exist`);

  const permitted = engagementPermission(readModels);
  const common = { onRequest: app.authenticate, preHandler: readOwnWrites };

  /** An interview the caller may read: a reader of the engagement's records, or its interviewee. */
  const readableInterview = async (request: FastifyRequest, id: string): Promise<InterviewDocument> => {
    const interview = await found<InterviewDocument>(READ_MODELS.interviews, id, 'interview');
    await permitted(request, 'read-interview', interview.engagementId, `interview ${id}`, interview.interviewee.userId);
    return interview;
  };
  const base = (operationId: string, tag: string, summary: string, access: Access) => ({
    operationId,
    tags: [tag],
    summary,
    description: accessNote(access),
    security: [{ bearerAuth: [] }],
    params: IdParams,
    headers: MinPositionHeaders,
  });

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
    schema: { ...base('GetAuditTrail', 'engagements', 'The audit trail: every decision with actor, before/after values and reason; JSON pages or CSV', 'read-records'),
      querystring: AuditQuery,
      response: {
        200: {
          description: 'A JSON page; with Accept: text/csv or format=csv, the whole filtered trail as CSV',
          content: {
            'application/json': { schema: z.object({ entries: z.array(AuditEntrySchema), nextCursor: z.string().nullable() }) },
            'text/csv': { schema: z.string() },
          },
        },
        ...limited,
      },
    },
    handler: async (request, reply) => {
      const { id } = request.params;
      await permitted(request, 'read-records', id, `engagement ${id}`);
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

  /** The engagement's events in log order, optionally of some streams only. */
  const engagementLog = async (engagementId: string, streamPrefixes?: string[]) => {
    const events = [];
    for await (const event of deps.eventStore.readEngagement(engagementId, streamPrefixes ? { streamPrefixes } : {})) events.push(event);
    return events;
  };

  typed.get('/engagements/:id/changes', {
    ...common,
    schema: {
      ...base('GetChanges', 'engagements', 'What changed between two instants: requirements added, revised, re-scored, re-tiered and decided; readiness, phases and waivers; confirmations; the team; goals and targets – each with the events behind it', 'read-records'),
      querystring: ChangesQuery,
      response: { 200: Changes, ...limited },
    },
    handler: async (request) => {
      const { id } = request.params;
      await permitted(request, 'read-records', id, `engagement ${id}`);
      const from = new Date(request.query.from).toISOString();
      const to = new Date(request.query.to ?? now()).toISOString();
      if (Date.parse(from) >= Date.parse(to)) {
        const message = `from (${from}) must be before to (${to})`;
        return fail('validation-failed', message, { errors: [{ in: 'querystring', path: '/from', message }] });
      }
      return { engagementId: id, from, to, changes: changesBetween(await engagementLog(id), from, to) };
    },
  });

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
      for await (const doc of collection<InterviewDocument>(READ_MODELS.interviews).find(filter, { sort: [['scheduledAt', 1]] })) {
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

  /** A baseline whose engagement the caller sees: every member (signatories are often stakeholders), pmo, admin. */
  const readableBaseline = async (request: FastifyRequest, id: string): Promise<BaselineDocument> => {
    const baseline = await found<BaselineDocument>(READ_MODELS.baselines, id, 'baseline');
    await permitted(request, 'see-overview', baseline.engagementId, `baseline ${id}`);
    return baseline;
  };

  typed.get('/engagements/:id/baselines', {
    ...common,
    schema: { ...base('ListBaselines', 'baselines', 'The baselines of the engagement, newest first, with their status, signatories and suspect marks', 'see-overview'),
      response: { 200: z.object({ items: z.array(Baseline) }), ...problems },
    },
    handler: async (request) => {
      const { id } = request.params;
      await permitted(request, 'see-overview', id, `engagement ${id}`);
      const items: BaselineDocument[] = [];
      for await (const doc of collection<BaselineDocument>(READ_MODELS.baselines).find({ engagementId: id }, { sort: [['createdAt', -1]] })) items.push(doc);
      return { items };
    },
  });

  typed.get('/baselines/:id', {
    ...common,
    schema: { ...base('GetBaseline', 'baselines', 'A baseline: the requirements frozen at their versions, its hash, signatories and sign-offs, and suspect marks', 'see-overview'),
      response: { 200: Baseline, ...problems },
    },
    handler: async (request) => readableBaseline(request, request.params.id),
  });

  typed.get('/baselines/:id/document', {
    ...common,
    schema: {
      ...base('GetSpecificationDocument', 'baselines', 'The requirement specification of a baseline, for the browser and print: priorities, sources traced to findings, interviews and confirmations, goals, sign-offs, suspect marks', 'see-overview'),
      querystring: DocumentQuery,
      response: {
        200: {
          description: 'HTML (Accept: text/html, the default) in English or Chinese, with a print stylesheet; a PDF to keep (Accept: application/pdf); or the same content as JSON',
          content: {
            'text/html': { schema: z.string() },
            'application/pdf': { schema: z.string().meta({ format: 'binary' }) },
            'application/json': { schema: SpecificationSchema },
          },
        },
        ...problems,
        // The PDF is rate limited with the other expensive reads (expensive-reads.ts).
        429: ProblemSchema,
      },
    },
    handler: async (request, reply) => {
      const baseline = await readableBaseline(request, request.params.id);
      const interviewIds = [...new Set(baseline.requirements.flatMap((r) => r.sources.map((s) => s.interviewId)))];
      const interviews: InterviewDocument[] = [];
      for (const interviewId of interviewIds) {
        const interview = await collection<InterviewDocument>(READ_MODELS.interviews).get(interviewId);
        if (interview) interviews.push(interview);
      }
      const progress = await collection<PhaseProgress>(READ_MODELS.progress).get(baseline.engagementId);
      const specification = specificationOf(baseline, interviews, progress?.goals ?? []);
      const wanted = request.query.format ?? FORMAT_OF[new Negotiator(request).mediaType(Object.keys(FORMAT_OF)) ?? 'text/html'] ?? 'html';
      if (wanted === 'json') return reply.type('application/json').send(specification);
      const language = languageOf(request, request.query.lang);
      if (wanted === 'pdf') {
        let pdf: Buffer;
        try {
          pdf = await specificationPdf(specification, language, deps.documentFont);
        } catch (error) {
          if (error instanceof DocumentFontMissingError) return fail('unavailable', error.message);
          throw error;
        }
        const file = `specification-${baseline.baselineId}-${language}.pdf`;
        return reply
          .type('application/pdf')
          .header('content-language', language)
          .header('vary', 'Accept, Accept-Language')
          .header('content-disposition', `attachment; filename="${file}"`)
          // A Buffer bypasses the response serializer, like the audit trail's CSV stream.
          .send(pdf as never);
      }
      return reply
        .type('text/html; charset=utf-8')
        .header('content-language', language)
        .header('vary', 'Accept, Accept-Language')
        .send(specificationHtml(specification, language));
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
