import type { Actor, Interviewee, InterviewEvent } from '../../contracts/index.js';
import { AppendOnlyIds } from '../append-only-ids.js';

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

/** A confirmation link as the rules need it; the secret itself is never known, only its hash. */
export type ConfirmationLinkState = {
  linkId: string;
  tokenHash: string;
  summaryVersion: number;
  summaryHash: string;
  expiresAt: string;
  /** The issuer's user id and name (the issuing event's actor). */
  issuedBy: { id: string; name: string };
  state: 'issued' | 'revoked' | 'used';
};

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
      findingIds: AppendOnlyIds;
      /** The latest draft, which is the only one that can be sent. */
      latestDraft?: SummaryDraft;
      /** The draft awaiting the interviewee's answer, or confirmed. */
      sent?: SummaryDraft;
      /** Confirmation links by id, in issuing order. */
      links?: Readonly<Record<string, ConfirmationLinkState>>;
    };

export type ExistingInterview = Exclude<InterviewState, { status: 'none' }>;

/** A snapshot keeps the finding ids as the array `AppendOnlyIds` writes. */
export const interviewStateFromSnapshot = (stored: unknown): InterviewState => {
  const state = stored as { status: 'none' } | (Omit<ExistingInterview, 'findingIds'> & { findingIds: string[] });
  return state.status === 'none' ? state : { ...state, findingIds: AppendOnlyIds.of(state.findingIds) };
};

export const initialInterviewState = (): InterviewState => ({ status: 'none' });

export const evolveInterview = (state: InterviewState, event: AttributedInterviewEvent): InterviewState => {
  if (event.type === 'InterviewScheduled') {
    const { interviewId, engagementId, interviewee, scheduledAt, location } = event.data;
    return { status: 'scheduled', interviewId, engagementId, interviewee, scheduledAt, location, findingIds: AppendOnlyIds.of() };
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
      return { ...state, findingIds: state.findingIds.add(event.data.findingId) };
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
      return { ...useLink(state, event.data.via), status: 'confirmed' };
    case 'SummaryRevisionRequested':
      return { ...useLink(state, event.data.via), status: 'revision-requested' };
    case 'ConfirmationLinkIssued': {
      const { linkId, tokenHash, summaryVersion, summaryHash, expiresAt } = event.data;
      const issuedBy = { id: event.actor?.id ?? '', name: event.actor?.name ?? '' };
      const link: ConfirmationLinkState = { linkId, tokenHash, summaryVersion, summaryHash, expiresAt, issuedBy, state: 'issued' };
      return { ...state, links: { ...state.links, [linkId]: link } };
    }
    case 'ConfirmationLinkRevoked':
      return withLinkState(state, event.data.linkId, 'revoked');
  }
};

const withLinkState = (state: ExistingInterview, linkId: string, to: ConfirmationLinkState['state']): ExistingInterview => {
  const link = state.links?.[linkId];
  return link === undefined ? state : { ...state, links: { ...state.links, [linkId]: { ...link, state: to } } };
};

/** An answer given through a link uses it up. */
const useLink = (state: ExistingInterview, via: { method: string; linkId?: string } | undefined): ExistingInterview =>
  via?.method === 'link' && via.linkId !== undefined ? withLinkState(state, via.linkId, 'used') : state;

