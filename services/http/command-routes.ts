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
  AddGoalBody,
  ApproveChangeRequestBody,
  CreateBaselineBody,
  RaiseChangeRequestBody,
  RejectBaselineBody,
  RejectChangeRequestBody,
  SignBaselineBody,
  AddMemberBody,
  AddSuccessTargetBody,
  AdvancePhaseBody,
  CancelInterviewBody,
  CaptureRequirementBody,
  ChooseGateConditionsBody,
  ConfirmSummaryBody,
  DeferRequirementBody,
  DraftSummaryBody,
  INTEGRATION_EVENT_EXAMPLES,
  PrioritizeRequirementBody,
  RecordFindingBody,
  RecordInterviewConductedBody,
  RecordMeasurementBody,
  RecordReadinessBody,
  RejectRequirementBody,
  RemoveMemberBody,
  RequestSummaryRevisionBody,
  RescheduleInterviewBody,
  RevokeConfirmationLinkBody,
  ReviseRequirementBody,
  ReviseSuccessTargetBody,
  ScheduleInterviewBody,
  SetBusinessCaseBody,
  SendSummaryForConfirmationBody,
  StartEngagementBody,
  UserId,
  DOMAIN_ERRORS,
} from '../../contracts/index.js';
import type { Access } from '../../domain/index.js';
import { CATALOGUE, type CommandData, type CommandType } from '../commands/catalogue.js';
import type { CommandBus } from '../commands/command-bus.js';
import { idSource, type IdSource } from '../commands/ids.js';
import { KeyedQueue } from '../commands/keyed-queue.js';
import type { IdempotencyStore } from '../../infra/idempotency/store.js';
import { accessNote, requireAccess } from './auth.js';
import type { Metrics } from './metrics.js';
import { fail, PROBLEM_TYPES } from './problem.js';
import { commandAnswer, CorrelationId, IdempotencyKey, IdParams, IfMatch, ProblemSchema } from './schemas.js';

type Route<T extends CommandType> = {
  type: T;
  url: string;
  tag: 'engagements' | 'interviews' | 'requirements' | 'baselines';
  summary: string;
  body: z.ZodType;
  /** A realistic request, shown in the OpenAPI document (and checked against the body schema by the tests). */
  example: object;
  toData: (id: string, body: never, ids: IdSource, params: Record<string, string>, caller: Caller) => CommandData<T>;
};
/** What the verified identity says about the caller besides who they are. */
type Caller = { authenticatedAt: string | undefined };
const route = <T extends CommandType>(r: Route<T>) => r as unknown as Route<CommandType>;

