import t from 'tap';
import { EVENT_TYPES } from '../../contracts/index.js';
import { actionOf, AUDIT_ACTIONS, auditTrail, type AuditEntry } from '../../projections/index.js';
import { consultant, E1, pm } from '../support/fixtures.js';
import { eventIdAt, fold, minute, projectionSpec } from '../support/projection-spec.js';
import { afterGoLive, businessCase, hashOf, li, quoteTarget, summaries, waiver } from './discovery.js';

const spec = projectionSpec(auditTrail);
const log = afterGoLive();
const entries = fold(auditTrail, log);
/** The entry of the event at log position n. */
const entry = (n: number) => entries.get(eventIdAt(n))!;

t.test('every event of every type gets an entry – audit data is never skipped', async (t) => {
  t.same(new Set(log.map((e) => e.type)), new Set(EVENT_TYPES), 'the discovery holds every event type');
  t.same([...auditTrail.eventTypes].sort(), [...EVENT_TYPES].sort(), 'the audit trail reads all of them');
  t.equal(entries.size, log.length, 'one entry per event');
  for (const event of log) {
    t.match(
      entries.get(event.eventId),
      { id: event.eventId, eventId: event.eventId, position: event.position, at: event.occurredAt, actor: event.actor, eventType: event.type, action: actionOf(event.type) },
      `${event.type} at ${event.position}`,
    );
  }
});

t.test('actions are the event types in kebab-case', async (t) => {
  t.same(AUDIT_ACTIONS, [
    'engagement-started',
    'readiness-recorded',
    'phase-advanced',
    'member-added',
    'member-role-changed',
    'member-removed',
    'goal-added',
    'success-target-added',
    'success-target-revised',
    'measurement-recorded',
    'business-case-set',
    'gate-conditions-chosen',
    'interview-scheduled',
    'interview-rescheduled',
    'interview-cancelled',
    'interview-conducted',
    'finding-recorded',
    'summary-drafted',
    'summary-sent-for-confirmation',
    'summary-confirmed',
    'summary-revision-requested',
    'confirmation-link-issued',
    'confirmation-link-revoked',
    'requirement-captured',
    'requirement-revised',
    'requirement-prioritized',
    'requirement-accepted',
    'requirement-deferred',
    'requirement-rejected',
    'change-request-raised',
    'change-request-approved',
    'change-request-rejected',
    'baseline-created',
    'baseline-signed-off',
    'baseline-signed',
    'baseline-rejected',
  ]);
});

t.test('goals and success targets: entries about the goal or the target, tied to the engagement and goal', async (t) => {
  t.match(entry(44), { action: 'goal-added', subject: { type: 'goal', id: 'goal-quotes' }, relatedIds: ['goal-quotes', E1], changes: { text: { from: null, to: 'Quotes answered within a working day' } } });
  t.match(entry(45), {
    action: 'success-target-added',
    subject: { type: 'success-target', id: 'target-1' },
    relatedIds: ['target-1', E1, 'goal-quotes'],
    reason: null,
    changes: { metric: { from: null, to: quoteTarget.metric }, target: { from: null, to: 8 }, horizon: { from: null, to: '2026-12-31' } },
  });
  t.strictSame(entry(46).changes, { target: { from: 8, to: 12 } });
  t.equal(entry(46).reason, 'Export quotes need a customs check');
  t.match(entry(52), {
    action: 'measurement-recorded',
    subject: { type: 'success-target', id: 'target-1' },
    relatedIds: ['target-1', E1, 'goal-quotes', 'measurement-1'],
    reason: 'August average from the quote log',
    changes: { value: { from: null, to: 10 }, measuredAt: { from: null, to: '2026-08-31T10:00:00.000Z' } },
  });
});

t.test('the business case: an entry about the case, with its inputs and figures, tied to the requirements its groups name', async (t) => {
  t.match(entry(47), {
    action: 'business-case-set',
    subject: { type: 'business-case', id: E1 },
    relatedIds: [E1, 'req-1'],
    reason: 'Finance workshop',
    changes: {
      currency: { from: null, to: 'CNY' },
      discountRate: { from: null, to: 0.1 },
      lines: { from: null, to: businessCase.lines },
      irr: { from: null, to: { status: 'unique' } },
    },
  });
});

