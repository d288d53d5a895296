/**
 * The write side of the HTTP contract: one route per command, declared as a table. The shared
 * handler authenticates, checks the role, honours If-Match and Idempotency-Key, runs the command
 * and answers `{ id, version, position, … }` with ETag (and Location for created resources).
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AcceptRequirementBody,
  AdvancePhaseBody,
  CancelInterviewBody,
  CaptureRequirementBody,
  ConfirmSummaryBody,
  DeferRequirementBody,
  DraftSummaryBody,
  PrioritizeRequirementBody,
  RecordFindingBody,
  RecordInterviewConductedBody,
  RecordReadinessBody,
  RejectRequirementBody,
  RequestSummaryRevisionBody,
  RescheduleInterviewBody,
  ReviseRequirementBody,
  ScheduleInterviewBody,
  SendSummaryForConfirmationBody,
  StartEngagementBody,
  type Role,
} from '../../contracts/index.js';
import { CATALOGUE, type CommandData, type CommandType } from '../commands/catalogue.js';
import type { CommandBus } from '../commands/command-bus.js';
import { idSource, type IdSource } from '../commands/ids.js';
import { KeyedQueue } from '../commands/keyed-queue.js';
import type { IdempotencyStore } from '../idempotency/store.js';
import { authenticate, requireRole } from './auth.js';
import type { Metrics } from './metrics.js';
import { fail, PROBLEM_TYPES } from './problem.js';
import { CommandAnswer, IdParams, ProblemSchema } from './schemas.js';

const PM: Role[] = ['pm', 'admin'];
const CONSULTANT: Role[] = ['consultant', 'pm', 'admin'];
/** Confirming is the interviewee's alone; the decider checks that the user is the interviewee. */
const INTERVIEWEE: Role[] = ['stakeholder', 'admin'];

type Route<T extends CommandType> = {
  type: T;
  url: string;
  tag: 'engagements' | 'interviews' | 'requirements';
  summary: string;
  body: z.ZodType;
  roles: Role[];
  toData: (id: string, body: never, ids: IdSource) => CommandData<T>;
};
const route = <T extends CommandType>(r: Route<T>) => r as unknown as Route<CommandType>;

