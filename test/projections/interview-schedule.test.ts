import t from 'tap';
import type { InterviewEvent } from '../../contracts/index.js';
import { interviewSchedule, type InterviewRecord } from '../../projections/index.js';
import {
  consultant,
  E1,
  findingRecorded,
  I1,
  interviewConducted,
  interviewee,
  interviewScheduled,
  scheduleData,
  summaryConfirmed,
  summaryDrafted,
  summarySent,
} from '../support/fixtures.js';
import { eventLog, minute, projectionSpec, recorded } from '../support/projection-spec.js';
import { summaryHash } from '../../domain/index.js';

const spec = projectionSpec(interviewSchedule);

const scheduled: InterviewRecord = {
  id: I1,
  engagementId: E1,
  position: '1',
  status: 'scheduled',
  confirmationState: 'no-summary',
  interviewee: scheduleData.interviewee,
  interviewers: ['Chen Wei'],
  scheduledAt: '2026-03-05T02:00:00.000Z',
  durationMinutes: 90,
  location: 'Room 3',
  method: 'in-person',
  topics: ['business-process', 'reports'],
  scheduledBy: consultant,
  reschedules: [],
  summaries: [],
  confirmation: null,
  version: 0,
  updatedAt: minute(1),
};
const at = (n: number) => ({ position: String(n), version: n - 1, updatedAt: minute(n) });

const rescheduled: InterviewEvent = {
  type: 'InterviewRescheduled',
  data: {
    interviewId: I1,
    scheduledAt: '2026-03-06T02:00:00.000Z',
    location: 'Room 5',
    previousScheduledAt: '2026-03-05T02:00:00.000Z',
    previousLocation: 'Room 3',
    reason: 'the sales meeting moved',
  },
};
const revisionRequested: InterviewEvent = {
  type: 'SummaryRevisionRequested',
  data: { interviewId: I1, summaryVersion: 1, summaryHash: summaryHash('summary v1', ['f-1']), requestedBy: interviewee.id, comments: 'monthly, not weekly' },
};
const draft = (summaryVersion: number, n: number, extra: object = {}) => ({
  summaryVersion,
  text: `summary v${summaryVersion}`,
  findingIds: ['f-1'],
  summaryHash: summaryHash(`summary v${summaryVersion}`, ['f-1']),
  draftedAt: minute(n),
  draftedBy: consultant,
  ...extra,
});

t.test('InterviewScheduled: the interview on the schedule, with preparation notes when given', async (t) => {
  spec(t).given(recorded([interviewScheduled])).then({ [I1]: scheduled });
  spec(t)
    .given(recorded([{ type: 'InterviewScheduled', data: { ...scheduleData, preparationNotes: 'focus on cost' } }]))
    .then({ [I1]: { ...scheduled, preparationNotes: 'focus on cost' } });
});

t.test('InterviewRescheduled: the new time and place, and the move in the history', async (t) => {
  spec(t)
    .given(recorded([interviewScheduled, rescheduled]))
    .then({
      [I1]: {
        ...scheduled,
        ...at(2),
        scheduledAt: '2026-03-06T02:00:00.000Z',
        location: 'Room 5',
        reschedules: [
          {
            from: { scheduledAt: '2026-03-05T02:00:00.000Z', location: 'Room 3' },
            to: { scheduledAt: '2026-03-06T02:00:00.000Z', location: 'Room 5' },
            reason: 'the sales meeting moved',
            at: minute(2),
            by: consultant,
          },
        ],
      },
    });
});

t.test('InterviewCancelled: cancelled, with why, when and by whom', async (t) => {
  spec(t)
    .given(recorded([interviewScheduled, { type: 'InterviewCancelled', data: { interviewId: I1, reason: 'left the company' } }]))
    .then({ [I1]: { ...scheduled, ...at(2), status: 'cancelled', cancellation: { reason: 'left the company', at: minute(2), by: consultant } } });
});

t.test('InterviewConducted: when it took place, who attended, the notes', async (t) => {
  spec(t)
    .given(recorded([interviewScheduled, interviewConducted]))
    .then({ [I1]: { ...scheduled, ...at(2), status: 'conducted', conductedAt: '2026-03-01T02:00:00.000Z', attendees: ['Li Na'] } });
  spec(t)
    .given(recorded([interviewScheduled, { type: 'InterviewConducted', data: { ...interviewConducted.data, notes: 'brought the template' } } as InterviewEvent]))
    .thenMatch({ [I1]: { notes: 'brought the template' } });
});