t.test('a gate condition chosen: the gate before and after, and why', async (t) => {
  t.match(entry(48), {
    action: 'gate-conditions-chosen',
    subject: { type: 'engagement', id: E1 },
    reason: 'Seed 004: identify the key stakeholders',
    changes: { 'gate:business-survey': { from: [], to: ['departments-heard'] } },
  });
});

t.test('a confirmation: who confirmed which version, with which hash, when', async (t) => {
  spec(t)
    .given([log[17]!])
    .then({
      [eventIdAt(18)]: {
        id: eventIdAt(18),
        engagementId: E1,
        position: '18',
        eventId: eventIdAt(18),
        eventType: 'SummaryConfirmed',
        action: 'summary-confirmed',
        at: minute(18),
        actor: li,
        subject: { type: 'interview', id: 'int-1' },
        relatedIds: ['int-1'],
        reason: null,
        changes: { status: { from: 'summary-sent', to: 'confirmed' } },
        summaryVersion: 2,
        summaryHash: hashOf(summaries.liV2),
        correlationId: 'corr-18',
        causationId: 'cmd-18',
      } satisfies AuditEntry,
    });
});

t.test('a waiver: the phase change, the written reason and the conditions it waived', async (t) => {
  t.match(entry(38), {
    action: 'phase-advanced',
    actor: pm,
    subject: { type: 'engagement', id: E1 },
    reason: waiver.reason,
    changes: { phase: { from: 'business-survey', to: 'process-solidification' } },
    waiver,
  });
  t.notOk('waiver' in entry(4), 'an advance through a satisfied gate shows no waiver');
  t.match(entry(4), { reason: null, changes: { phase: { from: 'concept-introduction', to: 'business-survey' } } });
});

t.test('engagement: started with its initial values; readiness from the previous status, with the evidence as reason', async (t) => {
  t.same(entry(1).changes, {
    name: { from: null, to: 'CRM for Acme' },
    client: { from: null, to: 'Acme Trading' },
    sponsor: { from: null, to: { name: 'Zhang San', title: 'CEO' } },
    goals: { from: null, to: ['one view of the customer'] },
    successCriteria: { from: null, to: ['quotes out within a day'] },
    phase: { from: null, to: 'concept-introduction' },
  });
  t.match(entry(2), { reason: null, changes: { 'funding-secured': { from: null, to: 'not-met' } } });
  t.match(entry(3), { reason: 'Budget approved by the board', changes: { 'funding-secured': { from: 'not-met', to: 'met' } } });
});

t.test('interviews: scheduled, moved, cancelled, conducted', async (t) => {
  t.match(entry(5), {
    subject: { type: 'interview', id: 'int-1' },
    changes: {
      status: { from: null, to: 'scheduled' },
      scheduledAt: { from: null, to: '2026-03-05T02:00:00.000Z' },
      interviewee: { from: null, to: { name: 'Li Na', userId: li.id } },
      preparationNotes: { from: null, to: 'A manager: focus on control and cost.' },
    },
  });
  t.notOk('engagementId' in entry(5).changes, 'ids are not values that change');
  t.same(entry(8).changes, {
    scheduledAt: { from: '2026-03-06T02:00:00.000Z', to: '2026-03-09T02:00:00.000Z' },
    location: { from: 'Room 3', to: 'Finance office' },
  });
  t.equal(entry(8).reason, 'Month-end close');
  t.match(entry(9), { reason: 'Covered by the service workshop', changes: { status: { from: 'scheduled', to: 'cancelled' } } });
  t.same(entry(10).changes, {
    status: { from: 'scheduled', to: 'conducted' },
    conductedAt: { from: null, to: '2026-03-05T02:00:00.000Z' },
    attendees: { from: null, to: ['Li Na', 'Chen Wei'] },
    notes: { from: null, to: 'Brought the quote template.' },
  });
});

t.test('a reschedule that keeps the place lists only the new time', async (t) => {
  const moved = { ...log[7]!, data: { ...log[7]!.data, location: 'Room 3' } } as (typeof log)[number];
  t.same(fold(auditTrail, [moved]).get(moved.eventId)!.changes, { scheduledAt: { from: '2026-03-06T02:00:00.000Z', to: '2026-03-09T02:00:00.000Z' } });
});