export const COMMAND_ROUTES = [
  route({
    type: 'StartEngagement', url: '/engagements', tag: 'engagements', roles: PM, body: StartEngagementBody,
    summary: 'Start an engagement (phase concept-introduction)',
    toData: (_id, body: z.infer<typeof StartEngagementBody>, ids) => ({ ...body, engagementId: ids.resource('engagement') }),
  }),
  route({
    type: 'RecordReadiness', url: '/engagements/:id/readiness', tag: 'engagements', roles: PM, body: RecordReadinessBody,
    summary: 'Record the assessment of a readiness item',
    toData: (id, body: z.infer<typeof RecordReadinessBody>) => ({ ...body, engagementId: id }),
  }),
  route({
    type: 'AdvancePhase', url: '/engagements/:id/phase/advance', tag: 'engagements', roles: PM, body: AdvancePhaseBody,
    summary: 'Advance to the next phase (gates apply; a waiverReason passes an unmet gate)',
    toData: (id, body: z.infer<typeof AdvancePhaseBody>) => ({ ...body, engagementId: id }),
  }),
  route({
    type: 'ScheduleInterview', url: '/engagements/:id/interviews', tag: 'interviews', roles: CONSULTANT, body: ScheduleInterviewBody,
    summary: 'Schedule an interview',
    toData: (id, body: z.infer<typeof ScheduleInterviewBody>, ids) => ({ ...body, engagementId: id, interviewId: ids.resource('interview') }),
  }),
  route({
    type: 'RescheduleInterview', url: '/interviews/:id/reschedule', tag: 'interviews', roles: CONSULTANT, body: RescheduleInterviewBody,
    summary: 'Move a scheduled interview',
    toData: (id, body: z.infer<typeof RescheduleInterviewBody>) => ({ ...body, interviewId: id }),
  }),
  route({
    type: 'CancelInterview', url: '/interviews/:id/cancel', tag: 'interviews', roles: CONSULTANT, body: CancelInterviewBody,
    summary: 'Cancel a scheduled interview',
    toData: (id, body: z.infer<typeof CancelInterviewBody>) => ({ ...body, interviewId: id }),
  }),
  route({
    type: 'RecordInterviewConducted', url: '/interviews/:id/conduct', tag: 'interviews', roles: CONSULTANT, body: RecordInterviewConductedBody,
    summary: 'Record that the interview took place',
    toData: (id, body: z.infer<typeof RecordInterviewConductedBody>) => ({ ...body, interviewId: id }),
  }),
  route({
    type: 'RecordFinding', url: '/interviews/:id/findings', tag: 'interviews', roles: CONSULTANT, body: RecordFindingBody,
    summary: 'Record a finding of a conducted interview',
    toData: (id, body: z.infer<typeof RecordFindingBody>, ids) => ({ ...body, interviewId: id, findingId: ids.resource('finding') }),
  }),
  route({
    type: 'DraftSummary', url: '/interviews/:id/summary', tag: 'interviews', roles: CONSULTANT, body: DraftSummaryBody,
    summary: 'Draft the next version of the interview summary',
    toData: (id, body: z.infer<typeof DraftSummaryBody>) => ({ ...body, interviewId: id }),
  }),
  route({
    type: 'SendSummaryForConfirmation', url: '/interviews/:id/summary/send', tag: 'interviews', roles: CONSULTANT,
    body: SendSummaryForConfirmationBody, summary: 'Send the latest draft to the interviewee for confirmation',
    toData: (id) => ({ interviewId: id }),
  }),
  route({
    type: 'ConfirmSummary', url: '/interviews/:id/summary/confirm', tag: 'interviews', roles: INTERVIEWEE, body: ConfirmSummaryBody,
    summary: 'Confirm the summary version sent (the interviewee only)',
    toData: (id, body: z.infer<typeof ConfirmSummaryBody>) => ({ ...body, interviewId: id }),
  }),
  route({
    type: 'RequestSummaryRevision', url: '/interviews/:id/summary/request-revision', tag: 'interviews', roles: INTERVIEWEE,
    body: RequestSummaryRevisionBody, summary: 'Ask for a revision of the summary version sent (the interviewee only)',
    toData: (id, body: z.infer<typeof RequestSummaryRevisionBody>) => ({ ...body, interviewId: id }),
  }),
  route({
    type: 'CaptureRequirement', url: '/engagements/:id/requirements', tag: 'requirements', roles: CONSULTANT, body: CaptureRequirementBody,
    summary: 'Capture a requirement traced to findings',
    toData: (id, body: z.infer<typeof CaptureRequirementBody>, ids) => ({ ...body, engagementId: id, requirementId: ids.resource('requirement') }),
  }),
  route({
    type: 'ReviseRequirement', url: '/requirements/:id/revise', tag: 'requirements', roles: CONSULTANT, body: ReviseRequirementBody,
    summary: 'Revise a requirement before acceptance',
    toData: (id, body: z.infer<typeof ReviseRequirementBody>) => ({ ...body, requirementId: id }),
  }),
  route({
    type: 'PrioritizeRequirement', url: '/requirements/:id/prioritize', tag: 'requirements', roles: PM, body: PrioritizeRequirementBody,
    summary: 'Prioritize by the 20/80 principle; answers the score',
    toData: (id, body: z.infer<typeof PrioritizeRequirementBody>) => ({ ...body, requirementId: id }),
  }),
  route({
    type: 'AcceptRequirement', url: '/requirements/:id/accept', tag: 'requirements', roles: PM, body: AcceptRequirementBody,
    summary: 'Accept a prioritized requirement for a target phase',
    toData: (id, body: z.infer<typeof AcceptRequirementBody>) => ({ ...body, requirementId: id }),
  }),
  route({
    type: 'DeferRequirement', url: '/requirements/:id/defer', tag: 'requirements', roles: PM, body: DeferRequirementBody,
    summary: 'Defer a prioritized requirement',
    toData: (id, body: z.infer<typeof DeferRequirementBody>) => ({ ...body, requirementId: id }),
  }),
  route({
    type: 'RejectRequirement', url: '/requirements/:id/reject', tag: 'requirements', roles: PM, body: RejectRequirementBody,
    summary: 'Reject a requirement',
    toData: (id, body: z.infer<typeof RejectRequirementBody>) => ({ ...body, requirementId: id }),
  }),
];

