/** One example per integration event type, shown in the AsyncAPI document (and checked by tests). */
import { SPEC_VERSION } from './envelope.js';
import type { IntegrationEvent, IntegrationEventOfType, IntegrationEventType } from './events.js';

const base = {
  specVersion: SPEC_VERSION,
  schemaVersion: 1,
  occurredAt: '2026-03-02T09:00:00.000Z',
  engagementId: 'acme-crm',
  actor: { id: 'u-chen', name: 'Chen Wei' },
  correlationId: 'req-0195a7e2-51c4-7d8e-9a0b-1c2d3e4f5a6b',
  causationId: 'cmd-0195a7e2-51c4-7d8e-9a0b-1c2d3e4f5a6b',
} as const;

const requirement = { type: 'requirement', id: 'req-credit-check' } as const;

export const INTEGRATION_EVENT_EXAMPLES: { [T in IntegrationEventType]: IntegrationEventOfType<T> } = {
  'requirement.captured': {
    ...base,
    id: '0195a7e2-51c4-7d8e-9a0b-000000000001',
    type: 'requirement.captured',
    subject: requirement,
    data: {
      requirementId: 'req-credit-check',
      title: 'Credit limit check on quotes',
      description: 'A quote above the customer credit limit needs finance approval before it is sent.',
      category: 'sales',
      departments: ['Sales', 'Finance'],
      sources: [{ interviewId: 'int-sales-lead', findingId: 'f-3' }],
    },
  },
  'requirement.revised': {
    ...base,
    id: '0195a7e2-51c4-7d8e-9a0b-000000000002',
    type: 'requirement.revised',
    subject: requirement,
    data: {
      requirementId: 'req-credit-check',
      changes: { departments: ['Sales', 'Finance', 'Legal'] },
      previous: { departments: ['Sales', 'Finance'] },
      reason: 'Legal signs off contracts above the limit too.',
    },
  },
  'requirement.prioritized': {
    ...base,
    id: '0195a7e2-51c4-7d8e-9a0b-000000000003',
    type: 'requirement.prioritized',
    subject: requirement,
    data: {
      requirementId: 'req-credit-check',
      score: 11,
      formulaVersion: 1,
      inputs: { frequency: 3, lossIfMismanaged: 3, urgency: 2, fundSafety: true, stakeholderConcern: false },
      rationale: 'Daily, and bad debt is the biggest loss named in the survey.',
    },
  },
  'requirement.accepted': {
    ...base,
    actor: { id: 'u-pat', name: 'Pat Lee' },
    id: '0195a7e2-51c4-7d8e-9a0b-000000000004',
    type: 'requirement.accepted',
    subject: requirement,
    data: { requirementId: 'req-credit-check', status: 'accepted', previousStatus: 'prioritized', targetPhase: 'system-deployment' },
  },
  'requirement.deferred': {
    ...base,
    actor: { id: 'u-pat', name: 'Pat Lee' },
    id: '0195a7e2-51c4-7d8e-9a0b-000000000005',
    type: 'requirement.deferred',
    subject: { type: 'requirement', id: 'req-wechat-leads' },
    data: { requirementId: 'req-wechat-leads', status: 'deferred', previousStatus: 'prioritized', reason: 'After go-live.' },
  },
  'requirement.rejected': {
    ...base,
    actor: { id: 'u-pat', name: 'Pat Lee' },
    id: '0195a7e2-51c4-7d8e-9a0b-000000000006',
    type: 'requirement.rejected',
    subject: { type: 'requirement', id: 'req-fax-orders' },
    data: { requirementId: 'req-fax-orders', status: 'rejected', previousStatus: 'captured', reason: 'No customer orders by fax any more.' },
  },
  'interview.summary-confirmed': {
    ...base,
    actor: { id: 'u-li', name: 'Li Na' },
    id: '0195a7e2-51c4-7d8e-9a0b-000000000007',
    type: 'interview.summary-confirmed',
    subject: { type: 'interview', id: 'int-sales-lead' },
    data: {
      interviewId: 'int-sales-lead',
      summaryVersion: 2,
      summaryHash: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      confirmedBy: 'u-li',
      confirmedVia: 'signed-in',
    },
  },
  'engagement.phase-advanced': {
    ...base,
    actor: { id: 'u-pat', name: 'Pat Lee' },
    id: '0195a7e2-51c4-7d8e-9a0b-000000000008',
    type: 'engagement.phase-advanced',
    subject: { type: 'engagement', id: 'acme-crm' },
    data: { from: 'business-survey', to: 'process-solidification', waived: false },
  },
  'engagement.team-changed': {
    ...base,
    actor: { id: 'u-pat', name: 'Pat Lee' },
    id: '0195a7e2-51c4-7d8e-9a0b-000000000009',
    type: 'engagement.team-changed',
    subject: { type: 'engagement', id: 'acme-crm' },
    data: {
      change: 'added',
      member: { userId: 'u-chen', name: 'Chen Wei', role: 'consultant', workgroup: 'Process design', department: 'Consulting' },
      reason: 'leads the sales process interviews',
    },
  },
  'engagement.success-scorecard-changed': {
    ...base,
    actor: { id: 'u-pat', name: 'Pat Lee' },
    occurredAt: '2026-09-01T09:00:00.000Z',
    id: '0195a7e2-51c4-7d8e-9a0b-000000000010',
    type: 'engagement.success-scorecard-changed',
    subject: { type: 'engagement', id: 'acme-crm' },
    data: {
      change: 'measured',
      goalId: 'acme-crm:goal-1',
      targetId: '0195a7e2-51c4-7d8e-9a0b-000000000201',
      direction: 'decrease',
      status: 'met',
      measurement: {
        measurementId: '0195a7e2-51c4-7d8e-9a0b-000000000301',
        value: 7.5,
        measuredAt: '2026-08-31T16:00:00+08:00',
        note: 'August average from the quote log',
      },
    },
  },
  'requirement.change-approved': {
    ...base,
    actor: { id: 'u-pat', name: 'Pat Lee' },
    occurredAt: '2026-04-10T09:00:00.000Z',
    id: '0195a7e2-51c4-7d8e-9a0b-000000000011',
    type: 'requirement.change-approved',
    subject: requirement,
    data: {
      requirementId: 'req-credit-check',
      changeRequestId: '0195a7e2-51c4-7d8e-9a0b-000000000401',
      reason: 'Finance needs the check on orders too; agreed by the steering committee',
      suspectBaselineIds: ['0195a7e2-51c4-7d8e-9a0b-000000000501'],
    },
  },
  'baseline.signed': {
    ...base,
    actor: { id: 'li.na@acme.com', name: 'Li Na' },
    occurredAt: '2026-04-02T09:00:00.000Z',
    id: '0195a7e2-51c4-7d8e-9a0b-000000000012',
    type: 'baseline.signed',
    subject: { type: 'baseline', id: '0195a7e2-51c4-7d8e-9a0b-000000000501' },
    data: {
      baselineId: '0195a7e2-51c4-7d8e-9a0b-000000000501',
      name: 'Requirement specification 1.0',
      baselineHash: '9b2f3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f809',
      requirements: [{ requirementId: 'req-credit-check', version: 4 }],
      supersedes: [],
    },
  },
};

export const exampleOf = (type: IntegrationEventType): IntegrationEvent => INTEGRATION_EVENT_EXAMPLES[type];
