/**
 * A whole discovery, projected: what a PMO opening each read model would expect to see.
 */
import t from 'tap';
import { REQUIREMENT_STATUSES } from '../../contracts/index.js';
import {
  auditTrail,
  engagementDocument,
  interviewFindings,
  interviewSchedule,
  phaseProgress,
  project,
  rankBacklog,
  requirementBacklog,
  requirementDocument,
  sortBacklog,
  withFindings,
} from '../../projections/index.js';
import { consultant, E1, pm } from '../support/fixtures.js';
import { minute } from '../support/projection-spec.js';
import { hashOf, li, summaries, waiver, wholeDiscovery, wang } from './discovery.js';

const log = wholeDiscovery();
const engagement = project(engagementDocument, log).get(E1)!;
const progress = project(phaseProgress, log).get(E1)!;
const findings = [...project(interviewFindings, log).values()];
const interviews = new Map(
  [...project(interviewSchedule, log)].map(([id, record]) => [id, withFindings(record, findings.filter((f) => f.interviewId === id))]),
);
const backlog = [...project(requirementBacklog, log).values()];
const requirements = project(requirementDocument, log);
const audit = [...project(auditTrail, log).values()];

t.test('the engagement: in process solidification after the survey, funding secured', async (t) => {
  t.match(engagement, {
    name: 'CRM for Acme',
    client: 'Acme Trading',
    sponsor: { name: 'Zhang San', title: 'CEO' },
    currentPhase: 'process-solidification',
    startedAt: minute(1),
    version: 12,
    team: [],
    memberIds: [],
  });
  t.same(engagement.team, [], 'Wang joined, changed role and left again');
  t.same(
    engagement.readiness.filter((r) => r.status !== 'not-assessed'),
    [{ item: 'funding-secured', status: 'met', evidence: 'Budget approved by the board', recordedAt: minute(3), recordedBy: pm }],
  );
});

t.test('phase progress: two phases done, the survey with its waiver, and the survey in numbers', async (t) => {
  t.same(progress.phases.slice(0, 4), [
    { phase: 'concept-introduction', status: 'completed', startedAt: minute(1), completedAt: minute(4) },
    { phase: 'business-survey', status: 'completed', startedAt: minute(4), completedAt: minute(38), waiver: { ...waiver, at: minute(38), by: pm } },
    { phase: 'process-solidification', status: 'active', startedAt: minute(38), completedAt: null },
    { phase: 'system-deployment', status: 'pending', startedAt: null, completedAt: null },
  ]);
  t.same(progress.survey, {
    interviews: { scheduled: 3, conducted: 2, cancelled: 1 },
    summaries: { sent: 3, confirmed: 1, revisionRequested: 1, awaitingConfirmation: 1 },
    findings: 3,
    requirements: { captured: 1, prioritized: 2, accepted: 1, deferred: 1, rejected: 1, total: 6 },
  });
});

t.test('the counters agree with the interviews and the backlog themselves', async (t) => {
  const all = [...interviews.values()];
  t.equal(progress.survey.interviews.scheduled, all.length);
  t.equal(progress.survey.interviews.conducted, all.filter((i) => i.conductedAt !== undefined).length);
  t.equal(progress.survey.interviews.cancelled, all.filter((i) => i.status === 'cancelled').length);
  t.equal(progress.survey.findings, all.reduce((n, i) => n + i.findings.length, 0));
  t.equal(progress.survey.summaries.sent, all.reduce((n, i) => n + i.summaries.filter((s) => s.sentAt).length, 0));
  t.equal(progress.survey.summaries.confirmed, all.filter((i) => i.confirmation !== null).length);
  t.equal(progress.survey.summaries.awaitingConfirmation, all.filter((i) => i.confirmationState === 'awaiting-confirmation').length);
  for (const status of REQUIREMENT_STATUSES) {
    t.equal(progress.survey.requirements[status], backlog.filter((r) => r.status === status).length, `${status} requirements`);
  }
});

t.test('the interview schedule: one confirmed, one awaiting the interviewee, one called off', async (t) => {
  t.same(
    [...interviews.values()].map((i) => [i.id, i.status, i.confirmationState, i.interviewee.name, i.scheduledAt, i.location]),
    [
      ['int-1', 'confirmed', 'confirmed', 'Li Na', '2026-03-05T02:00:00.000Z', 'Room 3'],
      ['int-2', 'summary-sent', 'awaiting-confirmation', 'Wang Fang', '2026-03-09T02:00:00.000Z', 'Finance office'],
      ['int-3', 'cancelled', 'no-summary', 'Zhao Lei', '2026-03-06T06:00:00.000Z', 'Service desk'],
    ],
  );
});

