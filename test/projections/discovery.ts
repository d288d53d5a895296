/**
 * A realistic discovery for one engagement, as the log would hold it: the engagement starts,
 * readiness is assessed, the survey runs (three interviews – one moved, one called off), findings
 * are recorded, one summary goes back for revision before it is confirmed, another is still
 * awaiting the interviewee, six requirements are captured, revised, prioritized and decided, and
 * the project manager leaves the survey with a written waiver; then the team changes, a goal gets
 * a success target, the business case is drawn up and a gate condition chosen. Every event type occurs but the measurement, which needs go-live
 * (`afterGoLive`).
 */
import type { Actor, DomainEvent, GateCondition } from '../../contracts/index.js';
import { businessCaseFigures, summaryHash } from '../../domain/index.js';
import { consultant, E1, interviewee, pm } from '../support/fixtures.js';
import { eventLog } from '../support/projection-spec.js';

export const li = interviewee;
export const wang: Actor = { id: 'u-wang', name: 'Wang Fang', roles: ['stakeholder'] };

export const summaries = {
  liV1: { text: 'Sales quotes without a credit check; the pipeline report is compiled weekly by hand.', findingIds: ['f-1', 'f-2'] },
  liV2: { text: 'Sales quotes without a credit check; the pipeline report is compiled monthly by hand.', findingIds: ['f-1', 'f-2'] },
  wangV1: { text: 'Finance keeps the same customer under several names.', findingIds: ['f-3'] },
};
export const hashOf = (summary: { text: string; findingIds: string[] }) => summaryHash(summary.text, summary.findingIds);

export const waiver = {
  reason: 'Finance confirms after the month-end close; the sponsor agreed to proceed.',
  unmetConditions: [
    { rule: 'interview-not-confirmed', subjectId: 'int-2' },
    { rule: 'requirement-not-prioritized', subjectId: 'req-6' },
  ] satisfies GateCondition[],
};

const interviewBase = {
  engagementId: E1,
  interviewers: ['Chen Wei'],
  durationMinutes: 90,
  method: 'in-person' as const,
};

const captured = (requirementId: string, fields: { title: string; category: string; departments: string[]; findingId: string; interviewId: string }): DomainEvent =>
  ({
    type: 'RequirementCaptured',
    data: {
      requirementId,
      engagementId: E1,
      title: fields.title,
      description: `${fields.title}, as the interview found.`,
      category: fields.category,
      departments: fields.departments,
      sources: [{ interviewId: fields.interviewId, findingId: fields.findingId }],
    },
  }) as DomainEvent;

const inputs = (frequency: number, lossIfMismanaged: number, urgency: number, fundSafety: boolean, stakeholderConcern: boolean) => ({
  frequency,
  lossIfMismanaged,
  urgency,
  fundSafety,
  stakeholderConcern,
  score: frequency + lossIfMismanaged + urgency + 3 * Number(fundSafety) + 3 * Number(stakeholderConcern),
});

export const businessCase = {
  currency: 'CNY',
  periodLength: 'year' as const,
  discountRate: 0.1,
  groups: [{ groupId: 'quotes', name: 'Quoting', requirementIds: ['req-1'] }],
  lines: [
    { kind: 'cost' as const, label: 'Platform', amounts: [1000, 100, 100] },
    { kind: 'gain' as const, label: 'Quotes answered faster', groupId: 'quotes', amounts: [0, 700, 700] },
  ],
};

export const quoteTarget = { metric: 'Quote answer time', unit: 'hours', baseline: 30, target: 8, horizon: '2026-12-31', owner: 'Wang Fang' };

/** The log of the discovery; positions are 1 … 48 in the order below. */
export const wholeDiscovery = () => discoveryOn(eventLog());

