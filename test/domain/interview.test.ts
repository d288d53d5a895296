import { createHash } from 'node:crypto';
import t from 'tap';
import { CONDUCTED_AT_TOLERANCE_MS, engagementDecider, interviewDecider, summaryHash, type InterviewCommandWithContext } from '../../domain/index.js';
import type { Actor, EngagementEvent, InterviewEvent } from '../../contracts/index.js';
import { deciderSpec, stateAfter } from '../support/decider-spec.js';
import {
  admin,
  atGoLive,
  awaitingConfirmation,
  conductedWithFinding,
  consultant,
  engagementStarted,
  findingRecorded,
  I1,
  interviewConducted,
  interviewee,
  interviewScheduled,
  meta,
  NOW,
  scheduleData,
  summaryConfirmed,
  summaryDrafted,
  summarySent,
} from '../support/fixtures.js';

const spec = deciderSpec(interviewDecider);
const cmd = (type: string, data: object, actor: Actor = consultant): InterviewCommandWithContext =>
  ({ type, data: { interviewId: I1, ...data }, ...meta(actor) }) as InterviewCommandWithContext;
const engagement = (events: EngagementEvent[]) => stateAfter(engagementDecider, events);
const cancelled: InterviewEvent = { type: 'InterviewCancelled', data: { interviewId: I1, reason: 'left the company' } };
const revisionRequested: InterviewEvent = {
  type: 'SummaryRevisionRequested',
  data: { interviewId: I1, summaryVersion: 1, summaryHash: summaryHash('summary v1', ['f-1']), requestedBy: interviewee.id, comments: 'add the export step', via: { method: 'signed-in' } },
};

t.test('ScheduleInterview', async (t) => {
  const schedule = (events: EngagementEvent[]) =>
    ({ type: 'ScheduleInterview', data: scheduleData, facts: { engagement: engagement(events) }, ...meta() }) as InterviewCommandWithContext;
  t.test('schedules an interview of an open engagement', async (t) => {
    spec(t).given([]).when(schedule([engagementStarted])).then([interviewScheduled]);
  });
  t.test('rejects an id that is taken', async (t) => {
    spec(t).given([interviewScheduled]).when(schedule([engagementStarted])).thenRejects('already-exists');
  });
  t.test('rejects an unknown engagement', async (t) => {
    spec(t).given([]).when(schedule([])).thenRejects('not-found');
  });
  t.test('rejects an engagement that has gone live', async (t) => {
    spec(t).given([]).when(schedule(atGoLive)).thenRejects('engagement-closed');
  });
});

t.test('RescheduleInterview', async (t) => {
  const reschedule = (data: object = {}) =>
    cmd('RescheduleInterview', { scheduledAt: '2026-03-06T02:00:00.000Z', reason: 'manager travelling', ...data });
  t.test('moves the interview and keeps the previous time and place', async (t) => {
    spec(t).given([interviewScheduled]).when(reschedule({ location: 'Room 5' })).then([
      {
        type: 'InterviewRescheduled',
        data: {
          interviewId: I1,
          scheduledAt: '2026-03-06T02:00:00.000Z',
          location: 'Room 5',
          previousScheduledAt: scheduleData.scheduledAt,
          previousLocation: 'Room 3',
          reason: 'manager travelling',
        },
      },
    ]);
  });
  t.test('keeps the location when none is given', async (t) => {
    const [event] = interviewDecider.decide(reschedule(), stateAfter(interviewDecider, [interviewScheduled]));
    t.equal(event?.type === 'InterviewRescheduled' && event.data.location, 'Room 3');
  });
  t.test('rejects a reschedule that changes nothing', async (t) => {
    spec(t).given([interviewScheduled]).when(reschedule({ scheduledAt: '2026-03-05T10:00:00+08:00' })).thenRejects('reschedule-changes-nothing');
  });
  t.test('rejects an unknown interview', async (t) => {
    spec(t).given([]).when(reschedule()).thenRejects('not-found');
  });
  t.test('rejects a cancelled interview', async (t) => {
    spec(t).given([interviewScheduled, cancelled]).when(reschedule()).thenRejects('interview-cancelled');
  });
  t.test('rejects a conducted interview', async (t) => {
    spec(t).given([interviewScheduled, interviewConducted]).when(reschedule()).thenRejects('interview-already-conducted');
  });
});

