/** The commands of a requirement: capturing it, revising and prioritizing it, deciding on it, and its change requests. */
import {
  AcceptRequirementBody,
  ApproveChangeRequestBody,
  CaptureRequirementBody,
  DeferRequirementBody,
  PrioritizeRequirementBody,
  RaiseChangeRequestBody,
  RejectChangeRequestBody,
  RejectRequirementBody,
  RequirementCommand,
  ReviseRequirementBody,
} from '../../../contracts/index.js';
import { requirementDecider, type EngagementState, type RequirementCommandWithContext, type RequirementState } from '../../../domain/index.js';
import { streamName } from '../../../infra/event-store/port.js';
import { aggregateSpec, type Aggregate, type CommandType, type FactLoader, fieldsOf, engagementOfStream, route, type Sent } from '../spec.js';

const requirement: Aggregate<RequirementState, RequirementCommandWithContext, RequirementCommand['data']> = {
  name: 'requirement',
  decider: requirementDecider,
  stream: streamName.requirement,
  engagementOf: engagementOfStream,
  resource: 'requirements',
};

const noEngagement: EngagementState = { status: 'none' };

/** Requirement commands after capture are judged on the engagement the requirement belongs to. */
const ownEngagement = async <T extends CommandType>(sent: Sent<T>, load: FactLoader, state: RequirementState) => ({
  ...sent,
  facts: { engagement: state.status === 'none' ? noEngagement : await load.engagement(state.engagementId) },
});

/** Revising a requirement, directly or by an approved change request, is judged on the signed baselines too. */
const ownEngagementAndBaselines = async <T extends CommandType>(sent: Sent<T>, load: FactLoader, state: RequirementState) => {
  if (state.status === 'none') return { ...sent, facts: { engagement: noEngagement, baselines: [] } };
  const [engagement, baselines] = await Promise.all([load.engagement(state.engagementId), load.baselines(state.engagementId)]);
  return { ...sent, facts: { engagement, baselines } };
};

