import type { InterviewCommand, InterviewEvent } from '../../contracts/index.js';
import { reject, unreachable, type WithMetadata } from '../decider.js';
import { openEngagement } from '../engagement/decide.js';
import type { EngagementState } from '../engagement/state.js';
import { timingSafeEqual } from 'node:crypto';
import type { ConfirmationLinkState, ExistingInterview, InterviewState, SummaryDraft } from './state.js';
import { summaryHash } from './summary-hash.js';

type Of<T extends InterviewCommand['type']> = WithMetadata<Extract<InterviewCommand, { type: T }>>;

/** Scheduling is judged on the engagement's stream as it stands at decision time. */
export type InterviewCommandWithContext =
  | (Of<'ScheduleInterview'> & { facts: { engagement: EngagementState } })
  | Of<Exclude<InterviewCommand['type'], 'ScheduleInterview'>>;

/** How far a `conductedAt` may lie ahead of the server's clock (clients' clocks drift). */
export const CONDUCTED_AT_TOLERANCE_MS = 5 * 60_000;

const existing = (state: InterviewState, interviewId: string): ExistingInterview =>
  state.status === 'none' ? reject('not-found', `interview ${interviewId} does not exist`) : state;

const notCancelled = (state: ExistingInterview): ExistingInterview =>
  state.status === 'cancelled' ? reject('interview-cancelled', `interview ${state.interviewId} was cancelled`) : state;

/** Still before the interview took place: it can be moved or called off. */
const stillScheduled = (state: InterviewState, interviewId: string): ExistingInterview => {
  const interview = notCancelled(existing(state, interviewId));
  if (interview.status !== 'scheduled') {
    return reject('interview-already-conducted', `interview ${interviewId} has already been conducted`);
  }
  return interview;
};

/** Conducted and not yet confirmed: findings and summary drafts are still open. */
const openRecord = (state: InterviewState, interviewId: string): ExistingInterview => {
  const interview = notCancelled(existing(state, interviewId));
  if (interview.status === 'scheduled') {
    return reject('interview-not-conducted', `interview ${interviewId} has not been conducted yet`);
  }
  if (interview.status === 'confirmed') {
    return reject('summary-already-confirmed', `the summary of interview ${interviewId} is confirmed; its record is closed`);
  }
  return interview;
};

/** A version awaits the interviewee's answer. */
const awaitingAnswer = (
  state: InterviewState,
  interviewId: string,
): ExistingInterview & { sent: SummaryDraft } => {
  const interview = notCancelled(existing(state, interviewId));
  if (interview.status === 'confirmed') {
    return reject('summary-already-confirmed', `the summary of interview ${interviewId} is already confirmed`);
  }
  if (interview.status !== 'summary-sent' || interview.sent === undefined) {
    return reject('summary-not-sent', `no summary of interview ${interviewId} is awaiting confirmation`);
  }
  return { ...interview, sent: interview.sent };
};

/**
 * The interviewee's answer to a sent summary, signed in: only the interviewee, only while a version
 * awaits their answer, and only for that version (and its hash, when echoed).
 */
const awaitingAnswerFrom = (
  command: Of<'ConfirmSummary'> | Of<'RequestSummaryRevision'>,
  state: InterviewState,
): ExistingInterview & { sent: SummaryDraft } => {
  const { interviewId, summaryVersion } = command.data;
  const interview = notCancelled(existing(state, interviewId));
  const userId = interview.interviewee.userId;
  if (userId === undefined || userId !== command.metadata.actor.id) {
    return reject('forbidden', `only the interviewee of interview ${interviewId} may answer its summary`);
  }
  const awaiting = awaitingAnswer(state, interviewId);
  if (awaiting.sent.summaryVersion !== summaryVersion) {
    return reject(
      'summary-version-mismatch',
      `version ${awaiting.sent.summaryVersion} awaits confirmation, not version ${summaryVersion}`,
      { awaitingVersion: awaiting.sent.summaryVersion },
    );
  }
  return awaiting;
};

const sameHash = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * A confirmation link's holder may answer: the secret's hash matches an issued link of this
 * interview that is not revoked, used or expired, and the version it was issued for still awaits
 * the answer. Each refusal names the issuer, whom the holder can ask for a new link.
 */
