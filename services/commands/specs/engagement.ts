/** The commands of an engagement: starting it, its readiness, team, goals and targets, business case, gates and phases. */
import { z } from 'zod';
import {
  AddGoalBody,
  AddMemberBody,
  AddSuccessTargetBody,
  AdvancePhaseBody,
  CashFlowFigures,
  ChooseGateConditionsBody,
  EngagementCommand,
  INTEGRATION_EVENT_EXAMPLES,
  RecordMeasurementBody,
  RecordReadinessBody,
  RemoveMemberBody,
  ReviseSuccessTargetBody,
  SetBusinessCaseBody,
  StartEngagementBody,
} from '../../../contracts/index.js';
import { engagementDecider, gateNeedsSurveyFacts, type EngagementCommandWithContext, type EngagementState } from '../../../domain/index.js';
import { streamName } from '../../../infra/event-store/port.js';
import { aggregateSpec, type Aggregate, type Answer, asSent, fieldsOf, recorded, route } from '../spec.js';

const engagement: Aggregate<EngagementState, EngagementCommandWithContext, EngagementCommand['data']> = {
  name: 'engagement',
  decider: engagementDecider,
  stream: streamName.engagement,
  engagementOf: (_state, data) => data.engagementId,
  resource: 'engagements',
};

/** Drawing up or revising the business case answers with its revision and the whole case's headline figures. */
const businessCaseAnswer: Answer = {
  shape: {
    revision: z.number().int().min(1),
    npv: CashFlowFigures.shape.npv,
    irr: CashFlowFigures.shape.irr,
    paybackPeriods: CashFlowFigures.shape.paybackPeriods,
  },
  example: { revision: 2, npv: 403305.79, irr: { status: 'unique', rate: 0.3792 }, paybackPeriods: 1.7778 },
  of: (events) => {
    const set = recorded(events, 'BusinessCaseSet')?.data;
    return { revision: set?.revision, npv: set?.figures.total.npv, irr: set?.figures.total.irr, paybackPeriods: set?.figures.total.paybackPeriods };
  },
};