t.test('CancelInterview', async (t) => {
  const cancel = cmd('CancelInterview', { reason: 'left the company' });
  t.test('cancels a scheduled interview', async (t) => {
    spec(t).given([interviewScheduled]).when(cancel).then([cancelled]);
  });
  t.test('rejects an unknown interview', async (t) => {
    spec(t).given([]).when(cancel).thenRejects('not-found');
  });
  t.test('rejects cancelling twice', async (t) => {
    spec(t).given([interviewScheduled, cancelled]).when(cancel).thenRejects('interview-cancelled');
  });
  t.test('rejects cancelling a conducted interview', async (t) => {
    spec(t).given([interviewScheduled, interviewConducted]).when(cancel).thenRejects('interview-already-conducted');
  });
});

t.test('RecordInterviewConducted', async (t) => {
  const conduct = (conductedAt = '2026-03-01T02:00:00.000Z') =>
    cmd('RecordInterviewConducted', { conductedAt, attendees: ['Li Na'] });
  t.test('records that the interview took place', async (t) => {
    spec(t).given([interviewScheduled]).when(conduct()).then([interviewConducted]);
  });
  t.test('accepts a clock a little ahead of the server', async (t) => {
    const slightlyAhead = new Date(Date.parse(NOW) + CONDUCTED_AT_TOLERANCE_MS).toISOString();
    spec(t).given([interviewScheduled]).when(conduct(slightlyAhead)).then([
      { type: 'InterviewConducted', data: { interviewId: I1, conductedAt: slightlyAhead, attendees: ['Li Na'] } },
    ]);
  });
  t.test('rejects a time in the future', async (t) => {
    const tomorrow = new Date(Date.parse(NOW) + 86_400_000).toISOString();
    spec(t).given([interviewScheduled]).when(conduct(tomorrow)).thenRejects('conducted-in-future');
  });
  t.test('rejects an unknown interview', async (t) => {
    spec(t).given([]).when(conduct()).thenRejects('not-found');
  });
  t.test('rejects a cancelled interview', async (t) => {
    spec(t).given([interviewScheduled, cancelled]).when(conduct()).thenRejects('interview-cancelled');
  });
  t.test('rejects recording it twice', async (t) => {
    spec(t).given([interviewScheduled, interviewConducted]).when(conduct()).thenRejects('interview-already-conducted');
  });
});

t.test('RecordFinding', async (t) => {
  const record = (findingId = 'f-1') => cmd('RecordFinding', { findingId, section: 'workflow', text: `observation ${findingId}`, pain: 2, frequency: 'daily' });
  t.test('records a finding once the interview is conducted', async (t) => {
    spec(t).given([interviewScheduled, interviewConducted]).when(record()).then([findingRecorded('f-1')]);
  });
  t.test('findings may still be added while the summary awaits confirmation', async (t) => {
    spec(t).given(awaitingConfirmation).when(record('f-2')).then([findingRecorded('f-2')]);
  });
  t.test('rejects an unknown interview', async (t) => {
    spec(t).given([]).when(record()).thenRejects('not-found');
  });
  t.test('rejects an interview not yet conducted', async (t) => {
    spec(t).given([interviewScheduled]).when(record()).thenRejects('interview-not-conducted');
  });
  t.test('rejects a cancelled interview', async (t) => {
    spec(t).given([interviewScheduled, cancelled]).when(record()).thenRejects('interview-cancelled');
  });
  t.test('rejects once the summary is confirmed', async (t) => {
    spec(t).given([...awaitingConfirmation, summaryConfirmed]).when(record('f-2')).thenRejects('summary-already-confirmed');
  });
  t.test('rejects a finding id that is taken', async (t) => {
    spec(t).given(conductedWithFinding).when(record('f-1')).thenRejects('already-exists');
  });
});

t.test('DraftSummary', async (t) => {
  const draft = (text = 'summary v1', findingIds = ['f-1']) => cmd('DraftSummary', { text, findingIds });
  t.test('drafts version 1 with the hash of its content', async (t) => {
    spec(t).given(conductedWithFinding).when(draft()).then([summaryDrafted(1)]);
  });
  t.test('a redraft after a revision request is the next version', async (t) => {
    spec(t).given([...awaitingConfirmation, revisionRequested]).when(draft('summary v2')).then([summaryDrafted(2)]);
  });
  t.test('rejects citing a finding the interview does not have', async (t) => {
    spec(t).given(conductedWithFinding).when(draft('s', ['f-1', 'f-9'])).thenRejects('finding-not-found', { findingIds: ['f-9'] });
  });
  t.test('rejects an unknown interview', async (t) => {
    spec(t).given([]).when(draft()).thenRejects('not-found');
  });
  t.test('rejects an interview not yet conducted', async (t) => {
    spec(t).given([interviewScheduled]).when(draft()).thenRejects('interview-not-conducted');
  });
  t.test('rejects a cancelled interview', async (t) => {
    spec(t).given([interviewScheduled, cancelled]).when(draft()).thenRejects('interview-cancelled');
  });
  t.test('rejects once the summary is confirmed', async (t) => {
    spec(t).given([...awaitingConfirmation, summaryConfirmed]).when(draft()).thenRejects('summary-already-confirmed');
  });
});