export const usableLink = (
  state: InterviewState,
  presented: { interviewId: string; linkId: string; tokenHash: string },
  now: string,
): { interview: ExistingInterview & { sent: SummaryDraft }; link: ConfirmationLinkState } => {
  const link = presentedLink(state, presented);
  const interview = notCancelled(existing(state, presented.interviewId));
  const issuer = { issuedBy: link.issuedBy.name };
  const ask = `ask ${link.issuedBy.name} for a new link`;
  if (link.state === 'used') return reject('link-used', `this link has already been used; ${ask} if something needs changing`, issuer);
  if (link.state === 'revoked') return reject('link-revoked', `this link was revoked; ${ask}`, issuer);
  if (Date.parse(now) >= Date.parse(link.expiresAt)) {
    return reject('link-expired', `this link expired at ${link.expiresAt}; ${ask}`, { ...issuer, expiresAt: link.expiresAt });
  }
  if (interview.status !== 'summary-sent' || interview.sent?.summaryVersion !== link.summaryVersion) {
    const what = interview.status === 'confirmed' ? 'the summary has been confirmed since' : `version ${link.summaryVersion} no longer awaits confirmation`;
    return reject('link-outdated', `this link was for summary version ${link.summaryVersion}, and ${what}; ${ask}`, issuer);
  }
  return { interview: awaitingAnswer(state, presented.interviewId), link };
};

/** The link whose secret was presented, whatever its state; anything else is not a valid link. */
export const presentedLink = (
  state: InterviewState,
  presented: { linkId: string; tokenHash: string },
): ConfirmationLinkState => {
  const link = state.status === 'none' ? undefined : state.links?.[presented.linkId];
  if (link === undefined || !sameHash(link.tokenHash, presented.tokenHash)) {
    return reject('link-invalid', 'this confirmation link is not valid; check that it was copied completely');
  }
  return link;
};

/** Whoever drafted or sent the version may not answer it. */
const separateDuties = (sent: SummaryDraft, actorId: string, what: string) => {
  if (sent.draftedBy === actorId || sent.sentBy === actorId) {
    reject('forbidden', `you ${sent.draftedBy === actorId ? 'drafted' : 'sent'} version ${sent.summaryVersion}, so you may not ${what} it (separation of duties)`);
  }
};

/** The version a usable link answers, and how it was answered: through that link, issued by whom. */
const answerByLink = (command: Of<'ConfirmSummaryByLink'> | Of<'RequestSummaryRevisionByLink'>, state: InterviewState, what: string) => {
  const { interview, link } = usableLink(state, command.data, command.metadata.now);
  separateDuties(interview.sent, command.metadata.actor.id, what);
  return {
    answered: { interviewId: interview.interviewId, summaryVersion: link.summaryVersion, summaryHash: link.summaryHash },
    via: { method: 'link' as const, linkId: link.linkId, issuedBy: link.issuedBy.id },
  };
};

const DAY_MS = 86_400_000;