export const ENGAGEMENT = aggregateSpec(EngagementCommand, {
  StartEngagement: {
    of: engagement,
    access: 'start-engagement',
    subject: (d) => d.engagementId,
    judged: asSent,
    location: (d) => `/engagements/${d.engagementId}`,
    http: route({
      url: '/engagements', body: StartEngagementBody,
      summary: 'Start an engagement (phase concept-introduction)',
      example: {
        name: 'CRM for Acme Trading',
        client: 'Acme Trading Co., Ltd.',
        sponsor: { name: 'Zhang San', title: 'CEO' },
        goals: ['One view of every customer across sales and service'],
        successCriteria: ['Quotes answered within one working day'],
      },
      toData: (_id, body, ids) => ({ ...body, engagementId: ids.resource('engagement') }),
    }),
  },
  RecordReadiness: {
    of: engagement,
    access: 'manage',
    subject: (d) => d.engagementId,
    judged: asSent,
    http: route({
      url: '/engagements/:id/readiness', body: RecordReadinessBody,
      summary: 'Record the assessment of a readiness item',
      example: { item: 'funding-secured', status: 'met', evidence: 'Budget approved by the board on 2026-02-20 (minutes §4)' },
      toData: (id, body) => ({ ...body, engagementId: id }),
    }),
  },
  AddMember: {
    of: engagement,
    access: 'manage',
    subject: (d) => d.engagementId,
    judged: asSent,
    location: (d) => `/engagements/${d.engagementId}/members`,
    created: (events) => events.some((e) => e.type === 'MemberAdded'),
    http: route({
      url: '/engagements/:id/members', body: AddMemberBody,
      summary: 'Add a member to the team, or change their role, workgroup or department',
      example: {
        userId: 'chen.wei@acme-consulting.com',
        name: 'Chen Wei',
        role: 'consultant',
        workgroup: 'Process design',
        department: 'Consulting',
        reason: 'Leads the sales process interviews',
      },
      toData: (id, body) => ({ ...body, engagementId: id }),
    }),
  },
  RemoveMember: {
    of: engagement,
    access: 'manage',
    subject: (d) => d.engagementId,
    judged: asSent,
    http: route({
      url: '/engagements/:id/members/:userId/remove', body: RemoveMemberBody,
      summary: 'Remove a member from the team (the last pm stays)',
      example: { reason: 'Moved to the Shanghai office' },
      toData: (id, body, _ids, params) => ({ ...body, engagementId: id, userId: params['userId']! }),
    }),
  },
  AddGoal: {
    of: engagement,
    access: 'manage',
    subject: (d) => d.engagementId,
    judged: asSent,
    // Goals and targets are read in the engagement's progress (goals and the scorecard).
    location: (d) => `/engagements/${d.engagementId}/progress`,
    answer: fieldsOf('GoalAdded', { goalId: '0195a7e2-51c4-7d8e-9a0b-000000000301' }),
    http: route({
      url: '/engagements/:id/goals', body: AddGoalBody,
      summary: 'Add a business goal to the engagement',
      example: { text: 'Answer every quote request within one working day' },
      toData: (id, body, ids) => ({ ...body, engagementId: id, goalId: ids.resource('goal') }),
    }),
  },
  AddSuccessTarget: {
    of: engagement,
    access: 'manage',
    subject: (d) => d.engagementId,
    judged: asSent,
    location: (d) => `/engagements/${d.engagementId}/progress`,
    answer: fieldsOf('SuccessTargetAdded', { targetId: '0195a7e2-51c4-7d8e-9a0b-000000000401' }),
    http: route({
      url: '/engagements/:id/goals/:goalId/targets', body: AddSuccessTargetBody,
      summary: 'Add a measurable success target to a goal',
      example: {
        metric: 'Average time to answer a quote request',
        unit: 'hours',
        baseline: 30,
        target: 8,
        horizon: '2026-12-31',
        owner: 'Wang Fang, head of sales operations',
      },
      toData: (id, body, ids, params) => ({
        ...body,
        engagementId: id,
        goalId: params['goalId']!,
        targetId: ids.resource('success-target'),
      }),
    }),
  },
  ReviseSuccessTarget: {
    of: engagement,
    access: 'manage',
    subject: (d) => d.engagementId,
    judged: asSent,
    answer: fieldsOf('SuccessTargetRevised', { status: 'pending' }),
    http: route({
      url: '/engagements/:id/targets/:targetId/revise', body: ReviseSuccessTargetBody,
      summary: 'Revise a success target, with the reason; answers its scorecard status',
      example: { target: 12, horizon: '2027-03-31', reason: 'Quotes for export customers need a customs check that takes half a day' },
      toData: (id, body, _ids, params) => ({ ...body, engagementId: id, targetId: params['targetId']! }),
    }),
  },
  RecordMeasurement: {
    of: engagement,
    access: 'manage',
    subject: (d) => d.engagementId,
    judged: asSent,
    answer: fieldsOf('MeasurementRecorded', { measurementId: '0195a7e2-51c4-7d8e-9a0b-000000000501', status: 'met' }),
    http: route({
      url: '/engagements/:id/targets/:targetId/measurements', body: RecordMeasurementBody,
      summary: 'Record a measured actual value of a success target (after go-live); answers its scorecard status',
      example: { value: 7.5, measuredAt: '2026-08-31T18:00:00+08:00', note: 'August average from the quote log' },
      toData: (id, body, ids, params) => ({
        ...body,
        engagementId: id,
        targetId: params['targetId']!,
        measurementId: ids.resource('measurement'),
      }),
    }),
  },
  SetBusinessCase: {
    of: engagement,
    access: 'manage',
    subject: (d) => d.engagementId,
    // Only a case whose groups name requirements needs them: the ids are read from the log as it stands.
    judged: async (sent, load) =>
      sent.data.groups.some((g) => (g.requirementIds ?? []).length > 0)
        ? { ...sent, facts: { requirementIds: (await load.survey(sent.data.engagementId)).requirements.map((r) => r.requirementId) } }
        : sent,
    // The case is read in the engagement's progress; drawing it up creates it, a revision changes it.
    location: (d) => `/engagements/${d.engagementId}/progress`,
    created: (events) => recorded(events, 'BusinessCaseSet')?.data.revision === 1,
    answer: businessCaseAnswer,
    http: route({
      url: '/engagements/:id/business-case', body: SetBusinessCaseBody,
      summary: 'Draw up or revise the business case (gains and costs per period, groups, discount rate), with the reason; answers NPV, IRR and payback',
      // The case of the public example of engagement.business-case-revised, as a pm sends it.
      example: (({ currency, periodLength, discountRate, groups, lines }) => ({ currency, periodLength, discountRate, groups, lines, reason: 'Figures from the finance workshop of 18 April' }))(
        INTEGRATION_EVENT_EXAMPLES['engagement.business-case-revised'].data,
      ),
      toData: (id, body) => ({ ...body, engagementId: id }),
    }),
  },
  ChooseGateConditions: {
    of: engagement,
    access: 'manage',
    subject: (d) => d.engagementId,
    judged: asSent,
    http: route({
      url: '/engagements/:id/gate-conditions', body: ChooseGateConditionsBody,
      summary: 'Choose the optional conditions of a phase gate, e.g. every named department heard before leaving the business survey',
      example: { phase: 'business-survey', require: ['departments-heard'], reason: 'Finance and the warehouse must be heard before the processes are fixed' },
      toData: (id, body) => ({ ...body, engagementId: id }),
    }),
  },
  AdvancePhase: {
    of: engagement,
    access: 'manage',
    subject: (d) => d.engagementId,
    judged: async (sent, load, state) =>
      state.status === 'active' && gateNeedsSurveyFacts(state.phase) ? { ...sent, facts: await load.survey(sent.data.engagementId) } : sent,
    http: route({
      url: '/engagements/:id/phase/advance', body: AdvancePhaseBody,
      summary: 'Advance to the next phase (gates apply; a waiverReason passes an unmet gate)',
      example: { to: 'process-solidification', waiverReason: 'Finance confirms after the month-end close; the sponsor agreed to proceed' },
      toData: (id, body) => ({ ...body, engagementId: id }),
    }),
  },
});
