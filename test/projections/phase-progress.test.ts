import t from 'tap';
import { PHASES, READINESS_ITEMS, type DomainEvent, type RequirementEvent } from '../../contracts/index.js';
import { phaseProgress, type PhaseProgress, type SurveyCounters } from '../../projections/index.js';
import {
  advanced,
  atGoLive,
  E1,
  engagementStarted,
  findingRecorded,
  I1,
  interviewConducted,
  interviewee,
  interviewScheduled,
  pm,
  priorityInputs,
  R1,
  requirementCaptured,
  requirementPrioritized,
  scheduleData,
  summaryConfirmed,
  summaryDrafted,
  summarySent,
} from '../support/fixtures.js';
import { eventLog, fold, minute, projectionSpec, recorded } from '../support/projection-spec.js';

const spec = projectionSpec(phaseProgress);

const noSurvey: SurveyCounters = {
  interviews: { scheduled: 0, conducted: 0, cancelled: 0 },
  summaries: { sent: 0, confirmed: 0, revisionRequested: 0, awaitingConfirmation: 0 },
  findings: 0,
  requirements: { captured: 0, prioritized: 0, accepted: 0, deferred: 0, rejected: 0, total: 0 },
};
const started: PhaseProgress = {
  id: E1,
  engagementId: E1,
  position: '1',
  currentPhase: 'concept-introduction',
  phases: [
    { phase: 'concept-introduction', status: 'active', startedAt: minute(1), completedAt: null },
    ...PHASES.slice(1).map((phase) => ({ phase, status: 'pending' as const, startedAt: null, completedAt: null })),
  ],
  readiness: READINESS_ITEMS.map((item) => ({ item, status: 'not-assessed' as const, evidence: null, recordedAt: null, recordedBy: null })),
  survey: noSurvey,
  goals: [{ goalId: 'eng-1:goal-1', text: 'one view of the customer' }],
  scorecard: { met: 0, notMet: 0, pending: 0, targets: [] },
  complexity: { functions: 0, departments: [], acceptedRequirements: [], requirementDepartments: [] },
  businessCase: null,
  hearing: { inputs: { members: [], interviews: [], requirements: [] }, departments: [], notHeard: [] },
  gateOptions: [],
  updatedAt: minute(1),
};
/** The survey counters after `events` (an engagement start is put before them). */
const surveyAfter = (events: DomainEvent[]) => {
  const log = eventLog();
  return fold(phaseProgress, [log.record(engagementStarted), ...log.recordAll(events)]).get(E1)!.survey;
};
const decided = (type: RequirementEvent['type'], previousStatus: string, requirementId = R1) =>
  ({ type, data: { requirementId, previousStatus, reason: 'steering', ...(type === 'RequirementAccepted' ? { targetPhase: 'go-live' } : {}) } }) as RequirementEvent;

t.test('EngagementStarted: concept introduction active, every other phase pending, nothing counted', async (t) => {
  spec(t).given(recorded([engagementStarted])).then({ [E1]: started });
});

t.test('PhaseAdvanced: completes the phase left and starts the next', async (t) => {
  spec(t)
    .given(recorded([engagementStarted, advanced('concept-introduction', 'business-survey')]))
    .then({
      [E1]: {
        ...started,
        position: '2',
        updatedAt: minute(2),
        currentPhase: 'business-survey',
        phases: started.phases.map((entry) =>
          entry.phase === 'concept-introduction'
            ? { ...entry, status: 'completed', completedAt: minute(2) }
            : entry.phase === 'business-survey'
              ? { ...entry, status: 'active', startedAt: minute(2) }
              : entry,
        ),
      },
    });
});