t.test('SendSummaryForConfirmation', async (t) => {
  const send = cmd('SendSummaryForConfirmation', {});
  t.test('sends the latest draft', async (t) => {
    spec(t).given([...conductedWithFinding, summaryDrafted(1), summaryDrafted(2)]).when(send).then([summarySent(2)]);
  });
  t.test('rejects when nothing has been drafted', async (t) => {
    spec(t).given(conductedWithFinding).when(send).thenRejects('no-summary-draft');
  });
  t.test('rejects resending after a revision request until a new draft exists', async (t) => {
    spec(t).given([...awaitingConfirmation, revisionRequested]).when(send).thenRejects('no-summary-draft');
  });
  t.test('rejects sending what already awaits confirmation', async (t) => {
    spec(t).given(awaitingConfirmation).when(send).thenRejects('summary-already-sent');
  });
  t.test('sends even when the interviewee has no account: they confirm through a link', async (t) => {
    const { userId: _none, ...anonymous } = scheduleData.interviewee;
    const scheduled: InterviewEvent = { type: 'InterviewScheduled', data: { ...scheduleData, interviewee: anonymous } };
    spec(t).given([scheduled, interviewConducted, findingRecorded('f-1'), summaryDrafted(1)]).when(send).then([summarySent(1)]);
  });
  t.test('rejects an unknown interview', async (t) => {
    spec(t).given([]).when(send).thenRejects('not-found');
  });
  t.test('rejects an interview not yet conducted', async (t) => {
    spec(t).given([interviewScheduled]).when(send).thenRejects('interview-not-conducted');
  });
  t.test('rejects once the summary is confirmed', async (t) => {
    spec(t).given([...awaitingConfirmation, summaryConfirmed]).when(send).thenRejects('summary-already-confirmed');
  });
});

t.test('ConfirmSummary', async (t) => {
  const confirm = (data: object = {}, actor: Actor = interviewee) => cmd('ConfirmSummary', { summaryVersion: 1, ...data }, actor);
  t.test('the interviewee confirms the version sent, recording who, which version and hash', async (t) => {
    spec(t).given(awaitingConfirmation).when(confirm()).then([summaryConfirmed]);
  });
  t.test('the interviewee may echo the hash they saw', async (t) => {
    spec(t).given(awaitingConfirmation).when(confirm({ summaryHash: summaryHash('summary v1', ['f-1']) })).then([summaryConfirmed]);
  });
  t.test('rejects anyone but the interviewee, an admin included', async (t) => {
    spec(t).given(awaitingConfirmation).when(confirm({}, admin)).thenRejects('forbidden');
    spec(t).given(awaitingConfirmation).when(confirm({}, { ...interviewee, id: 'u-other' })).thenRejects('forbidden');
  });
  t.test('separation of duties: whoever drafted or sent the version may not confirm it, interviewee or not', async (t) => {
    const by = (event: InterviewEvent, actor: Actor) => ({ ...event, actor }) as unknown as InterviewEvent;
    const draftedByInterviewee = [...conductedWithFinding, by(summaryDrafted(1), interviewee), by(summarySent(1), consultant)];
    spec(t).given(draftedByInterviewee).when(confirm()).thenRejects('forbidden');
    const sentByInterviewee = [...conductedWithFinding, by(summaryDrafted(1), consultant), by(summarySent(1), interviewee)];
    spec(t).given(sentByInterviewee).when(confirm()).thenRejects('forbidden');
    const byOthers = [...conductedWithFinding, by(summaryDrafted(1), consultant), by(summarySent(1), consultant)];
    spec(t).given(byOthers).when(confirm()).then([summaryConfirmed]);
  });
  t.test('rejects a hash that differs from the version sent', async (t) => {
    spec(t).given(awaitingConfirmation).when(confirm({ summaryHash: 'a'.repeat(64) })).thenRejects('summary-hash-mismatch');
  });
  t.test('rejects a version other than the one sent', async (t) => {
    const secondRound = [...awaitingConfirmation, revisionRequested, summaryDrafted(2), summarySent(2)];
    spec(t).given(secondRound).when(confirm({ summaryVersion: 1 })).thenRejects('summary-version-mismatch', { awaitingVersion: 2 });
  });
  t.test('rejects when no summary awaits confirmation', async (t) => {
    spec(t).given([...conductedWithFinding, summaryDrafted(1)]).when(confirm()).thenRejects('summary-not-sent');
    spec(t).given([...awaitingConfirmation, revisionRequested]).when(confirm()).thenRejects('summary-not-sent');
  });
  t.test('rejects confirming twice', async (t) => {
    spec(t).given([...awaitingConfirmation, summaryConfirmed]).when(confirm()).thenRejects('summary-already-confirmed');
  });
  t.test('rejects an unknown interview', async (t) => {
    spec(t).given([]).when(confirm()).thenRejects('not-found');
  });
});

