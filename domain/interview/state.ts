import type { Actor, Interviewee, InterviewEvent } from '../../contracts/index.js';

export type InterviewStatus =
  | 'scheduled'
  | 'cancelled'
  | 'conducted'
  | 'summary-drafted'
  | 'summary-sent'
  | 'revision-requested'
  | 'confirmed';

/** `draftedBy` and `sentBy` (user ids) keep who wrote and sent a version apart from who may confirm it. */
export type SummaryDraft = { summaryVersion: number; summaryHash: string; draftedBy?: string; sentBy?: string };

/** A stored event carries its actor in the envelope; the decider's own events do not yet. */
export type AttributedInterviewEvent = InterviewEvent & { actor?: Actor };

export type InterviewState =
  | { status: 'none' }
  | {
      status: InterviewStatus;
      interviewId: string;
      engagementId: string;
      interviewee: Interviewee;
      scheduledAt: string;
      location: string;
      /** Ids of recorded findings, in recording order (append-only; ids are unique). */
      findingIds: readonly string[];
      /** The latest draft, which is the only one that can be sent. */
      latestDraft?: SummaryDraft;
      /** The draft awaiting the interviewee's answer, or confirmed. */
      sent?: SummaryDraft;
    };

export type ExistingInterview = Exclude<InterviewState, { status: 'none' }>;

export const initialInterviewState = (): InterviewState => ({ status: 'none' });

export const evolveInterview = (state: InterviewState, event: AttributedInterviewEvent): InterviewState => {
  if (event.type === 'InterviewScheduled') {
    const { interviewId, engagementId, interviewee, scheduledAt, location } = event.data;
    return { status: 'scheduled', interviewId, engagementId, interviewee, scheduledAt, location, findingIds: [] };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'InterviewRescheduled':
      return { ...state, scheduledAt: event.data.scheduledAt, location: event.data.location };
    case 'InterviewCancelled':
      return { ...state, status: 'cancelled' };
    case 'InterviewConducted':
      return { ...state, status: 'conducted' };
    case 'FindingRecorded':
      return { ...state, findingIds: state.findingIds.concat(event.data.findingId) };
    case 'SummaryDrafted': {
      const { summaryVersion, summaryHash } = event.data;
      const draftedBy = event.actor?.id;
      return { ...state, status: 'summary-drafted', latestDraft: { summaryVersion, summaryHash, ...(draftedBy === undefined ? {} : { draftedBy }) } };
    }
    case 'SummarySentForConfirmation': {
      const { summaryVersion, summaryHash } = event.data;
      const draftedBy = state.latestDraft?.summaryVersion === summaryVersion ? state.latestDraft.draftedBy : undefined;
      const sentBy = event.actor?.id;
      return {
        ...state,
        status: 'summary-sent',
        sent: { summaryVersion, summaryHash, ...(draftedBy === undefined ? {} : { draftedBy }), ...(sentBy === undefined ? {} : { sentBy }) },
      };
    }
    case 'SummaryConfirmed':
      return { ...state, status: 'confirmed' };
    case 'SummaryRevisionRequested':
      return { ...state, status: 'revision-requested' };
  }
};
