/**
 * What the read side of the HTTP contract shares: the read models, the permission check and the
 * query parameters of the resources' routes (plugins/). Every query may carry `X-Min-Position` to
 * read its own writes; the backlog also answers `asOf` a past instant from the log itself, folded
 * with the same projection code as the live read model.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { EngagementRole, Instant, RequirementCategory, RequirementStatus } from '../../contracts/index.js';
import { judge, type Access, type Team } from '../../domain/index.js';
import {
  AUDIT_ACTIONS,
  TIERS,
  INTERVIEW_STATUSES,
  type EngagementDocument,
  type InterviewDocument,
  type InterviewRecord,
  type FindingDocument,
  type BaselineDocument,
  findingsOf,
  withFindings,
} from '../../projections/index.js';
import Negotiator from 'negotiator';
import { LANGUAGES, type Language } from './specification/words.js';
import { comparePositions, type EventStore } from '../../infra/event-store/port.js';
import type { ReadModelStore } from '../../infra/read-models/port.js';
import { CATCH_UP_WAIT_MS, MIN_POSITION_WAIT_MS, type CatchUp, type ReadYourWrites } from '../queries/read-your-writes.js';
import { accessNote } from './auth.js';
import { fail } from './problem.js';
import { CorrelationId, IdParams, MinPosition, ProblemSchema } from './schemas.js';

export const READ_MODELS = {
  engagements: 'engagements',
  progress: 'phase-progress',
  interviews: 'interviews',
  findings: 'interview-findings',
  backlog: 'requirement-backlog',
  requirements: 'requirements',
  audit: 'audit-trail',
  baselines: 'baselines',
} as const;

export const MinPositionHeaders = z.looseObject({ 'x-min-position': MinPosition.optional(), 'x-correlation-id': CorrelationId.optional() });

const Limit = z.coerce.number().int().min(1).max(200).default(50);
export const TeamMember = z
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
export const GoalMatrixSchema = z
  .object({
    goals: z.array(z.object({ goalId: z.string(), text: z.string(), requirements: z.array(MatrixRequirement) })),
    unservedGoalIds: z.array(z.string()),
    requirementsServingNoGoal: z.array(MatrixRequirement),
  })
  .describe('Rejected requirements are left out: they serve nothing');
export const Page = (item: z.ZodType) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });
/** Beyond what a query's declaration implies (problem-responses.ts): an unknown or hidden resource. */
export const problems = { 404: ProblemSchema };
/** Audit CSV exports and backlog asOf reads are rate limited per user (expensive-reads.ts). */
export const limited = { ...problems, 429: ProblemSchema };

/** The opaque `nextCursor` of the page before (base64url), which only the service hands out. */
const Cursor = z
  .string()
  .max(500)
  .regex(/^[A-Za-z0-9_-]+$/, 'a cursor is the nextCursor of the page before')
  .describe('The nextCursor of the page before; any other value is 400')
  .optional();

export const BacklogQuery = z.strictObject({
  status: RequirementStatus.optional(),
  category: RequirementCategory.optional(),
  department: z.string().min(1).max(200).optional(),
  tier: z.enum(TIERS).optional(),
  limit: Limit,
  cursor: Cursor,
  asOf: Instant.optional().describe('The backlog exactly as it stood at this instant'),
});

export const AuditQuery = z.strictObject({
  actor: z.string().min(1).max(200).optional().describe('Actor (user) id'),
  action: z.enum(AUDIT_ACTIONS as [string, ...string[]]).optional(),
  subjectId: z.string().min(1).max(200).optional().describe('Entries about this engagement, interview, finding or requirement'),
  from: Instant.optional(),
  to: Instant.optional(),
  limit: Limit,
  cursor: Cursor,
  format: z.enum(['json', 'csv']).optional().describe('csv, or send Accept: text/csv'),
});

export const ChangesQuery = z.strictObject({
  from: Instant.describe('The earlier instant (ISO 8601)'),
  to: Instant.optional().describe('The later instant (ISO 8601); now when absent. Must be after `from`'),
});
export const ExplanationQuery = z.strictObject({ asOf: Instant.optional().describe('The instant to explain; now when absent') });