t.test('a waiver is shown on the phase whose exit gate it passed', async (t) => {
  const waiver = { reason: 'sponsor accepts the risk', unmetConditions: [{ rule: 'interview-not-confirmed' as const, subjectId: I1 }] };
  const log = eventLog();
  const events = [
    log.record(engagementStarted),
    log.record(advanced('concept-introduction', 'business-survey')),
    log.record({ type: 'PhaseAdvanced', data: { engagementId: E1, from: 'business-survey', to: 'process-solidification', waiver } }, { actor: pm }),
  ];
  const { documents } = spec(t).given(events);
  t.same(documents.get(E1)!.phases.slice(0, 3), [
    { phase: 'concept-introduction', status: 'completed', startedAt: minute(1), completedAt: minute(2) },
    { phase: 'business-survey', status: 'completed', startedAt: minute(2), completedAt: minute(3), waiver: { ...waiver, at: minute(3), by: pm } },
    { phase: 'process-solidification', status: 'active', startedAt: minute(3), completedAt: null },
  ]);
});

t.test('go-live, the terminal phase, stays active', async (t) => {
  const { documents } = spec(t).given(recorded(atGoLive));
  t.same(
    documents.get(E1)!.phases.map((p) => `${p.phase}:${p.status}`),
    PHASES.map((phase) => `${phase}:${phase === 'go-live' ? 'active' : 'completed'}`),
  );
  t.equal(documents.get(E1)!.currentPhase, 'go-live');
});

t.test('ReadinessRecorded: each item’s status, evidence, when and by whom', async (t) => {
  spec(t)
    .given(recorded([engagementStarted, { type: 'ReadinessRecorded', data: { engagementId: E1, item: 'strategy-defined', status: 'met', evidence: 'strategy paper v3' } }], { actor: pm }))
    .thenMatch({ [E1]: { readiness: [{}, { item: 'strategy-defined', status: 'met', evidence: 'strategy paper v3', recordedAt: minute(2), recordedBy: pm }, {}] } });
});

t.test('interview counters: how many reached scheduled, conducted, cancelled', async (t) => {
  const second = { type: 'InterviewScheduled', data: { ...scheduleData, interviewId: 'int-2' } } as DomainEvent;
  const moved = {
    type: 'InterviewRescheduled',
    data: { interviewId: 'int-2', scheduledAt: '2026-03-07T02:00:00.000Z', location: 'Room 3', previousScheduledAt: scheduleData.scheduledAt, previousLocation: 'Room 3', reason: 'clash' },
  } as DomainEvent;
  const cancelled = { type: 'InterviewCancelled', data: { interviewId: 'int-2', reason: 'left the company' } } as DomainEvent;
  t.same(surveyAfter([interviewScheduled, second, moved]).interviews, { scheduled: 2, conducted: 0, cancelled: 0 }, 'a move counts nothing');
  t.same(surveyAfter([interviewScheduled, second, moved, interviewConducted, cancelled]).interviews, { scheduled: 2, conducted: 1, cancelled: 1 });
});

t.test('summary counters: sendings, confirmations, revision requests, and what awaits the interviewee', async (t) => {
  const revision = {
    type: 'SummaryRevisionRequested',
    data: { interviewId: I1, summaryVersion: 1, summaryHash: (summarySent(1).data as { summaryHash: string }).summaryHash, requestedBy: interviewee.id, comments: 'no' },
  } as DomainEvent;
  const base = [interviewScheduled, interviewConducted, findingRecorded('f-1'), summaryDrafted(1)];
  t.same(surveyAfter(base).summaries, noSurvey.summaries, 'a draft is not counted');
  t.same(surveyAfter([...base, summarySent(1)]).summaries, { sent: 1, confirmed: 0, revisionRequested: 0, awaitingConfirmation: 1 });
  t.same(surveyAfter([...base, summarySent(1), revision]).summaries, { sent: 1, confirmed: 0, revisionRequested: 1, awaitingConfirmation: 0 });
  t.same(
    surveyAfter([...base, summarySent(1), revision, summaryDrafted(2), summarySent(2), { ...summaryConfirmed, data: { ...summaryConfirmed.data, summaryVersion: 2 } } as DomainEvent]).summaries,
    { sent: 2, confirmed: 1, revisionRequested: 1, awaitingConfirmation: 0 },
    'a version sent again after a revision request counts again',
  );
  t.equal(surveyAfter([...base, findingRecorded('f-2')]).findings, 2, 'findings recorded');
});