const discoveryOn = (log: ReturnType<typeof eventLog>) => {
  const asPm = { actor: pm };
  const asConsultant = { actor: consultant };
  return [
    // 1–4: the engagement starts and enters the survey.
    log.record(
      {
        type: 'EngagementStarted',
        data: {
          engagementId: E1,
          name: 'CRM for Acme',
          client: 'Acme Trading',
          sponsor: { name: 'Zhang San', title: 'CEO' },
          goals: ['one view of the customer'],
          successCriteria: ['quotes out within a day'],
        },
      },
      asPm,
    ),
    log.record({ type: 'ReadinessRecorded', data: { engagementId: E1, item: 'funding-secured', status: 'not-met' } }, asPm),
    log.record(
      {
        type: 'ReadinessRecorded',
        data: { engagementId: E1, item: 'funding-secured', status: 'met', evidence: 'Budget approved by the board', previousStatus: 'not-met' },
      },
      asPm,
    ),
    log.record({ type: 'PhaseAdvanced', data: { engagementId: E1, from: 'concept-introduction', to: 'business-survey' } }, asPm),
    // 5–9: three interviews scheduled; one moved, one called off.
    log.record(
      {
        type: 'InterviewScheduled',
        data: {
          ...interviewBase,
          interviewId: 'int-1',
          interviewee: { name: 'Li Na', department: 'Sales', position: 'Sales manager', userId: li.id },
          scheduledAt: '2026-03-05T02:00:00.000Z',
          location: 'Room 3',
          topics: ['business-process', 'reports'],
          preparationNotes: 'A manager: focus on control and cost.',
        },
      },
      asConsultant,
    ),
    log.record(
      {
        type: 'InterviewScheduled',
        data: {
          ...interviewBase,
          interviewId: 'int-2',
          interviewee: { name: 'Wang Fang', department: 'Finance', position: 'Controller', phoneExt: '204', userId: wang.id },
          scheduledAt: '2026-03-06T02:00:00.000Z',
          location: 'Room 3',
          topics: ['data-needs', 'concerns'],
        },
      },
      asConsultant,
    ),
    log.record(
      {
        type: 'InterviewScheduled',
        data: {
          ...interviewBase,
          interviewId: 'int-3',
          interviewee: { name: 'Zhao Lei', department: 'Service', position: 'Agent' },
          scheduledAt: '2026-03-06T06:00:00.000Z',
          location: 'Service desk',
          method: 'questionnaire',
          topics: ['work-content'],
        },
      },
      asConsultant,
    ),
    log.record(
      {
        type: 'InterviewRescheduled',
        data: {
          interviewId: 'int-2',
          scheduledAt: '2026-03-09T02:00:00.000Z',
          location: 'Finance office',
          previousScheduledAt: '2026-03-06T02:00:00.000Z',
          previousLocation: 'Room 3',
          reason: 'Month-end close',
        },
      },
      asConsultant,
    ),
    log.record({ type: 'InterviewCancelled', data: { interviewId: 'int-3', reason: 'Covered by the service workshop' } }, asConsultant),
    // 10–18: Li Na's interview, a revision round, and her confirmation of version 2.
    log.record(
      { type: 'InterviewConducted', data: { interviewId: 'int-1', conductedAt: '2026-03-05T02:00:00.000Z', attendees: ['Li Na', 'Chen Wei'], notes: 'Brought the quote template.' } },
      asConsultant,
    ),
    log.record(
      {
        type: 'FindingRecorded',
        data: { interviewId: 'int-1', findingId: 'f-1', section: 'workflow', text: 'Quotes above the credit limit go out without finance approval.', pain: 3, frequency: 'daily' },
      },
      asConsultant,
    ),
    log.record(
      {
        type: 'FindingRecorded',
        data: { interviewId: 'int-1', findingId: 'f-2', section: 'data-report', text: 'The pipeline report is compiled by hand in a spreadsheet.', pain: 2 },
      },
      asConsultant,
    ),
    log.record({ type: 'SummaryDrafted', data: { interviewId: 'int-1', summaryVersion: 1, ...summaries.liV1, summaryHash: hashOf(summaries.liV1) } }, asConsultant),
    log.record({ type: 'SummarySentForConfirmation', data: { interviewId: 'int-1', summaryVersion: 1, summaryHash: hashOf(summaries.liV1) } }, asConsultant),
    log.record(
      {
        type: 'SummaryRevisionRequested',
        data: { interviewId: 'int-1', summaryVersion: 1, summaryHash: hashOf(summaries.liV1), requestedBy: li.id, comments: 'The pipeline report is monthly, not weekly.' },
      },
      { actor: li },
    ),
    log.record({ type: 'SummaryDrafted', data: { interviewId: 'int-1', summaryVersion: 2, ...summaries.liV2, summaryHash: hashOf(summaries.liV2) } }, asConsultant),
    log.record({ type: 'SummarySentForConfirmation', data: { interviewId: 'int-1', summaryVersion: 2, summaryHash: hashOf(summaries.liV2) } }, asConsultant),
    log.record(
      { type: 'SummaryConfirmed', data: { interviewId: 'int-1', summaryVersion: 2, summaryHash: hashOf(summaries.liV2), confirmedBy: li.id } },
      { actor: li },
    ),
    // 19–22: Wang Fang's interview; her summary still awaits her.
    log.record({ type: 'InterviewConducted', data: { interviewId: 'int-2', conductedAt: '2026-03-09T02:00:00.000Z', attendees: ['Wang Fang'] } }, asConsultant),
    log.record(
      {
        type: 'FindingRecorded',
        data: { interviewId: 'int-2', findingId: 'f-3', section: 'customer', text: 'The same customer exists three times under different names.', pain: 2, frequency: 'monthly' },
      },
      asConsultant,
    ),
    log.record({ type: 'SummaryDrafted', data: { interviewId: 'int-2', summaryVersion: 1, ...summaries.wangV1, summaryHash: hashOf(summaries.wangV1) } }, asConsultant),
    log.record({ type: 'SummarySentForConfirmation', data: { interviewId: 'int-2', summaryVersion: 1, summaryHash: hashOf(summaries.wangV1) } }, asConsultant),
    // 23–28: six requirements captured; one revised.
    log.record(captured('req-1', { title: 'Credit limit check on quotes', category: 'sales', departments: ['Sales', 'Finance'], interviewId: 'int-1', findingId: 'f-1' }), asConsultant),
    log.record(captured('req-2', { title: 'Weekly pipeline report', category: 'reporting', departments: ['Sales'], interviewId: 'int-1', findingId: 'f-2' }), asConsultant),
    log.record(captured('req-3', { title: 'Duplicate customer detection', category: 'customer-data', departments: ['Finance', 'Sales'], interviewId: 'int-2', findingId: 'f-3' }), asConsultant),
    log.record(captured('req-4', { title: 'Birthday greetings', category: 'marketing', departments: ['Sales'], interviewId: 'int-1', findingId: 'f-2' }), asConsultant),
    log.record(captured('req-5', { title: 'Quote approval workflow', category: 'sales', departments: ['Sales'], interviewId: 'int-1', findingId: 'f-1' }), asConsultant),
    log.record(
      {
        type: 'RequirementRevised',
        data: {
          requirementId: 'req-2',
          changes: { title: 'Monthly pipeline report' },
          previous: { title: 'Weekly pipeline report' },
          reason: 'The interviewee corrected the frequency',
        },
      },
      asConsultant,
    ),
    // 29–33: prioritized by the project manager; req-2 re-prioritized.
    log.record({ type: 'RequirementPrioritized', data: { requirementId: 'req-1', ...inputs(3, 3, 2, true, false), rationale: 'Touches credit risk', formulaVersion: 1 } }, asPm),
    log.record({ type: 'RequirementPrioritized', data: { requirementId: 'req-2', ...inputs(1, 1, 1, false, false), rationale: 'A convenience', formulaVersion: 1 } }, asPm),
    log.record({ type: 'RequirementPrioritized', data: { requirementId: 'req-3', ...inputs(2, 2, 1, false, true), rationale: 'Finance asked for it first', formulaVersion: 1 } }, asPm),
    log.record({ type: 'RequirementPrioritized', data: { requirementId: 'req-5', ...inputs(2, 2, 2, false, false), rationale: 'Slows every large deal', formulaVersion: 1 } }, asPm),
    log.record(
      {
        type: 'RequirementPrioritized',
        data: {
          requirementId: 'req-2',
          ...inputs(2, 1, 2, false, false),
          rationale: 'The monthly close depends on it',
          formulaVersion: 1,
          previous: inputs(1, 1, 1, false, false),
        },
      },
      asPm,
    ),
    // 34–36: decisions.
    log.record({ type: 'RequirementRejected', data: { requirementId: 'req-4', previousStatus: 'captured', reason: 'Out of scope for phase one' } }, asPm),
    log.record(
      { type: 'RequirementAccepted', data: { requirementId: 'req-1', previousStatus: 'prioritized', targetPhase: 'system-deployment', reason: 'Steering committee' } },
      asPm,
    ),
    log.record({ type: 'RequirementDeferred', data: { requirementId: 'req-5', previousStatus: 'prioritized', reason: 'After go-live' } }, asPm),
    // 37–38: one more requirement, left unprioritized, and the survey left with a waiver.
    log.record(captured('req-6', { title: 'Service ticket import', category: 'service', departments: ['Service'], interviewId: 'int-2', findingId: 'f-3' }), asConsultant),
    log.record({ type: 'PhaseAdvanced', data: { engagementId: E1, from: 'business-survey', to: 'process-solidification', waiver } }, asPm),
    // 39–41: the team changes: Wang joins as stakeholder, becomes an observer, then leaves.
    log.record({ type: 'MemberAdded', data: { engagementId: E1, userId: 'u-wang', name: 'Wang Fang', role: 'stakeholder', department: 'Finance' } }, asPm),
    log.record(
      {
        type: 'MemberRoleChanged',
        data: {
          engagementId: E1,
          userId: 'u-wang',
          name: 'Wang Fang',
          role: 'observer',
          department: 'Finance',
          previous: { name: 'Wang Fang', role: 'stakeholder', department: 'Finance' },
          reason: 'Follows the survey from now on',
        },
      },
      asPm,
    ),
    log.record({ type: 'MemberRemoved', data: { engagementId: E1, userId: 'u-wang', name: 'Wang Fang', role: 'observer', reason: 'Moved to the Shanghai office' } }, asPm),
    // 42–43: a confirmation link for Wang's summary, issued and then revoked.
    log.record(
      {
        type: 'ConfirmationLinkIssued',
        data: {
          interviewId: 'int-2',
          summaryVersion: 1,
          summaryHash: hashOf(summaries.wangV1),
          linkId: 'link-1',
          tokenHash: 'c'.repeat(64),
          expiresAt: '2026-03-20T02:00:00.000Z',
          email: 'wang.fang@acme.com',
          language: 'zh-CN',
        },
      },
      asConsultant,
    ),
    log.record({ type: 'ConfirmationLinkRevoked', data: { interviewId: 'int-2', linkId: 'link-1', reason: 'Sent to her old address' } }, asConsultant),
    // 44–46: a goal added, and a success target set for the goal the engagement started with, then revised.
    log.record({ type: 'GoalAdded', data: { engagementId: E1, goalId: 'goal-quotes', text: 'Quotes answered within a working day' } }, asPm),
    log.record(
      {
        type: 'SuccessTargetAdded',
        data: { engagementId: E1, goalId: 'goal-quotes', targetId: 'target-1', ...quoteTarget, direction: 'decrease' },
      },
      asPm,
    ),
    log.record(
      {
        type: 'SuccessTargetRevised',
        data: {
          engagementId: E1,
          goalId: 'goal-quotes',
          targetId: 'target-1',
          changes: { target: 12 },
          previous: { target: 8 },
          reason: 'Export quotes need a customs check',
          direction: 'decrease',
          status: 'pending',
        },
      },
      asPm,
    ),
    // 47: the business case drawn up.
    log.record(
      {
        type: 'BusinessCaseSet',
        data: { engagementId: E1, revision: 1, ...businessCase, figures: businessCaseFigures(businessCase), reason: 'Finance workshop', previous: {} },
      },
      asPm,
    ),
    // 48: "every named department heard" chosen for the survey's gate. A real log has it before the
    // survey is left (the decider refuses it afterwards); it comes last here so the positions above stay.
    log.record(
      {
        type: 'GateConditionsChosen',
        data: { engagementId: E1, phase: 'business-survey', require: ['departments-heard'], previous: [], reason: 'Seed 004: identify the key stakeholders' },
      },
      asPm,
    ),
  ];
};