t.test('findings and summaries', async (t) => {
  t.match(entry(12), {
    action: 'finding-recorded',
    subject: { type: 'finding', id: 'f-2' },
    relatedIds: ['f-2', 'int-1'],
    changes: { section: { from: null, to: 'data-report' }, pain: { from: null, to: 2 } },
  });
  t.notOk('frequency' in entry(12).changes, 'a rating not given is not listed');
  t.match(entry(13), {
    subject: { type: 'interview', id: 'int-1' },
    relatedIds: ['int-1', 'f-1', 'f-2'],
    changes: { summaryVersion: { from: null, to: 1 } },
    summaryVersion: 1,
    summaryHash: hashOf(summaries.liV1),
  });
  t.match(entry(14), { changes: { status: { from: 'summary-drafted', to: 'summary-sent' } }, summaryVersion: 1, summaryHash: hashOf(summaries.liV1) });
  t.match(entry(15), {
    actor: li,
    reason: 'The pipeline report is monthly, not weekly.',
    changes: { status: { from: 'summary-sent', to: 'revision-requested' } },
    summaryVersion: 1,
  });
  t.match(entry(16), { changes: { summaryVersion: { from: 1, to: 2 } }, summaryVersion: 2, summaryHash: hashOf(summaries.liV2) });
});

t.test('requirements: captured, revised, prioritized and re-prioritized, decided', async (t) => {
  t.match(entry(23), {
    actor: consultant,
    subject: { type: 'requirement', id: 'req-1' },
    relatedIds: ['req-1', 'int-1', 'f-1'],
    changes: { status: { from: null, to: 'captured' }, title: { from: null, to: 'Credit limit check on quotes' }, sources: { from: null, to: [{ interviewId: 'int-1', findingId: 'f-1' }] } },
  });
  t.same(entry(28).changes, { title: { from: 'Weekly pipeline report', to: 'Monthly pipeline report' } });
  t.equal(entry(28).reason, 'The interviewee corrected the frequency');
  t.same(entry(30).changes, {
    status: { from: 'captured', to: 'prioritized' },
    frequency: { from: null, to: 1 },
    lossIfMismanaged: { from: null, to: 1 },
    urgency: { from: null, to: 1 },
    fundSafety: { from: null, to: false },
    stakeholderConcern: { from: null, to: false },
    score: { from: null, to: 3 },
  });
  t.same(
    entry(33).changes,
    { frequency: { from: 1, to: 2 }, urgency: { from: 1, to: 2 }, score: { from: 3, to: 5 } },
    'a re-prioritization lists the inputs and the score that changed',
  );
  t.equal(entry(33).reason, 'The monthly close depends on it', 'the rationale is the reason');
  t.match(entry(34), { action: 'requirement-rejected', reason: 'Out of scope for phase one', changes: { status: { from: 'captured', to: 'rejected' } } });
  t.same(entry(35).changes, { status: { from: 'prioritized', to: 'accepted' }, targetPhase: { from: null, to: 'system-deployment' } });
  t.match(entry(36), { action: 'requirement-deferred', reason: 'After go-live', changes: { status: { from: 'prioritized', to: 'deferred' } } });
});

t.test('an entry depends on its event alone', async (t) => {
  for (const event of log) {
    t.same(auditTrail.apply(entries.get(event.eventId), event, event.eventId), entries.get(event.eventId), `${event.type} again`);
  }
});

t.test('the team: who joined, changed role or left, with the reason, under the member as subject', async (t) => {
  const teamEntries = log.filter((e) => e.type.startsWith('Member')).map((e) => entries.get(e.eventId)!);
  t.match(teamEntries, [
    {
      action: 'member-added',
      subject: { type: 'member', id: 'u-wang' },
      relatedIds: ['u-wang', E1],
      changes: { name: { from: null, to: 'Wang Fang' }, role: { from: null, to: 'stakeholder' }, department: { from: null, to: 'Finance' } },
      reason: null,
    },
    { action: 'member-role-changed', changes: { role: { from: 'stakeholder', to: 'observer' } }, reason: 'Follows the survey from now on' },
    { action: 'member-removed', changes: { role: { from: 'observer', to: null } }, reason: 'Moved to the Shanghai office' },
  ]);
  t.same(Object.keys(teamEntries[1]!.changes), ['role'], 'only what changed');
});