export const COMMAND_ROUTES = [
  route({
    type: 'StartEngagement', url: '/engagements', tag: 'engagements', body: StartEngagementBody,
    summary: 'Start an engagement (phase concept-introduction)',
    example: {
      name: 'CRM for Acme Trading',
      client: 'Acme Trading Co., Ltd.',
      sponsor: { name: 'Zhang San', title: 'CEO' },
      goals: ['One view of every customer across sales and service'],
      successCriteria: ['Quotes answered within one working day'],
    },
    toData: (_id, body: z.infer<typeof StartEngagementBody>, ids) => ({ ...body, engagementId: ids.resource('engagement') }),
  }),
  route({
    type: 'RecordReadiness', url: '/engagements/:id/readiness', tag: 'engagements', body: RecordReadinessBody,
    summary: 'Record the assessment of a readiness item',
    example: { item: 'funding-secured', status: 'met', evidence: 'Budget approved by the board on 2026-02-20 (minutes §4)' },
    toData: (id, body: z.infer<typeof RecordReadinessBody>) => ({ ...body, engagementId: id }),
  }),
  route({
    type: 'AddMember', url: '/engagements/:id/members', tag: 'engagements', body: AddMemberBody,
    summary: 'Add a member to the team, or change their role, workgroup or department',
    example: {
      userId: 'chen.wei@acme-consulting.com',
      name: 'Chen Wei',
      role: 'consultant',
      workgroup: 'Process design',
      department: 'Consulting',
      reason: 'Leads the sales process interviews',
    },
    toData: (id, body: z.infer<typeof AddMemberBody>) => ({ ...body, engagementId: id }),
  }),
  route({
    type: 'RemoveMember', url: '/engagements/:id/members/:userId/remove', tag: 'engagements', body: RemoveMemberBody,
    summary: 'Remove a member from the team (the last pm stays)',
    example: { reason: 'Moved to the Shanghai office' },
    toData: (id, body: z.infer<typeof RemoveMemberBody>, _ids, params) => ({ ...body, engagementId: id, userId: params['userId']! }),
  }),
  route({
    type: 'AddGoal', url: '/engagements/:id/goals', tag: 'engagements', body: AddGoalBody,
    summary: 'Add a business goal to the engagement',
    example: { text: 'Answer every quote request within one working day' },
    toData: (id, body: z.infer<typeof AddGoalBody>, ids) => ({ ...body, engagementId: id, goalId: ids.resource('goal') }),
  }),
  route({
    type: 'AddSuccessTarget', url: '/engagements/:id/goals/:goalId/targets', tag: 'engagements', body: AddSuccessTargetBody,
    summary: 'Add a measurable success target to a goal',
    example: {
      metric: 'Average time to answer a quote request',
      unit: 'hours',
      baseline: 30,
      target: 8,
      horizon: '2026-12-31',
      owner: 'Wang Fang, head of sales operations',
    },
    toData: (id, body: z.infer<typeof AddSuccessTargetBody>, ids, params) => ({
      ...body,
      engagementId: id,
      goalId: params['goalId']!,
      targetId: ids.resource('success-target'),
    }),
  }),
  route({
    type: 'ReviseSuccessTarget', url: '/engagements/:id/targets/:targetId/revise', tag: 'engagements', body: ReviseSuccessTargetBody,
    summary: 'Revise a success target, with the reason; answers its scorecard status',
    example: { target: 12, horizon: '2027-03-31', reason: 'Quotes for export customers need a customs check that takes half a day' },
    toData: (id, body: z.infer<typeof ReviseSuccessTargetBody>, _ids, params) => ({ ...body, engagementId: id, targetId: params['targetId']! }),
  }),
  route({
    type: 'RecordMeasurement', url: '/engagements/:id/targets/:targetId/measurements', tag: 'engagements', body: RecordMeasurementBody,
    summary: 'Record a measured actual value of a success target (after go-live); answers its scorecard status',
    example: { value: 7.5, measuredAt: '2026-08-31T18:00:00+08:00', note: 'August average from the quote log' },
    toData: (id, body: z.infer<typeof RecordMeasurementBody>, ids, params) => ({
      ...body,
      engagementId: id,
      targetId: params['targetId']!,
      measurementId: ids.resource('measurement'),
    }),
  }),
  route({
    type: 'SetBusinessCase', url: '/engagements/:id/business-case', tag: 'engagements', body: SetBusinessCaseBody,
    summary: 'Draw up or revise the business case (gains and costs per period, groups, discount rate), with the reason; answers NPV, IRR and payback',
    // The case of the public example of engagement.business-case-revised, as a pm sends it.
    example: (({ currency, periodLength, discountRate, groups, lines }) => ({ currency, periodLength, discountRate, groups, lines, reason: 'Figures from the finance workshop of 18 April' }))(
      INTEGRATION_EVENT_EXAMPLES['engagement.business-case-revised'].data,
    ),
    toData: (id, body: z.infer<typeof SetBusinessCaseBody>) => ({ ...body, engagementId: id }),
  }),
  route({
    type: 'ChooseGateConditions', url: '/engagements/:id/gate-conditions', tag: 'engagements', body: ChooseGateConditionsBody,
    summary: 'Choose the optional conditions of a phase gate, e.g. every named department heard before leaving the business survey',
    example: { phase: 'business-survey', require: ['departments-heard'], reason: 'Finance and the warehouse must be heard before the processes are fixed' },
    toData: (id, body: z.infer<typeof ChooseGateConditionsBody>) => ({ ...body, engagementId: id }),
  }),
  route({
    type: 'AdvancePhase', url: '/engagements/:id/phase/advance', tag: 'engagements', body: AdvancePhaseBody,
    summary: 'Advance to the next phase (gates apply; a waiverReason passes an unmet gate)',
    example: { to: 'process-solidification', waiverReason: 'Finance confirms after the month-end close; the sponsor agreed to proceed' },
    toData: (id, body: z.infer<typeof AdvancePhaseBody>) => ({ ...body, engagementId: id }),
  }),
  route({
    type: 'ScheduleInterview', url: '/engagements/:id/interviews', tag: 'interviews', body: ScheduleInterviewBody,
    summary: 'Schedule an interview',
    example: {
      interviewee: { name: 'Li Na', department: 'Sales', position: 'Sales manager', phoneExt: '8021', userId: 'li.na@acme.com' },
      interviewers: ['Chen Wei'],
      scheduledAt: '2026-03-05T10:00:00+08:00',
      durationMinutes: 90,
      location: 'Meeting room 3',
      method: 'in-person',
      topics: ['business-process', 'reports'],
      preparationNotes: 'Manager: focus on control of discounts and cost of sale',
    },
    toData: (id, body: z.infer<typeof ScheduleInterviewBody>, ids) => ({ ...body, engagementId: id, interviewId: ids.resource('interview') }),
  }),
  route({
    type: 'RescheduleInterview', url: '/interviews/:id/reschedule', tag: 'interviews', body: RescheduleInterviewBody,
    summary: 'Move a scheduled interview',
    example: { scheduledAt: '2026-03-06T14:00:00+08:00', location: 'Meeting room 5', reason: 'The interviewee travels on the 5th' },
    toData: (id, body: z.infer<typeof RescheduleInterviewBody>) => ({ ...body, interviewId: id }),
  }),
  route({
    type: 'CancelInterview', url: '/interviews/:id/cancel', tag: 'interviews', body: CancelInterviewBody,
    summary: 'Cancel a scheduled interview',
    example: { reason: 'The position is covered by the interview with the sales director' },
    toData: (id, body: z.infer<typeof CancelInterviewBody>) => ({ ...body, interviewId: id }),
  }),
  route({
    type: 'RecordInterviewConducted', url: '/interviews/:id/conduct', tag: 'interviews', body: RecordInterviewConductedBody,
    summary: 'Record that the interview took place',
    example: { conductedAt: '2026-03-05T10:05:00+08:00', attendees: ['Li Na', 'Chen Wei'], notes: 'Recorded with consent' },
    toData: (id, body: z.infer<typeof RecordInterviewConductedBody>) => ({ ...body, interviewId: id }),
  }),
  route({
    type: 'RecordFinding', url: '/interviews/:id/findings', tag: 'interviews', body: RecordFindingBody,
    summary: 'Record a finding of a conducted interview',
    example: { section: 'workflow', text: 'Quotes above 500,000 CNY are approved by phone; nothing is recorded', pain: 3, frequency: 'daily' },
    toData: (id, body: z.infer<typeof RecordFindingBody>, ids) => ({ ...body, interviewId: id, findingId: ids.resource('finding') }),
  }),
  route({
    type: 'DraftSummary', url: '/interviews/:id/summary', tag: 'interviews', body: DraftSummaryBody,
    summary: 'Draft the next version of the interview summary',
    example: {
      text: 'Sales quotes go out without a credit check; approvals happen by phone and leave no trace.',
      findingIds: ['0195a7e2-51c4-7d8e-9a0b-000000000101'],
    },
    toData: (id, body: z.infer<typeof DraftSummaryBody>) => ({ ...body, interviewId: id }),
  }),
  route({
    type: 'SendSummaryForConfirmation', url: '/interviews/:id/summary/send', tag: 'interviews',
    body: SendSummaryForConfirmationBody, summary: 'Send the latest draft to the interviewee for confirmation',
    example: {},
    toData: (id) => ({ interviewId: id }),
  }),
  route({
    type: 'ConfirmSummary', url: '/interviews/:id/summary/confirm', tag: 'interviews', body: ConfirmSummaryBody,
    summary: 'Confirm the summary version sent (the interviewee only)',
    example: { summaryVersion: 2, summaryHash: '3f0a9c1e5b7d2f4a6c8e0b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a' },
    toData: (id, body: z.infer<typeof ConfirmSummaryBody>) => ({ ...body, interviewId: id }),
  }),
  route({
    type: 'RequestSummaryRevision', url: '/interviews/:id/summary/request-revision', tag: 'interviews',
    body: RequestSummaryRevisionBody, summary: 'Ask for a revision of the summary version sent (the interviewee only)',
    example: { summaryVersion: 1, comments: 'The pipeline report is compiled monthly, not weekly' },
    toData: (id, body: z.infer<typeof RequestSummaryRevisionBody>) => ({ ...body, interviewId: id }),
  }),
  route({
    type: 'RevokeConfirmationLink', url: '/interviews/:id/confirmation-links/:linkId/revoke', tag: 'interviews',
    body: RevokeConfirmationLinkBody, summary: 'Revoke a confirmation link that has not been used',
    example: { reason: 'Sent to the wrong address' },
    toData: (id, body: z.infer<typeof RevokeConfirmationLinkBody>, _ids, params) => ({ ...body, interviewId: id, linkId: params['linkId']! }),
  }),
  route({
    type: 'CaptureRequirement', url: '/engagements/:id/requirements', tag: 'requirements', body: CaptureRequirementBody,
    summary: 'Capture a requirement traced to findings',
    example: {
      title: 'Credit limit check on quotes',
      description: 'A quote above the customer credit limit needs finance approval before it is sent.',
      category: 'sales',
      departments: ['Sales', 'Finance'],
      sources: [{ interviewId: '0195a7e2-51c4-7d8e-9a0b-000000000011', findingId: '0195a7e2-51c4-7d8e-9a0b-000000000101' }],
    },
    toData: (id, body: z.infer<typeof CaptureRequirementBody>, ids) => ({ ...body, engagementId: id, requirementId: ids.resource('requirement') }),
  }),
  route({
    type: 'ReviseRequirement', url: '/requirements/:id/revise', tag: 'requirements', body: ReviseRequirementBody,
    summary: 'Revise a requirement before acceptance',
    example: { departments: ['Sales', 'Finance', 'Legal'], reason: 'Legal signs off contracts above the limit' },
    toData: (id, body: z.infer<typeof ReviseRequirementBody>) => ({ ...body, requirementId: id }),
  }),
  route({
    type: 'PrioritizeRequirement', url: '/requirements/:id/prioritize', tag: 'requirements', body: PrioritizeRequirementBody,
    summary: 'Prioritize by the 20/80 principle; answers the score',
    example: {
      frequency: 3,
      lossIfMismanaged: 3,
      urgency: 2,
      fundSafety: true,
      stakeholderConcern: false,
      rationale: 'Unchecked credit cost 1.2 M CNY in bad debt last year',
    },
    toData: (id, body: z.infer<typeof PrioritizeRequirementBody>) => ({ ...body, requirementId: id }),
  }),
  route({
    type: 'AcceptRequirement', url: '/requirements/:id/accept', tag: 'requirements', body: AcceptRequirementBody,
    summary: 'Accept a prioritized requirement for a target phase',
    example: { targetPhase: 'system-deployment', reason: 'Steering committee of 2026-03-20' },
    toData: (id, body: z.infer<typeof AcceptRequirementBody>) => ({ ...body, requirementId: id }),
  }),
  route({
    type: 'DeferRequirement', url: '/requirements/:id/defer', tag: 'requirements', body: DeferRequirementBody,
    summary: 'Defer a prioritized requirement',
    example: { reason: 'After go-live: needs the ERP interface first' },
    toData: (id, body: z.infer<typeof DeferRequirementBody>) => ({ ...body, requirementId: id }),
  }),
  route({
    type: 'RejectRequirement', url: '/requirements/:id/reject', tag: 'requirements', body: RejectRequirementBody,
    summary: 'Reject a requirement',
    example: { reason: 'Out of scope: handled by the ERP' },
    toData: (id, body: z.infer<typeof RejectRequirementBody>) => ({ ...body, requirementId: id }),
  }),
  route({
    type: 'RaiseChangeRequest', url: '/requirements/:id/change-requests', tag: 'requirements', body: RaiseChangeRequestBody,
    summary: 'Raise a change request: the way to change an accepted requirement or one in a signed baseline',
    example: {
      description: 'Orders, not only quotes, are checked against the credit limit',
      reason: 'Finance found orders placed without a quote bypass the check',
      impact: 'One more approval step on orders above the limit; the order screen changes',
      changes: { description: 'A quote or an order above the customer credit limit needs finance approval before it is confirmed.' },
    },
    toData: (id, body: z.infer<typeof RaiseChangeRequestBody>, ids) => ({ ...body, requirementId: id, changeRequestId: ids.resource('change-request') }),
  }),
  route({
    type: 'ApproveChangeRequest', url: '/requirements/:id/change-requests/:changeRequestId/approve', tag: 'requirements',
    body: ApproveChangeRequestBody,
    summary: 'Approve a change request (not by its raiser): the requirement is revised and the signed baselines holding it become suspect',
    example: { reason: 'Steering committee of 2026-04-09' },
    toData: (id, body: z.infer<typeof ApproveChangeRequestBody>, _ids, params) => ({ ...body, requirementId: id, changeRequestId: params['changeRequestId']! }),
  }),
  route({
    type: 'RejectChangeRequest', url: '/requirements/:id/change-requests/:changeRequestId/reject', tag: 'requirements',
    body: RejectChangeRequestBody, summary: 'Reject a change request; the requirement stays as it is',
    example: { reason: 'Orders are checked in the ERP already' },
    toData: (id, body: z.infer<typeof RejectChangeRequestBody>, _ids, params) => ({ ...body, requirementId: id, changeRequestId: params['changeRequestId']! }),
  }),
  route({
    type: 'CreateBaseline', url: '/engagements/:id/baselines', tag: 'baselines', body: CreateBaselineBody,
    summary: 'Freeze the accepted requirements as a baseline (the requirement specification) to be signed by the signatories named',
    example: { name: 'Requirement specification 1.0', signatories: ['li.na@acme.com', 'wang.fang@acme.com'] },
    toData: (id, body: z.infer<typeof CreateBaselineBody>, ids) => ({ ...body, engagementId: id, baselineId: ids.resource('baseline') }),
  }),
  route({
    type: 'SignBaseline', url: '/baselines/:id/sign-off', tag: 'baselines', body: SignBaselineBody,
    summary: 'Sign off a baseline as approved or reviewed (a signatory, signed in within the last 5 minutes)',
    example: { meaning: 'approved', baselineHash: '9b2f3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f809' },
    toData: (id, body: z.infer<typeof SignBaselineBody>, _ids, _params, caller) => ({
      ...body,
      baselineId: id,
      ...(caller.authenticatedAt === undefined ? {} : { authenticatedAt: caller.authenticatedAt }),
    }),
  }),
  route({
    type: 'RejectBaseline', url: '/baselines/:id/reject', tag: 'baselines', body: RejectBaselineBody,
    summary: 'Reject a baseline with comments (a signatory); a new baseline follows',
    example: { comments: 'The monthly sales report by region is missing' },
    toData: (id, body: z.infer<typeof RejectBaselineBody>) => ({ ...body, baselineId: id }),
  }),
];