/**
 * The specification signed off and changed: a baseline of the accepted req-1, reviewed and then
 * approved by Li; a change request raised by the consultant and approved by the pm, which makes
 * the baseline suspect; a second change request rejected; a new baseline that Li rejects.
 */
const specificationOn = (log: ReturnType<typeof eventLog>) => {
  const asPm = { actor: pm };
  const asLi = { actor: li };
  const frozen = {
    requirementId: 'req-1',
    version: 3,
    title: 'Credit limit check on quotes',
    description: 'A quote above the credit limit needs finance approval.',
    category: 'sales' as const,
    departments: ['Sales', 'Finance'],
    sources: [{ interviewId: 'int-1', findingId: 'f-1' }],
    goalIds: [],
    priority: { ...inputs(3, 3, 2, true, false), score: 11 },
    targetPhase: 'system-deployment' as const,
  };
  const HASH = 'b'.repeat(64);
  const changeRequest = (changeRequestId: string): DomainEvent => ({
    type: 'ChangeRequestRaised',
    data: {
      requirementId: 'req-1',
      changeRequestId,
      description: 'Orders are checked as well',
      reason: 'Orders placed without a quote bypass the check',
      impact: 'One more approval on large orders',
      changes: { description: 'A quote or an order above the credit limit needs finance approval.' },
    },
  });
  return [
    log.record(
      {
        type: 'BaselineCreated',
        data: { baselineId: 'bl-1', engagementId: E1, name: 'Specification 1.0', signatories: [{ userId: li.id, name: li.name, role: 'stakeholder' }], requirements: [frozen], baselineHash: HASH },
      },
      asPm,
    ),
    log.record({ type: 'BaselineSignedOff', data: { baselineId: 'bl-1', signer: { id: li.id, name: li.name }, meaning: 'reviewed', baselineHash: HASH, authenticatedAt: '2026-03-10T01:58:00.000Z' } }, asLi),
    log.record({ type: 'BaselineSignedOff', data: { baselineId: 'bl-1', signer: { id: li.id, name: li.name }, meaning: 'approved', baselineHash: HASH, authenticatedAt: '2026-03-10T02:00:00.000Z' } }, asLi),
    log.record({ type: 'BaselineSigned', data: { baselineId: 'bl-1', name: 'Specification 1.0', baselineHash: HASH, requirements: [{ requirementId: 'req-1', version: 3 }], supersedes: [] } }, asLi),
    log.record(changeRequest('cr-1'), { actor: consultant }),
    log.record({ type: 'ChangeRequestApproved', data: { requirementId: 'req-1', changeRequestId: 'cr-1', reason: 'Steering committee', suspectBaselineIds: ['bl-1'] } }, asPm),
    log.record(
      {
        type: 'RequirementRevised',
        data: {
          requirementId: 'req-1',
          changes: { description: 'A quote or an order above the credit limit needs finance approval.' },
          previous: { description: 'A quote above the credit limit needs finance approval.' },
          reason: 'change request cr-1: Steering committee',
        },
      },
      asPm,
    ),
    log.record(changeRequest('cr-2'), { actor: consultant }),
    log.record({ type: 'ChangeRequestRejected', data: { requirementId: 'req-1', changeRequestId: 'cr-2', reason: 'Made by cr-1 already' } }, asPm),
    log.record({ type: 'BaselineCreated', data: { baselineId: 'bl-2', engagementId: E1, name: 'Specification 1.1', signatories: [{ userId: li.id, name: li.name, role: 'stakeholder' }], requirements: [{ ...frozen, version: 5 }], baselineHash: HASH } }, asPm),
    log.record({ type: 'BaselineRejected', data: { baselineId: 'bl-2', rejectedBy: { id: li.id, name: li.name }, comments: 'The order screen is missing' } }, asLi),
  ];
};

/** The discovery taken to go-live, and the first measurement of its success target (positions 49–52), then the specification (53–63). */
export const afterGoLive = () => {
  const next = eventLog();
  const asPm = { actor: pm };
  return [
    ...discoveryOn(next),
    next.record({ type: 'PhaseAdvanced', data: { engagementId: E1, from: 'process-solidification', to: 'system-deployment' } }, asPm),
    next.record({ type: 'PhaseAdvanced', data: { engagementId: E1, from: 'system-deployment', to: 'application-training' } }, asPm),
    next.record({ type: 'PhaseAdvanced', data: { engagementId: E1, from: 'application-training', to: 'go-live' } }, asPm),
    next.record(
      {
        type: 'MeasurementRecorded',
        data: {
          engagementId: E1,
          goalId: 'goal-quotes',
          targetId: 'target-1',
          measurementId: 'measurement-1',
          value: 10,
          measuredAt: '2026-08-31T10:00:00.000Z',
          note: 'August average from the quote log',
          direction: 'decrease',
          status: 'met',
        },
      },
      asPm,
    ),
    ...specificationOn(next),
  ];
};