t.test('requirement counters: requirements by their current status', async (t) => {
  const second = { ...requirementCaptured, data: { ...requirementCaptured.data, requirementId: 'req-2' } } as DomainEvent;
  const reprioritized = {
    type: 'RequirementPrioritized',
    data: { requirementId: R1, ...priorityInputs, score: 9, rationale: 'again', formulaVersion: 1, previous: { ...priorityInputs, score: 9 } },
  } as DomainEvent;
  const counts = (events: DomainEvent[]) => surveyAfter(events).requirements;
  t.same(counts([requirementCaptured, second]), { captured: 2, prioritized: 0, accepted: 0, deferred: 0, rejected: 0, total: 2 });
  t.same(counts([requirementCaptured, second, requirementPrioritized]), { captured: 1, prioritized: 1, accepted: 0, deferred: 0, rejected: 0, total: 2 });
  t.same(
    counts([requirementCaptured, second, requirementPrioritized, reprioritized]),
    { captured: 1, prioritized: 1, accepted: 0, deferred: 0, rejected: 0, total: 2 },
    're-prioritizing moves nothing',
  );
  t.same(
    counts([requirementCaptured, second, requirementPrioritized, decided('RequirementAccepted', 'prioritized')]),
    { captured: 1, prioritized: 0, accepted: 1, deferred: 0, rejected: 0, total: 2 },
  );
  t.same(
    counts([requirementCaptured, second, requirementPrioritized, decided('RequirementAccepted', 'prioritized'), decided('RequirementDeferred', 'accepted')]),
    { captured: 1, prioritized: 0, accepted: 0, deferred: 1, rejected: 0, total: 2 },
  );
  t.same(
    counts([requirementCaptured, second, requirementPrioritized, decided('RequirementRejected', 'captured', 'req-2'), decided('RequirementRejected', 'prioritized')]),
    { captured: 0, prioritized: 0, accepted: 0, deferred: 0, rejected: 2, total: 2 },
  );
});

t.test('goals and the success scorecard: targets with their inputs, status as the events give it, and the counts', async (t) => {
  const G1 = 'eng-1:goal-1';
  const fields = { metric: 'Quote answer time', unit: 'hours', baseline: 30, target: 8, horizon: '2026-12-31', owner: 'Wang Fang' };
  const events: DomainEvent[] = [
    engagementStarted,
    { type: 'GoalAdded', data: { engagementId: E1, goalId: 'g-2', text: 'Fewer lost deals' } },
    { type: 'SuccessTargetAdded', data: { engagementId: E1, goalId: G1, targetId: 't-1', ...fields, direction: 'decrease' } },
    { type: 'SuccessTargetAdded', data: { engagementId: E1, goalId: 'g-2', targetId: 't-2', ...fields, metric: 'Win rate', unit: '%', baseline: 20, target: 30, direction: 'increase' } },
    {
      type: 'SuccessTargetRevised',
      data: { engagementId: E1, goalId: G1, targetId: 't-1', changes: { target: 12 }, previous: { target: 8 }, reason: 'customs check', direction: 'decrease', status: 'pending' },
    },
    {
      type: 'MeasurementRecorded',
      data: { engagementId: E1, goalId: G1, targetId: 't-1', measurementId: 'm-1', value: 10, measuredAt: '2026-08-31T10:00:00.000Z', direction: 'decrease', status: 'met' },
    },
  ];
  const progress = fold(phaseProgress, recorded(events)).get(E1)!;
  t.strictSame(progress.goals, [
    { goalId: G1, text: 'one view of the customer' },
    { goalId: 'g-2', text: 'Fewer lost deals' },
  ]);
  t.strictSame(progress.scorecard, {
    met: 1,
    notMet: 0,
    pending: 1,
    targets: [
      {
        goalId: G1,
        targetId: 't-1',
        ...fields,
        target: 12,
        direction: 'decrease',
        status: 'met',
        measurements: [{ measurementId: 'm-1', value: 10, measuredAt: '2026-08-31T10:00:00.000Z', note: null, recordedAt: minute(6) }],
      },
      { goalId: 'g-2', targetId: 't-2', ...fields, metric: 'Win rate', unit: '%', baseline: 20, target: 30, direction: 'increase', status: 'pending', measurements: [] },
    ],
  });
  t.equal(progress.updatedAt, minute(6));
});

