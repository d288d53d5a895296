import type { Actor, EngagementEvent, FrozenRequirement, InterviewEvent, RequirementEvent } from '../../contracts/index.js';
import { summaryHash } from '../../domain/index.js';

export const NOW = '2026-03-02T09:00:00.000Z';
export const pm: Actor = { id: 'u-pat', name: 'Pat Lee', roles: ['pm'] };
export const consultant: Actor = { id: 'u-chen', name: 'Chen Wei', roles: ['consultant'] };
export const interviewee: Actor = { id: 'u-li', name: 'Li Na', roles: ['stakeholder'] };
export const admin: Actor = { id: 'u-root', name: 'Admin', roles: ['admin'] };
export const meta = (actor: Actor = consultant, now = NOW) => ({ metadata: { actor, now } });

export const E1 = 'eng-1';
export const I1 = 'int-1';
export const R1 = 'req-1';

export const engagementStarted: EngagementEvent = {
  type: 'EngagementStarted',
  data: {
    engagementId: E1,
    name: 'CRM for Acme',
    client: 'Acme Trading',
    sponsor: { name: 'Zhang San', title: 'CEO' },
    goals: ['one view of the customer'],
    successCriteria: ['quotes out within a day'],
  },
};
export const advanced = (from: string, to: string): EngagementEvent =>
  ({ type: 'PhaseAdvanced', data: { engagementId: E1, from, to } }) as EngagementEvent;
export const inSurvey: EngagementEvent[] = [engagementStarted, advanced('concept-introduction', 'business-survey')];
export const atGoLive: EngagementEvent[] = [
  ...inSurvey,
  advanced('business-survey', 'process-solidification'),
  advanced('process-solidification', 'system-deployment'),
  advanced('system-deployment', 'application-training'),
  advanced('application-training', 'go-live'),
];

export const scheduleData = {
  interviewId: I1,
  engagementId: E1,
  interviewee: { name: 'Li Na', department: 'Sales', position: 'Sales manager', userId: interviewee.id },
  interviewers: ['Chen Wei'],
  scheduledAt: '2026-03-05T02:00:00.000Z',
  durationMinutes: 90,
  location: 'Room 3',
  method: 'in-person' as const,
  topics: ['business-process' as const, 'reports' as const],
};
export const interviewScheduled: InterviewEvent = { type: 'InterviewScheduled', data: scheduleData };
export const interviewConducted: InterviewEvent = {
  type: 'InterviewConducted',
  data: { interviewId: I1, conductedAt: '2026-03-01T02:00:00.000Z', attendees: ['Li Na'] },
};
export const findingRecorded = (findingId: string, interviewId = I1): InterviewEvent => ({
  type: 'FindingRecorded',
  data: { interviewId, findingId, section: 'workflow', text: `observation ${findingId}`, pain: 2, frequency: 'daily' },
});
export const summaryDrafted = (summaryVersion: number, text = `summary v${summaryVersion}`, findingIds = ['f-1']): InterviewEvent => ({
  type: 'SummaryDrafted',
  data: { interviewId: I1, summaryVersion, text, findingIds, summaryHash: summaryHash(text, findingIds) },
});
export const summarySent = (summaryVersion: number, text = `summary v${summaryVersion}`, findingIds = ['f-1']): InterviewEvent => ({
  type: 'SummarySentForConfirmation',
  data: { interviewId: I1, summaryVersion, summaryHash: summaryHash(text, findingIds) },
});
export const conductedWithFinding: InterviewEvent[] = [interviewScheduled, interviewConducted, findingRecorded('f-1')];
export const awaitingConfirmation: InterviewEvent[] = [...conductedWithFinding, summaryDrafted(1), summarySent(1)];
export const summaryConfirmed: InterviewEvent = {
  type: 'SummaryConfirmed',
  data: {
    interviewId: I1,
    summaryVersion: 1,
    summaryHash: summaryHash('summary v1', ['f-1']),
    confirmedBy: interviewee.id,
    via: { method: 'signed-in' },
  },
};

export const requirementCaptured: RequirementEvent = {
  type: 'RequirementCaptured',
  data: {
    requirementId: R1,
    engagementId: E1,
    title: 'Credit limit check on quotes',
    description: 'A quote above the customer credit limit needs finance approval.',
    category: 'sales',
    departments: ['Sales', 'Finance'],
    sources: [{ interviewId: I1, findingId: 'f-1' }],
  },
};
export const priorityInputs = { frequency: 3, lossIfMismanaged: 2, urgency: 1, fundSafety: true, stakeholderConcern: false };
export const requirementPrioritized: RequirementEvent = {
  type: 'RequirementPrioritized',
  data: { requirementId: R1, ...priorityInputs, rationale: 'touches credit', score: 9, formulaVersion: 1 },
};

/** `requirementCaptured` as a baseline freezes it once prioritized (`requirementPrioritized`) and accepted. */
export const frozenRequirement: FrozenRequirement = {
  requirementId: R1,
  version: 2,
  title: 'Credit limit check on quotes',
  description: 'A quote above the customer credit limit needs finance approval.',
  category: 'sales',
  departments: ['Sales', 'Finance'],
  sources: [{ interviewId: I1, findingId: 'f-1' }],
  goalIds: [],
  priority: { frequency: 3, lossIfMismanaged: 2, urgency: 1, fundSafety: true, stakeholderConcern: false, score: 9 },
  targetPhase: 'system-deployment',
};