export const InterviewsQuery = z.strictObject({ status: z.enum(INTERVIEW_STATUSES).optional() });
export const DocumentQuery = z.strictObject({
  lang: z.enum(LANGUAGES).optional().describe('The language of the document; without it, Accept-Language decides (English when it names neither)'),
  format: z.enum(['html', 'pdf', 'json']).optional().describe('html (default), pdf (a file to keep), or json (the same content as data); or send Accept'),
});

export const FORMAT_OF: Record<string, 'html' | 'pdf' | 'json'> = { 'text/html': 'html', 'application/pdf': 'pdf', 'application/json': 'json' };

/** `?lang`, else the best of Accept-Language (prefixes match: `zh` reads zh-CN), else English. */
export const languageOf = (request: FastifyRequest, lang: Language | undefined): Language =>
  lang ?? ((new Negotiator(request).language([...LANGUAGES]) as Language | undefined) ?? 'en');
export const EngagementsQuery = z.strictObject({ limit: Limit, cursor: Cursor });

/** The team as the access rules read it, from the engagement's read model. */
export const teamOf = (engagement: EngagementDocument): Team => Object.fromEntries((engagement.team ?? []).map((m) => [m.userId, { role: m.role }]));

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

export const scheduleItem = (doc: InterviewRecord) => {
  // Interview documents MongoDB kept from before the findings had documents of their own still hold
  // them until `interviews` is rebuilt; the schedule never shows them.
  const { summaries: _summaries, findings: _findings, ...rest } = doc as InterviewRecord & { findings?: unknown };
  return rest;
};

/** An interview as the queries answer it, its findings gathered from their own documents. */
export const readInterview = async (readModels: ReadModelStore, id: string): Promise<InterviewDocument | undefined> => {
  const record = await readModels.collection<InterviewRecord>(READ_MODELS.interviews).get(id);
  if (record === undefined) return undefined;
  const { filter, options } = findingsOf(id);
  const findings: FindingDocument[] = [];
  for await (const finding of readModels.collection<FindingDocument>(READ_MODELS.findings).find(filter, options)) findings.push(finding);
  return withFindings(record, findings);
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

/** What every query route of a resource needs: the read models, the permission check, the read-your-writes hook. */
export const queryKit = (app: FastifyInstance, deps: QueryRouteDeps) => {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const { readModels } = deps;
  const collection = <D extends { id: string }>(name: string) => readModels.collection<D>(name);
  const now = deps.clock ?? (() => new Date());

  const readOwnWrites = readOwnWritesHook(deps);
  const found = async <D extends { id: string }>(name: string, id: string, what: string): Promise<D> =>
    (await collection<D>(name).get(id)) ?? fail('not-found', `${what} ${id} does not exist`);

  const permitted = engagementPermission(readModels);
  const common = { onRequest: app.authenticate, preHandler: readOwnWrites };

  /** An interview the caller may read: a reader of the engagement's records, or its interviewee. */
  const readableInterview = async (request: FastifyRequest, id: string): Promise<InterviewDocument> => {
    const interview = (await readInterview(readModels, id)) ?? fail('not-found', `interview ${id} does not exist`);
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

  /** The engagement's events in log order, optionally of some streams only. */
  const engagementLog = async (engagementId: string, streamPrefixes?: string[]) => {
    const events = [];
    for await (const event of deps.eventStore.readEngagement(engagementId, streamPrefixes ? { streamPrefixes } : {})) events.push(event);
    return events;
  };

  /** A baseline whose engagement the caller sees: every member (signatories are often stakeholders), pmo, admin. */
  const readableBaseline = async (request: FastifyRequest, id: string): Promise<BaselineDocument> => {
    const baseline = await found<BaselineDocument>(READ_MODELS.baselines, id, 'baseline');
    await permitted(request, 'see-overview', baseline.engagementId, `baseline ${id}`);
    return baseline;
  };

  return { typed, collection, now, readOwnWrites, found, permitted, common, readableInterview, readableBaseline, base, engagementLog };
};
