import type { InterviewCommand, InterviewEvent } from '../../contracts/index.js';
import { reject, unreachable, type WithMetadata } from '../decider.js';
import { openEngagement } from '../engagement/decide.js';
import type { EngagementState } from '../engagement/state.js';
import type { ExistingInterview, InterviewState } from './state.js';
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

/**
 * The interviewee's answer to a sent summary: only the interviewee, only while a version awaits
 * their answer, and only for that version (and its hash, when echoed).
 */
const awaitingAnswerFrom = (
  command: Of<'ConfirmSummary'> | Of<'RequestSummaryRevision'>,
  state: InterviewState,
): ExistingInterview & { sent: { summaryVersion: number; summaryHash: string } } => {
  const { interviewId, summaryVersion } = command.data;
  const interview = notCancelled(existing(state, interviewId));
  const userId = interview.interviewee.userId;
  if (userId === undefined || userId !== command.metadata.actor.id) {
    return reject('forbidden', `only the interviewee of interview ${interviewId} may answer its summary`);
  }
  if (interview.status === 'confirmed') {
    return reject('summary-already-confirmed', `the summary of interview ${interviewId} is already confirmed`);
  }
  if (interview.status !== 'summary-sent' || interview.sent === undefined) {
    return reject('summary-not-sent', `no summary of interview ${interviewId} is awaiting confirmation`);
  }
  if (interview.sent.summaryVersion !== summaryVersion) {
    return reject(
      'summary-version-mismatch',
      `version ${interview.sent.summaryVersion} awaits confirmation, not version ${summaryVersion}`,
      { awaitingVersion: interview.sent.summaryVersion },
    );
  }
  return { ...interview, sent: interview.sent };
};

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
      if (interview.findingIds.includes(command.data.findingId)) {
        return reject('already-exists', `finding ${command.data.findingId} already exists`);
      }
      return [{ type: 'FindingRecorded', data: command.data }];
    }
    case 'DraftSummary': {
      const { interviewId, text, findingIds } = command.data;
      const interview = openRecord(state, interviewId);
      const unknown = findingIds.filter((id) => !interview.findingIds.includes(id));
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
      if (interview.interviewee.userId === undefined) {
        return reject(
          'interviewee-has-no-account',
          `the interviewee of interview ${interviewId} has no user id, so nobody could confirm the summary`,
        );
      }
      const { summaryVersion, summaryHash: hash } = interview.latestDraft;
      return [{ type: 'SummarySentForConfirmation', data: { interviewId, summaryVersion, summaryHash: hash } }];
    }
    case 'ConfirmSummary': {
      const { interviewId, summaryVersion, summaryHash: echoed } = command.data;
      const { sent } = awaitingAnswerFrom(command, state);
      const actorId = command.metadata.actor.id;
      if (sent.draftedBy === actorId || sent.sentBy === actorId) {
        return reject('forbidden', `you ${sent.draftedBy === actorId ? 'drafted' : 'sent'} version ${summaryVersion}, so you may not confirm it (separation of duties)`);
      }
      if (echoed !== undefined && echoed !== sent.summaryHash) {
        return reject('summary-hash-mismatch', `version ${summaryVersion} has hash ${sent.summaryHash}, not ${echoed}`, {
          summaryHash: sent.summaryHash,
        });
      }
      return [
        {
          type: 'SummaryConfirmed',
          data: { interviewId, summaryVersion, summaryHash: sent.summaryHash, confirmedBy: command.metadata.actor.id },
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
          },
        },
      ];
    }
    default:
      return unreachable(command);
  }
};
