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
  'engagement.history-anchored': {
    ...base,
    actor: { id: 'service:anchoring', name: 'Anchoring' },
    correlationId: 'anchor-acme-crm-1824',
    causationId: 'anchor-acme-crm-1824',
    id: '0195a7e2-51c4-7d8e-9a0b-000000000011',
    type: 'engagement.history-anchored',
    subject: { type: 'engagement', id: 'acme-crm' },
    data: {
      anchor: {
        anchorVersion: 1,
        kind: 'engagement-history-anchor',
        engagementId: 'acme-crm',
        head: 'd25315c9d47428a48cefb956fd61958eabf8909c8cbedd362b75e8b5e073ce53',
        events: 42,
        streams: [
          ['engagement-acme-crm', 11, 'bb7d0cf1ee44aca0bcc0f739b77b935f13aec2fd537f5c29dedd883dd429ba83'],
          ['interview-int-sales-lead', 29, '6c9b19cb967b563d9d96b341ad4a89a74444c6f18e9530f4623817fe30d6400c'],
          ['requirement-req-credit-check', 0, '490f6f1d8571696c5a8e174e1bb19c8dad33d6bd74fba894641a14e0887febb6'],
        ],
        position: '1824',
        anchoredAt: '2026-03-02T09:05:00.000Z',
        signature: 'eyJhbGciOiJFZERTQSIsImtpZCI6InByb29mLTIwMjYtMDMifQ..3mC4Xz0Yb2n8Qk1vW7pR6tL5sD9fH2jK4gA0eU3iO8yT1qZ6wX5cV7bN9mM2lP4kJ6hG8fD0sA3zE5rY7uI9oQ',
      },
    },
  },
};

export const exampleOf = (type: IntegrationEventType): IntegrationEvent => INTEGRATION_EVENT_EXAMPLES[type];