t.test('complexity: accepted requirements and the departments they concern, with the inputs', async (t) => {
  const captured = (requirementId: string, departments: string[]) =>
    ({ type: 'RequirementCaptured', data: { ...requirementCaptured.data, requirementId, departments } }) as RequirementEvent;
  const prioritized = (requirementId: string) => ({ ...requirementPrioritized, data: { ...requirementPrioritized.data, requirementId } }) as RequirementEvent;
  const progress = fold(
    phaseProgress,
    recorded([
      engagementStarted,
      captured('req-1', ['Sales', 'Finance']),
      captured('req-2', ['Service']),
      captured('req-3', ['Sales']),
      captured('req-4', ['Legal']),
      { type: 'RequirementRevised', data: { requirementId: 'req-3', changes: { departments: ['Sales', 'Marketing'] }, previous: { departments: ['Sales'] }, reason: 'campaigns too' } },
      prioritized('req-1'),
      prioritized('req-2'),
      prioritized('req-3'),
      prioritized('req-4'),
      decided('RequirementAccepted', 'prioritized', 'req-1'),
      decided('RequirementAccepted', 'prioritized', 'req-3'),
      decided('RequirementAccepted', 'prioritized', 'req-4'),
      decided('RequirementDeferred', 'accepted', 'req-4'),
      decided('RequirementRejected', 'prioritized', 'req-2'),
    ]),
  ).get(E1)!;
  t.strictSame(progress.complexity, {
    functions: 2,
    departments: ['Finance', 'Marketing', 'Sales'],
    acceptedRequirements: [
      { requirementId: 'req-1', departments: ['Sales', 'Finance'] },
      { requirementId: 'req-3', departments: ['Sales', 'Marketing'] },
    ],
    requirementDepartments: [
      { requirementId: 'req-1', departments: ['Sales', 'Finance'] },
      { requirementId: 'req-2', departments: ['Service'] },
      { requirementId: 'req-3', departments: ['Sales', 'Marketing'] },
      { requirementId: 'req-4', departments: ['Legal'] },
    ],
  });
});

t.test('the business case: its inputs and the figures its event carries, the latest revision, who set it and why', async (t) => {
  const inputs = {
    currency: 'CNY',
    periodLength: 'quarter' as const,
    discountRate: 0.02,
    groups: [{ groupId: 'call-centre', name: 'Call centre application', category: 'service' as const }],
    lines: [{ kind: 'cost' as const, label: 'Set-up', groupId: 'call-centre', amounts: [1000] }, { kind: 'gain' as const, label: 'Fewer calls', amounts: [0, 600, 600] }],
  };
  // The figures are the decider's, carried by the event: the projection copies, never recomputes.
  const figures = { total: { netCashFlows: [1], presentValueOfGains: 2, presentValueOfCosts: 3, npv: 4, roi: 5, irr: { status: 'none' as const }, paybackPeriods: null, discountedPaybackPeriods: null }, groups: [], shared: null };
  const set = (revision: number, discountRate: number, reason: string): DomainEvent => ({
    type: 'BusinessCaseSet',
    data: { engagementId: E1, revision, ...inputs, discountRate, figures, reason, previous: revision === 1 ? {} : { discountRate: 0.02 } },
  });
  const log = eventLog();
  const progress = fold(phaseProgress, [log.record(engagementStarted), log.record(set(1, 0.02, 'workshop'), { actor: pm }), log.record(set(2, 0.03, 'hurdle rate'), { actor: pm })]).get(E1)!;
  t.strictSame(progress.businessCase, {
    revision: 2,
    ...inputs,
    discountRate: 0.03,
    figures,
    reason: 'hurdle rate',
    setAt: minute(3),
    setBy: { id: pm.id, name: pm.name, roles: pm.roles },
  });
  t.equal(progress.updatedAt, minute(3));
});