t.test('RequestSummaryRevision', async (t) => {
  const request = (data: object = {}, actor: Actor = interviewee) =>
    cmd('RequestSummaryRevision', { summaryVersion: 1, comments: 'add the export step', ...data }, actor);
  t.test('the interviewee asks for a revision of the version sent', async (t) => {
    spec(t).given(awaitingConfirmation).when(request()).then([revisionRequested]);
  });
  t.test('rejects anyone but the interviewee', async (t) => {
    spec(t).given(awaitingConfirmation).when(request({}, consultant)).thenRejects('forbidden');
  });
  t.test('rejects a version other than the one sent', async (t) => {
    spec(t).given(awaitingConfirmation).when(request({ summaryVersion: 2 })).thenRejects('summary-version-mismatch');
  });
  t.test('rejects when no summary awaits confirmation', async (t) => {
    spec(t).given([...conductedWithFinding, summaryDrafted(1)]).when(request()).thenRejects('summary-not-sent');
  });
  t.test('rejects once the summary is confirmed', async (t) => {
    spec(t).given([...awaitingConfirmation, summaryConfirmed]).when(request()).thenRejects('summary-already-confirmed');
  });
  t.test('rejects an unknown interview', async (t) => {
    spec(t).given([]).when(request()).thenRejects('not-found');
  });
});

const HASH_OF_SECRET = createHash('sha256').update('the-secret').digest('hex');
const L1 = 'link-1';
const WEEK_LATER = '2026-03-09T09:00:00.000Z';
const linkIssued = (summaryVersion = 1, linkId = L1): InterviewEvent =>
  ({
    type: 'ConfirmationLinkIssued',
    data: {
      interviewId: I1,
      summaryVersion,
      summaryHash: summaryHash(`summary v${summaryVersion}`, ['f-1']),
      linkId,
      tokenHash: HASH_OF_SECRET,
      expiresAt: WEEK_LATER,
    },
    actor: consultant,
  }) as unknown as InterviewEvent;
const linkRevoked: InterviewEvent = { type: 'ConfirmationLinkRevoked', data: { interviewId: I1, linkId: L1, reason: 'wrong address' } };
/** The interviewee as a link holder: the user id the interview names, no roles. */
const holder: Actor = { id: interviewee.id, name: 'Li Na', roles: [] };
const byLink = { method: 'link', linkId: L1, issuedBy: consultant.id } as const;
const confirmedByLink: InterviewEvent = { type: 'SummaryConfirmed', data: { ...summaryConfirmed.data, via: byLink } as never };
const withLink = [...awaitingConfirmation, linkIssued()];

t.test('IssueConfirmationLink', async (t) => {
  const issue = (data: object = {}) => cmd('IssueConfirmationLink', { linkId: L1, tokenHash: HASH_OF_SECRET, validForDays: 7, ...data });
  t.test('issues a link bound to the version awaiting confirmation and its hash, expiring after the days given', async (t) => {
    const [event] = interviewDecider.decide(issue({ email: 'li.na@acme.com', language: 'zh-CN' }), stateAfter(interviewDecider, awaitingConfirmation));
    t.same(event, {
      type: 'ConfirmationLinkIssued',
      data: {
        interviewId: I1,
        summaryVersion: 1,
        summaryHash: summaryHash('summary v1', ['f-1']),
        linkId: L1,
        tokenHash: HASH_OF_SECRET,
        expiresAt: WEEK_LATER,
        email: 'li.na@acme.com',
        language: 'zh-CN',
      },
    });
  });
  t.test('rejects when no version awaits confirmation', async (t) => {
    spec(t).given([...conductedWithFinding, summaryDrafted(1)]).when(issue()).thenRejects('summary-not-sent');
    spec(t).given([...awaitingConfirmation, summaryConfirmed]).when(issue()).thenRejects('summary-already-confirmed');
  });
  t.test('rejects a link id that is taken', async (t) => {
    spec(t).given(withLink).when(issue()).thenRejects('already-exists');
  });
});