export const REQUIREMENT = aggregateSpec(RequirementCommand, {
  CaptureRequirement: {
    of: requirement,
    access: 'run-interviews',
    subject: (d) => d.requirementId,
    judged: async (sent, load) => {
      const interviewIds = [...new Set(sent.data.sources.map((s) => s.interviewId))];
      const interviews = await Promise.all(interviewIds.map(async (id) => [id, await load.interview(id)] satisfies [string, unknown]));
      return { ...sent, facts: { engagement: await load.engagement(sent.data.engagementId), interviews: Object.fromEntries(interviews) } };
    },
    location: (d) => `/requirements/${d.requirementId}`,
    http: route({
      url: '/engagements/:id/requirements', body: CaptureRequirementBody,
      summary: 'Capture a requirement traced to findings',
      example: {
        title: 'Credit limit check on quotes',
        description: 'A quote above the customer credit limit needs finance approval before it is sent.',
        category: 'sales',
        departments: ['Sales', 'Finance'],
        sources: [{ interviewId: '0195a7e2-51c4-7d8e-9a0b-000000000011', findingId: '0195a7e2-51c4-7d8e-9a0b-000000000101' }],
      },
      toData: (id, body, ids) => ({ ...body, engagementId: id, requirementId: ids.resource('requirement') }),
    }),
  },
  ReviseRequirement: {
    of: requirement,
    access: 'run-interviews',
    subject: (d) => d.requirementId,
    judged: ownEngagementAndBaselines,
    http: route({
      url: '/requirements/:id/revise', body: ReviseRequirementBody,
      summary: 'Revise a requirement before acceptance',
      example: { departments: ['Sales', 'Finance', 'Legal'], reason: 'Legal signs off contracts above the limit' },
      toData: (id, body) => ({ ...body, requirementId: id }),
    }),
  },
  PrioritizeRequirement: {
    of: requirement,
    access: 'manage',
    subject: (d) => d.requirementId,
    judged: ownEngagement,
    answer: fieldsOf('RequirementPrioritized', { score: 11 }),
    http: route({
      url: '/requirements/:id/prioritize', body: PrioritizeRequirementBody,
      summary: 'Prioritize by the 20/80 principle; answers the score',
      example: {
        frequency: 3,
        lossIfMismanaged: 3,
        urgency: 2,
        fundSafety: true,
        stakeholderConcern: false,
        rationale: 'Unchecked credit cost 1.2 M CNY in bad debt last year',
      },
      toData: (id, body) => ({ ...body, requirementId: id }),
    }),
  },
  AcceptRequirement: {
    of: requirement,
    access: 'manage',
    subject: (d) => d.requirementId,
    judged: ownEngagement,
    http: route({
      url: '/requirements/:id/accept', body: AcceptRequirementBody,
      summary: 'Accept a prioritized requirement for a target phase',
      example: { targetPhase: 'system-deployment', reason: 'Steering committee of 2026-03-20' },
      toData: (id, body) => ({ ...body, requirementId: id }),
    }),
  },
  DeferRequirement: {
    of: requirement,
    access: 'manage',
    subject: (d) => d.requirementId,
    judged: ownEngagement,
    http: route({
      url: '/requirements/:id/defer', body: DeferRequirementBody,
      summary: 'Defer a prioritized requirement',
      example: { reason: 'After go-live: needs the ERP interface first' },
      toData: (id, body) => ({ ...body, requirementId: id }),
    }),
  },
  RejectRequirement: {
    of: requirement,
    access: 'manage',
    subject: (d) => d.requirementId,
    judged: ownEngagement,
    http: route({
      url: '/requirements/:id/reject', body: RejectRequirementBody,
      summary: 'Reject a requirement',
      example: { reason: 'Out of scope: handled by the ERP' },
      toData: (id, body) => ({ ...body, requirementId: id }),
    }),
  },
  RaiseChangeRequest: {
    of: requirement,
    access: 'run-interviews',
    subject: (d) => d.requirementId,
    judged: ownEngagement,
    // A change request is read in its requirement.
    location: (d) => `/requirements/${d.requirementId}`,
    answer: fieldsOf('ChangeRequestRaised', { changeRequestId: '0195a7e2-51c4-7d8e-9a0b-000000000701' }),
    http: route({
      url: '/requirements/:id/change-requests', body: RaiseChangeRequestBody,
      summary: 'Raise a change request: the way to change an accepted requirement or one in a signed baseline',
      example: {
        description: 'Orders, not only quotes, are checked against the credit limit',
        reason: 'Finance found orders placed without a quote bypass the check',
        impact: 'One more approval step on orders above the limit; the order screen changes',
        changes: { description: 'A quote or an order above the customer credit limit needs finance approval before it is confirmed.' },
      },
      toData: (id, body, ids) => ({ ...body, requirementId: id, changeRequestId: ids.resource('change-request') }),
    }),
  },
  ApproveChangeRequest: {
    of: requirement,
    access: 'manage',
    subject: (d) => d.requirementId,
    judged: ownEngagementAndBaselines,
    answer: fieldsOf('ChangeRequestApproved', { suspectBaselineIds: ['0195a7e2-51c4-7d8e-9a0b-000000000801'] }),
    http: route({
      url: '/requirements/:id/change-requests/:changeRequestId/approve',
      body: ApproveChangeRequestBody,
      summary: 'Approve a change request (not by its raiser): the requirement is revised and the signed baselines holding it become suspect',
      example: { reason: 'Steering committee of 2026-04-09' },
      toData: (id, body, _ids, params) => ({ ...body, requirementId: id, changeRequestId: params['changeRequestId']! }),
    }),
  },
  RejectChangeRequest: {
    of: requirement,
    access: 'manage',
    subject: (d) => d.requirementId,
    judged: ownEngagement,
    http: route({
      url: '/requirements/:id/change-requests/:changeRequestId/reject',
      body: RejectChangeRequestBody, summary: 'Reject a change request; the requirement stays as it is',
      example: { reason: 'Orders are checked in the ERP already' },
      toData: (id, body, _ids, params) => ({ ...body, requirementId: id, changeRequestId: params['changeRequestId']! }),
    }),
  },
});