const CommandHeaders = z.looseObject({
  'if-match': z
    .string()
    .regex(/^(W\/)?"\d+"$|^\*$/, 'If-Match takes the ETag of the resource, e.g. "3"')
    .optional()
    .describe('Optimistic concurrency: the version (ETag) the command is based on'),
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x21-\x7e]+$/, 'an Idempotency-Key is 1–255 visible ASCII characters')
    .optional()
    .describe('Repeat a request safely: the same key and body return the original answer'),
  'x-correlation-id': z.string().optional(),
});

const expectedVersionOf = (ifMatch: string | undefined) => {
  const match = ifMatch?.match(/"(\d+)"/);
  return match ? Number(match[1]) : undefined;
};

const canonicalJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );

const errorResponses = Object.fromEntries(
  [...new Set(Object.values(PROBLEM_TYPES).map((p) => p.status))].map((status) => [status, ProblemSchema]),
);

export type CommandRouteDeps = { bus: CommandBus; idempotency: IdempotencyStore; metrics: Metrics; clock: () => Date; idSecret: string };

export const registerCommandRoutes = (app: FastifyInstance, deps: CommandRouteDeps) => {
  const sameKey = new KeyedQueue();
  const typed = app.withTypeProvider<ZodTypeProvider>();
  for (const r of COMMAND_ROUTES) {
    const hasId = r.url.includes(':id');
    typed.route({
      method: 'POST',
      url: r.url,
      schema: {
        tags: [r.tag],
        summary: r.summary,
        operationId: r.type,
        security: [{ bearerAuth: [] }],
        ...(hasId ? { params: IdParams } : {}),
        headers: CommandHeaders,
        body: r.body,
        response: { [CATALOGUE[r.type].location ? 201 : 200]: CommandAnswer, ...errorResponses },
      },
      // Roles are checked before the body is validated: a user who may not send this command
      // learns that first, whatever the body.
      onRequest: [authenticate, requireRole(r.roles)],
      handler: async (request, reply) => {
        const id = hasId ? (request.params as { id: string }).id : '';
        const key = request.headers['idempotency-key'];
        const run = () => handle(deps, r, id, request, reply);
        if (key === undefined) return run();
        return sameKey.run(`${request.user.id}\n${key}`, run);
      },
    });
  }
};

const handle = async (deps: CommandRouteDeps, r: Route<CommandType>, id: string, request: FastifyRequest, reply: FastifyReply) => {
  const actor = request.user;
  const key = request.headers['idempotency-key'] as string | undefined;
  const now = deps.clock();
  const fingerprint = key ? createHash('sha256').update(`${request.method} ${request.url.split('?')[0]}\n${canonicalJson(request.body)}`).digest('hex') : '';
  if (key) {
    const earlier = deps.idempotency.get(actor.id, key, now.getTime());
    if (earlier) {
      if (earlier.fingerprint !== fingerprint) {
        deps.metrics.commands.inc({ type: r.type, outcome: 'idempotency-key-reused' });
        return fail('idempotency-key-reused', `Idempotency-Key ${key} was used with another request`);
      }
      deps.metrics.commands.inc({ type: r.type, outcome: 'replayed' });
      return reply.code(earlier.status).headers({ ...earlier.headers, 'idempotent-replayed': 'true' }).send(earlier.body);
    }
  }
  const ids = idSource(key ? { userId: actor.id, key, firstUsedAt: deps.idempotency.firstUse(actor.id, key, now.getTime()) } : undefined, deps.idSecret);
  const expectedVersion = expectedVersionOf(request.headers['if-match'] as string | undefined);
  try {
    const outcome = await deps.bus.execute(r.type, r.toData(id, request.body as never, ids), {
      actor,
      now: now.toISOString(),
      correlationId: request.id,
      causationId: ids.resource('command'),
      ids,
      ...(expectedVersion === undefined ? {} : { expectedVersion }),
    });
    const status = outcome.created ? 201 : 200;
    const headers: Record<string, string> = { etag: `"${outcome.version}"` };
    if (outcome.location) headers['location'] = outcome.location;
    const body = { id: outcome.id, version: outcome.version, position: outcome.position, ...outcome.answer };
    if (key) deps.idempotency.put({ userId: actor.id, key, fingerprint, status, headers, body, storedAt: now.getTime() });
    deps.metrics.commands.inc({ type: r.type, outcome: outcome.replayed ? 'replayed' : 'accepted' });
    return reply.code(status).headers(headers).send(body);
  } catch (error) {
    deps.metrics.commands.inc({ type: r.type, outcome: (error as { code?: string }).code ?? (error as Error).name });
    throw error;
  }
};