const CommandHeaders = z.looseObject({
  'if-match': IfMatch.optional(),
  'idempotency-key': IdempotencyKey.optional(),
  'x-correlation-id': CorrelationId.optional(),
});

const expectedVersionOf = (ifMatch: string | undefined) => {
  const match = ifMatch?.match(/"(\d+)"/);
  return match ? Number(match[1]) : undefined;
};

const canonicalJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );

/** What a command's own rules answer beyond what its declaration implies (problem-responses.ts): the domain's refusals. */
const errorResponses = Object.fromEntries(
  [...new Set(Object.values(DOMAIN_ERRORS).map((p) => p.status)), PROBLEM_TYPES['concurrent-modification'].status].map((status) => [status, ProblemSchema]),
);

/** The schema of a route's path parameters: user ids for `:userId`, ids for every other one. */
const paramsOf = (url: string) => {
  const names = [...url.matchAll(/:(\w+)/g)].map((match) => match[1]!);
  if (names.length === 0) return undefined;
  return z.strictObject(Object.fromEntries(names.map((name) => [name, name === 'userId' ? UserId : IdParams.shape.id])));
};

export type CommandRouteDeps = { bus: CommandBus; idempotency: IdempotencyStore; metrics: Metrics; clock: () => Date; idSecret: string };