export const decideInterview = (command: InterviewCommandWithContext, state: InterviewState): InterviewEvent[] => {
  switch (command.type) {
    case 'ScheduleInterview': {
      const { data } = command;
      if (state.status !== 'none') return reject('already-exists', `interview ${data.interviewId} already exists`);
      openEngagement(command.facts.engagement, data.engagementId);
      return [{ type: 'InterviewScheduled', data }];
    }
    case 'RescheduleInterview': {
      const { interviewId, scheduledAt, reason } = command.data;
      const interview = stillScheduled(state, interviewId);
      const location = command.data.location ?? interview.location;
      if (Date.parse(scheduledAt) === Date.parse(interview.scheduledAt) && location === interview.location) {
        return reject('reschedule-changes-nothing', `interview ${interviewId} is already at that time and place`);
      }
      return [
        {
          type: 'InterviewRescheduled',
          data: {
            interviewId,
            scheduledAt,
            location,
            previousScheduledAt: interview.scheduledAt,
            previousLocation: interview.location,
            reason,
          },
        },
      ];
    }
    case 'CancelInterview':
      stillScheduled(state, command.data.interviewId);
      return [{ type: 'InterviewCancelled', data: command.data }];
    case 'RecordInterviewConducted': {
      const { interviewId, conductedAt } = command.data;
      stillScheduled(state, interviewId);
      if (Date.parse(conductedAt) > Date.parse(command.metadata.now) + CONDUCTED_AT_TOLERANCE_MS) {
        return reject('conducted-in-future', `conductedAt ${conductedAt} lies in the future`);
      }
      return [{ type: 'InterviewConducted', data: command.data }];
    }
    case 'RecordFinding': {
      const interview = openRecord(state, command.data.interviewId);
      if (interview.findingIds.has(command.data.findingId)) {
        return reject('already-exists', `finding ${command.data.findingId} already exists`);
      }
      return [{ type: 'FindingRecorded', data: command.data }];
    }
    case 'DraftSummary': {
      const { interviewId, text, findingIds } = command.data;
      const interview = openRecord(state, interviewId);
      const unknown = findingIds.filter((id) => !interview.findingIds.has(id));
      if (unknown.length > 0) {
        return reject('finding-not-found', `interview ${interviewId} has no finding ${unknown.join(', ')}`, {
          findingIds: unknown,
        });
      }
      const summaryVersion = (interview.latestDraft?.summaryVersion ?? 0) + 1;
      return [
        {
          type: 'SummaryDrafted',
          data: { interviewId, summaryVersion, text, findingIds, summaryHash: summaryHash(text, findingIds) },
        },
      ];
    }
    case 'SendSummaryForConfirmation': {
      const { interviewId } = command.data;
      const interview = openRecord(state, interviewId);
      if (interview.status === 'summary-sent') {
        return reject('summary-already-sent', `summary version ${interview.sent?.summaryVersion} is already awaiting confirmation`);
      }
      if (interview.status !== 'summary-drafted' || interview.latestDraft === undefined) {
        return reject('no-summary-draft', `interview ${interviewId} has no new summary draft to send`);
      }
      const { summaryVersion, summaryHash: hash } = interview.latestDraft;
      return [{ type: 'SummarySentForConfirmation', data: { interviewId, summaryVersion, summaryHash: hash } }];
    }
    case 'ConfirmSummary': {
      const { interviewId, summaryVersion, summaryHash: echoed } = command.data;
      const { sent } = awaitingAnswerFrom(command, state);
      separateDuties(sent, command.metadata.actor.id, 'confirm');
      if (echoed !== undefined && echoed !== sent.summaryHash) {
        return reject('summary-hash-mismatch', `version ${summaryVersion} has hash ${sent.summaryHash}, not ${echoed}`, {
          summaryHash: sent.summaryHash,
        });
      }
      return [
        {
          type: 'SummaryConfirmed',
          data: {
            interviewId,
            summaryVersion,
            summaryHash: sent.summaryHash,
            confirmedBy: command.metadata.actor.id,
            via: { method: 'signed-in' },
          },
        },
      ];
    }
    case 'RequestSummaryRevision': {
      const { interviewId, summaryVersion, comments } = command.data;
      const { sent } = awaitingAnswerFrom(command, state);
      return [
        {
          type: 'SummaryRevisionRequested',
          data: {
            interviewId,
            summaryVersion,
            summaryHash: sent.summaryHash,
            requestedBy: command.metadata.actor.id,
            comments,
            via: { method: 'signed-in' },
          },
        },
      ];
    }
    case 'IssueConfirmationLink': {
      const { interviewId, linkId, tokenHash, validForDays, email, language } = command.data;
      const { sent, links } = awaitingAnswer(state, interviewId);
      if (links?.[linkId] !== undefined) return reject('already-exists', `confirmation link ${linkId} already exists`);
      const expiresAt = new Date(Date.parse(command.metadata.now) + validForDays * DAY_MS).toISOString();
      return [
        {
          type: 'ConfirmationLinkIssued',
          data: {
            interviewId,
            summaryVersion: sent.summaryVersion,
            summaryHash: sent.summaryHash,
            linkId,
            tokenHash,
            expiresAt,
            ...(email === undefined ? {} : { email }),
            ...(language === undefined ? {} : { language }),
          },
        },
      ];
    }
    case 'RevokeConfirmationLink': {
      const { interviewId, linkId, reason } = command.data;
      const interview = existing(state, interviewId);
      const link = interview.links?.[linkId] ?? reject('not-found', `confirmation link ${linkId} does not exist`);
      if (link.state !== 'issued') return reject('link-already-revoked', `confirmation link ${linkId} is already ${link.state}; nothing to revoke`);
      return [{ type: 'ConfirmationLinkRevoked', data: { interviewId, linkId, reason } }];
    }
    case 'ConfirmSummaryByLink': {
      const { answered, via } = answerByLink(command, state, 'confirm');
      return [{ type: 'SummaryConfirmed', data: { ...answered, confirmedBy: command.metadata.actor.id, via } }];
    }
    case 'RequestSummaryRevisionByLink': {
      const { answered, via } = answerByLink(command, state, 'answer');
      const { comments } = command.data;
      return [{ type: 'SummaryRevisionRequested', data: { ...answered, requestedBy: command.metadata.actor.id, comments, via } }];
    }
    default:
      return unreachable(command);
  }
};