t.test('RevokeConfirmationLink', async (t) => {
  const revoke = cmd('RevokeConfirmationLink', { linkId: L1, reason: 'wrong address' });
  t.test('revokes an unused link', async (t) => {
    spec(t).given(withLink).when(revoke).then([linkRevoked]);
  });
  t.test('rejects a link already revoked or used', async (t) => {
    spec(t).given([...withLink, linkRevoked]).when(revoke).thenRejects('link-already-revoked');
    spec(t).given([...withLink, confirmedByLink]).when(revoke).thenRejects('link-already-revoked');
  });
  t.test('rejects an unknown link', async (t) => {
    spec(t).given(awaitingConfirmation).when(revoke).thenRejects('not-found');
  });
});

t.test('ConfirmSummaryByLink', async (t) => {
  const confirm = (data: object = {}, actor: Actor = holder, now = NOW) =>
    ({ type: 'ConfirmSummaryByLink', data: { interviewId: I1, linkId: L1, tokenHash: HASH_OF_SECRET, ...data }, ...meta(actor, now) }) as InterviewCommandWithContext;
  t.test('the holder of the link confirms the version it was issued for, recording the link and its issuer', async (t) => {
    spec(t).given(withLink).when(confirm()).then([confirmedByLink]);
  });
  t.test('an interviewee without an account confirms as the link', async (t) => {
    const { userId: _none, ...anonymous } = scheduleData.interviewee;
    const scheduled: InterviewEvent = { type: 'InterviewScheduled', data: { ...scheduleData, interviewee: anonymous } };
    const given = [scheduled, interviewConducted, findingRecorded('f-1'), summaryDrafted(1), summarySent(1), linkIssued()];
    const [event] = interviewDecider.decide(confirm({}, { id: `link:${L1}`, name: 'Li Na', roles: [] }), stateAfter(interviewDecider, given));
    t.equal(event?.type === 'SummaryConfirmed' && event.data.confirmedBy, `link:${L1}`);
  });
  t.test('rejects a secret that does not match, or a link that does not exist', async (t) => {
    spec(t).given(withLink).when(confirm({ tokenHash: 'b'.repeat(64) })).thenRejects('link-invalid');
    spec(t).given(withLink).when(confirm({ linkId: 'link-2' })).thenRejects('link-invalid');
  });
  t.test('a link works once', async (t) => {
    spec(t).given([...withLink, confirmedByLink]).when(confirm()).thenRejects('link-used', { issuedBy: consultant.name });
  });
  t.test('rejects a revoked link, naming whom to ask', async (t) => {
    spec(t).given([...withLink, linkRevoked]).when(confirm()).thenRejects('link-revoked', { issuedBy: consultant.name });
  });
  t.test('rejects an expired link', async (t) => {
    spec(t).given(withLink).when(confirm({}, holder, WEEK_LATER)).thenRejects('link-expired', { issuedBy: consultant.name, expiresAt: WEEK_LATER });
  });
  t.test('rejects a link for a version that no longer awaits confirmation', async (t) => {
    const newer = [...withLink, revisionRequested, summaryDrafted(2), summarySent(2)];
    spec(t).given(newer).when(confirm()).thenRejects('link-outdated');
    spec(t).given([...withLink, summaryConfirmed]).when(confirm()).thenRejects('link-outdated');
  });
  t.test('separation of duties: a link does not let the drafter or sender confirm', async (t) => {
    const by = (event: InterviewEvent, actor: Actor) => ({ ...event, actor }) as unknown as InterviewEvent;
    const draftedByInterviewee = [...conductedWithFinding, by(summaryDrafted(1), interviewee), by(summarySent(1), consultant), linkIssued()];
    spec(t).given(draftedByInterviewee).when(confirm()).thenRejects('forbidden');
  });
});

t.test('RequestSummaryRevisionByLink', async (t) => {
  const request = (data: object = {}) =>
    ({ type: 'RequestSummaryRevisionByLink', data: { interviewId: I1, linkId: L1, tokenHash: HASH_OF_SECRET, comments: 'add the export step', ...data }, ...meta(holder) }) as InterviewCommandWithContext;
  t.test('the holder asks for a revision of the version the link was issued for', async (t) => {
    spec(t).given(withLink).when(request()).then([{ type: 'SummaryRevisionRequested', data: { ...revisionRequested.data, via: byLink } as never }]);
  });
  t.test('the link is used up by the request', async (t) => {
    const asked: InterviewEvent = { type: 'SummaryRevisionRequested', data: { ...revisionRequested.data, via: byLink } as never };
    spec(t).given([...withLink, asked]).when(request()).thenRejects('link-used');
  });
});