t.test('the interview record: who confirmed what, after which revision', async (t) => {
  const int1 = interviews.get('int-1')!;
  t.same(int1.confirmation, {
    summaryVersion: 2,
    summaryHash: hashOf(summaries.liV2),
    confirmedBy: li.id,
    confirmedByName: 'Li Na',
    confirmedAt: minute(18),
  });
  t.same(
    int1.summaries.map((s) => ({ v: s.summaryVersion, hash: s.summaryHash, sentAt: s.sentAt, revision: s.revisionRequested?.comments })),
    [
      { v: 1, hash: hashOf(summaries.liV1), sentAt: minute(14), revision: 'The pipeline report is monthly, not weekly.' },
      { v: 2, hash: hashOf(summaries.liV2), sentAt: minute(17), revision: undefined },
    ],
  );
  t.same(int1.findings.map((f) => f.findingId), ['f-1', 'f-2']);
  t.match(interviews.get('int-2'), {
    reschedules: [{ reason: 'Month-end close', by: consultant }],
    confirmation: null,
    links: [{ linkId: 'link-1', state: 'revoked', revoked: { reason: 'Sent to her old address', by: consultant }, email: 'wang.fang@acme.com' }],
    version: 7,
  });
  t.notOk(JSON.stringify(interviews.get('int-2')).includes('c'.repeat(64)), 'the read model never holds the hash of a link secret');
});

t.test('the backlog, ranked 20/80 and sorted as it is answered', async (t) => {
  t.same(
    sortBacklog(rankBacklog(backlog)).map((r) => [r.id, r.title, r.status, r.score, r.rank, r.tier, r.targetPhase ?? null]),
    [
      ['req-1', 'Credit limit check on quotes', 'accepted', 11, 1, 'vital-few', 'system-deployment'],
      ['req-3', 'Duplicate customer detection', 'prioritized', 8, 2, 'vital-few', null],
      ['req-5', 'Quote approval workflow', 'deferred', 6, 3, 'trivial-many', null],
      ['req-2', 'Monthly pipeline report', 'prioritized', 5, 4, 'trivial-many', null],
      ['req-4', 'Birthday greetings', 'rejected', null, null, null, null],
      ['req-6', 'Service ticket import', 'captured', null, null, null, null],
    ],
    'req-1 by rank (top 1 of 4) and money, req-3 because the client asked for it',
  );
});

t.test('goals and the scorecard: the starting goal with its derived id, the added goal and its revised target', async (t) => {
  t.same(progress.goals, [
    { goalId: 'eng-1:goal-1', text: 'one view of the customer' },
    { goalId: 'goal-quotes', text: 'Quotes answered within a working day' },
  ]);
  t.match(progress.scorecard, { met: 0, notMet: 0, pending: 1, targets: [{ targetId: 'target-1', goalId: 'goal-quotes', target: 12, status: 'pending', measurements: [] }] });
  t.same(engagement.goals, ['one view of the customer', 'Quotes answered within a working day']);
});

t.test('complexity: one function accepted, concerning sales and finance', async (t) => {
  t.match(progress.complexity, { functions: 1, departments: ['Finance', 'Sales'], acceptedRequirements: [{ requirementId: 'req-1', departments: ['Sales', 'Finance'] }] });
});

t.test('a requirement’s history: why its title and its priority changed', async (t) => {
  const req2 = requirements.get('req-2')!;
  t.same(req2.revisions.map((r) => [r.previous.title, r.changes.title, r.reason]), [['Weekly pipeline report', 'Monthly pipeline report', 'The interviewee corrected the frequency']]);
  t.same(req2.priorityHistory.map((p) => [p.score, p.rationale, p.by.id]), [
    [3, 'A convenience', pm.id],
    [5, 'The monthly close depends on it', pm.id],
  ]);
  t.match(requirements.get('req-1'), { decisions: [{ status: 'accepted', targetPhase: 'system-deployment', by: pm }], sources: [{ interviewId: 'int-1', findingId: 'f-1' }] });
});

t.test('the audit trail: every event, and the questions an auditor asks', async (t) => {
  t.equal(audit.length, log.length);
  t.same(
    audit.filter((e) => e.actor.id === li.id).map((e) => [e.action, e.summaryVersion, e.summaryHash]),
    [
      ['summary-revision-requested', 1, hashOf(summaries.liV1)],
      ['summary-confirmed', 2, hashOf(summaries.liV2)],
    ],
    'what did Li Na do: she asked for a revision of version 1 and confirmed version 2',
  );
  t.same(audit.filter((e) => e.actor.id === wang.id), [], 'Wang Fang has not answered yet');
  t.same(
    audit.filter((e) => e.waiver).map((e) => [e.action, e.actor.id, e.reason, e.waiver!.unmetConditions.map((c) => c.subjectId)]),
    [['phase-advanced', pm.id, waiver.reason, ['int-2', 'req-6']]],
    'the one gate passed with a waiver, by whom and why',
  );
  t.same(
    audit.filter((e) => e.relatedIds.includes('f-1')).map((e) => `${e.position} ${e.action} ${e.subject.id}`),
    ['11 finding-recorded f-1', '13 summary-drafted int-1', '16 summary-drafted int-1', '23 requirement-captured req-1', '27 requirement-captured req-5'],
    'everything that touched finding f-1',
  );
  t.same(
    audit.filter((e) => e.subject.id === 'req-1').map((e) => [e.action, e.changes.status, e.reason]),
    [
      ['requirement-captured', { from: null, to: 'captured' }, null],
      ['requirement-prioritized', { from: 'captured', to: 'prioritized' }, 'Touches credit risk'],
      ['requirement-accepted', { from: 'prioritized', to: 'accepted' }, 'Steering committee'],
    ],
    'the decisions on req-1',
  );
});