t.test('FindingRecorded: the interview moves on a revision; the finding itself is a document of its own', async (t) => {
  spec(t)
    .given(
      recorded([
        interviewScheduled,
        interviewConducted,
        findingRecorded('f-1'),
        { type: 'FindingRecorded', data: { interviewId: I1, findingId: 'f-2', section: 'customer', text: 'no shared customer list' } },
      ]),
    )
    .then({
      [I1]: {
        ...scheduled,
        ...at(4),
        status: 'conducted',
        conductedAt: '2026-03-01T02:00:00.000Z',
        attendees: ['Li Na'],
      },
    });
});

t.test('SummaryDrafted and SummarySentForConfirmation: each version, and when it was sent', async (t) => {
  spec(t)
    .given(recorded([interviewScheduled, interviewConducted, findingRecorded('f-1'), summaryDrafted(1)]))
    .thenMatch({ [I1]: { status: 'summary-drafted', confirmationState: 'draft', summaries: [draft(1, 4)], confirmation: null, ...at(4) } });
  spec(t)
    .given(recorded([interviewScheduled, interviewConducted, findingRecorded('f-1'), summaryDrafted(1), summarySent(1)]))
    .thenMatch({ [I1]: { status: 'summary-sent', confirmationState: 'awaiting-confirmation', summaries: [draft(1, 4, { sentAt: minute(5) })], ...at(5) } });
});

t.test('SummaryRevisionRequested: the comments on the version sent; a new draft is a new version', async (t) => {
  const log = eventLog();
  const events = [
    ...log.recordAll([interviewScheduled, interviewConducted, findingRecorded('f-1'), summaryDrafted(1), summarySent(1)]),
    log.record(revisionRequested, { actor: interviewee }),
    log.record(summaryDrafted(2)),
  ];
  spec(t)
    .given(events.slice(0, 6))
    .thenMatch({
      [I1]: {
        status: 'revision-requested',
        confirmationState: 'revision-requested',
        summaries: [draft(1, 4, { sentAt: minute(5), revisionRequested: { comments: 'monthly, not weekly', at: minute(6), by: interviewee } })],
      },
    });
  const { documents } = spec(t).given(events);
  t.match(documents.get(I1), { status: 'summary-drafted', confirmationState: 'draft' });
  t.same(
    documents.get(I1)!.summaries.map((s) => [s.summaryVersion, s.sentAt ?? null, s.revisionRequested?.comments ?? null]),
    [
      [1, minute(5), 'monthly, not weekly'],
      [2, null, null],
    ],
  );
});

t.test('SummaryConfirmed: who confirmed which version with which hash, and when', async (t) => {
  const log = eventLog();
  const events = [
    ...log.recordAll([interviewScheduled, interviewConducted, findingRecorded('f-1'), summaryDrafted(1), summarySent(1)]),
    log.record(summaryConfirmed, { actor: interviewee }),
  ];
  spec(t)
    .given(events)
    .then({
      [I1]: {
        ...scheduled,
        ...at(6),
        status: 'confirmed',
        confirmationState: 'confirmed',
        conductedAt: '2026-03-01T02:00:00.000Z',
        attendees: ['Li Na'],
        summaries: [draft(1, 4, { sentAt: minute(5) })],
        confirmation: {
          summaryVersion: 1,
          summaryHash: summaryHash('summary v1', ['f-1']),
          confirmedBy: interviewee.id,
          confirmedByName: interviewee.name,
          confirmedAt: minute(6),
          via: { method: 'signed-in' },
        },
      },
    });
});

t.test('an event for an interview never scheduled leaves no document', async (t) => {
  spec(t).given(recorded([interviewConducted, findingRecorded('f-1')])).then({});
});

t.test('it reads exactly the interview events', async (t) => {
  t.same(interviewSchedule.eventTypes, [
    'InterviewScheduled',
    'InterviewRescheduled',
    'InterviewCancelled',
    'InterviewConducted',
    'FindingRecorded',
    'SummaryDrafted',
    'SummarySentForConfirmation',
    'SummaryConfirmed',
    'SummaryRevisionRequested',
    'ConfirmationLinkIssued',
    'ConfirmationLinkRevoked',
  ]);
});
