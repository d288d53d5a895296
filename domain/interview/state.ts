import type { Interviewee, InterviewEvent } from '../../contracts/index.js';

export type InterviewStatus =
  | 'scheduled'
  | 'cancelled'
  | 'conducted'
  | 'summary-drafted'
  | 'summary-sent'
  | 'revision-requested'
  | 'confirmed';

export type SummaryDraft = { summaryVersion: number; summaryHash: string };

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

export const evolveInterview = (state: InterviewState, event: InterviewEvent): InterviewState => {
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
      return { ...state, status: 'summary-drafted', latestDraft: { summaryVersion, summaryHash } };
    }
    case 'SummarySentForConfirmation': {
      const { summaryVersion, summaryHash } = event.data;
      return { ...state, status: 'summary-sent', sent: { summaryVersion, summaryHash } };
    }
    case 'SummaryConfirmed':
      return { ...state, status: 'confirmed' };
    case 'SummaryRevisionRequested':
      return { ...state, status: 'revision-requested' };
  }
};