export const registerCommandRoutes = (app: FastifyInstance, deps: CommandRouteDeps) => {
  const sameKey = new KeyedQueue();
  const typed = app.withTypeProvider<ZodTypeProvider>();
  for (const r of COMMAND_ROUTES) {
    const spec = CATALOGUE[r.type];
    const params = paramsOf(r.url);
    // Commands answered through a confirmation link have routes of their own (confirmation-routes.ts).
    const access = spec.access as Access;
    const answer = commandAnswer(spec.answer);
    const success = spec.location ? { 201: answer, ...(spec.created ? { 200: answer } : {}) } : { 200: answer };
    typed.route({
      method: 'POST',
      url: r.url,
      schema: {
        tags: [r.tag],
        summary: r.summary,
        description: accessNote(access),
        operationId: r.type,
        security: [{ bearerAuth: [] }],
        ...(params ? { params } : {}),
        headers: CommandHeaders,
        body: r.body.meta({ examples: [r.example] }),
        response: { ...success, ...errorResponses },
      },
      // Roles are checked before the body is validated: a user who may not send this command
      // learns that first, whatever the body. Membership is judged when the command is decided.
      onRequest: [app.authenticate, requireAccess(access)],
      handler: async (request, reply) => {
        const values = (request.params ?? {}) as Record<string, string>;
        const key = request.headers['idempotency-key'];
        const run = () => handle(deps, r, values['id'] ?? '', values, request, reply);
        if (key === undefined) return run();
        return sameKey.run(`${request.user.id}\n${key}`, run);
      },
    });
  }
};

export const handle = async (
  deps: CommandRouteDeps,
  r: Route<CommandType>,
  id: string,
  params: Record<string, string>,
  request: FastifyRequest,
  reply: FastifyReply,
) => {
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
    const outcome = await deps.bus.execute(r.type, r.toData(id, request.body as never, ids, params, { authenticatedAt: request.authenticatedAt }), {
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