t.test('who has not been heard: the departments named by the team, interviews and requirements, heard once an interviewee confirmed', async (t) => {
  const member = (userId: string, department: string): DomainEvent => ({ type: 'MemberAdded', data: { engagementId: E1, userId, name: userId, role: 'stakeholder', department } });
  const scheduled = (interviewId: string, department: string): DomainEvent => ({
    type: 'InterviewScheduled',
    data: { ...scheduleData, interviewId, interviewee: { ...scheduleData.interviewee, department } },
  });
  const progress = fold(
    phaseProgress,
    recorded([
      engagementStarted,
      member('u-wang', 'Finance'),
      member('u-zhao', 'Warehouse'),
      { type: 'MemberRoleChanged', data: { engagementId: E1, userId: 'u-zhao', name: 'u-zhao', role: 'observer', department: 'Logistics', previous: { name: 'u-zhao', role: 'stakeholder', department: 'Warehouse' } } },
      scheduled('int-1', 'Sales'),
      scheduled('int-2', 'Service'),
      scheduled('int-3', 'Legal'),
      { type: 'InterviewConducted', data: { interviewId: 'int-1', conductedAt: minute(6), attendees: ['Li Na'] } },
      { type: 'InterviewConducted', data: { interviewId: 'int-2', conductedAt: minute(6), attendees: ['Zhou Min'] } },
      { type: 'InterviewCancelled', data: { interviewId: 'int-3', reason: 'left the company' } },
      { ...summaryConfirmed, data: { ...summaryConfirmed.data, interviewId: 'int-1' } } as DomainEvent,
      { ...requirementCaptured, data: { ...requirementCaptured.data, departments: ['sales', 'Marketing'] } } as DomainEvent,
      { type: 'GateConditionsChosen', data: { engagementId: E1, phase: 'business-survey', require: ['departments-heard'], previous: [], reason: 'hear everyone' } },
    ]),
  ).get(E1)!;
  t.strictSame(
    progress.hearing.departments.map((d) => [d.department, d.namedBy, d.interviewed, d.confirmed, d.heard]),
    [
      ['Finance', { members: ['u-wang'], interviews: [], requirements: [] }, [], [], false],
      ['Logistics', { members: ['u-zhao'], interviews: [], requirements: [] }, [], [], false],
      ['Marketing', { members: [], interviews: [], requirements: [R1] }, [], [], false],
      ['Sales', { members: [], interviews: ['int-1'], requirements: [R1] }, ['int-1'], ['int-1'], true],
      ['Service', { members: [], interviews: ['int-2'], requirements: [] }, ['int-2'], [], false],
    ],
    'a member who moved names the new department; a cancelled interview names none',
  );
  t.strictSame(progress.hearing.notHeard, ['Finance', 'Logistics', 'Marketing', 'Service']);
  t.strictSame(progress.gateOptions, [{ phase: 'business-survey', require: ['departments-heard'] }]);
  const afterRejection = fold(
    phaseProgress,
    recorded([engagementStarted, { ...requirementCaptured, data: { ...requirementCaptured.data, departments: ['Marketing'] } } as DomainEvent, decided('RequirementRejected', 'captured')]),
  ).get(E1)!;
  t.strictSame(afterRejection.hearing.notHeard, [], 'a rejected requirement names no department');
});

t.test('events of an engagement never started leave no document', async (t) => {
  spec(t).given(recorded([interviewScheduled, requirementCaptured])).then({});
});

t.test('it reads what the progress shows, and nothing else', async (t) => {
  t.same(
    [...phaseProgress.eventTypes].sort(),
    [
      'EngagementStarted',
      'ReadinessRecorded',
      'PhaseAdvanced',
      'BusinessCaseSet',
      'GateConditionsChosen',
      'MemberAdded',
      'MemberRoleChanged',
      'MemberRemoved',
      'InterviewScheduled',
      'InterviewConducted',
      'InterviewCancelled',
      'FindingRecorded',
      'SummarySentForConfirmation',
      'SummaryConfirmed',
      'SummaryRevisionRequested',
      'RequirementCaptured',
      'RequirementRevised',
      'RequirementPrioritized',
      'RequirementAccepted',
      'RequirementDeferred',
      'RequirementRejected',
      'GoalAdded',
      'SuccessTargetAdded',
      'SuccessTargetRevised',
      'MeasurementRecorded',
    ].sort(),
  );
});
