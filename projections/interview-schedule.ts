/**
 * Interviews: one document per interview (id = interviewId), serving both the engagement's
 * interview schedule (`GET /engagements/:id/interviews`: status, interviewee, time, place, method,
 * confirmation state) and the interview record (`GET /interviews/:id`: everything below, with the
 * findings of `interview-findings.ts`, which live in documents of their own).
 *
 * `status` follows the interview lifecycle of DOMAIN.md. `confirmationState` is the summary's side
 * of it, for the schedule: `no-summary` until a draft exists, `draft` while the latest draft is
 * unsent, `awaiting-confirmation` once sent, then `confirmed` or `revision-requested` (a new draft
 * makes it `draft` again).
 */
import type { Actor, AnswerVia, EventOfType, Interviewee } from '../contracts/index.js';
import { actorOf, defineProjection, documentBase, existing, versioned } from './define.js';
import type { ReadDocument } from './projection.js';

export const INTERVIEW_STATUSES = [
  'scheduled',
  'cancelled',
  'conducted',
  'summary-drafted',
  'summary-sent',
  'revision-requested',
  'confirmed',
] as const;
export type InterviewStatus = (typeof INTERVIEW_STATUSES)[number];

export const CONFIRMATION_STATES = ['no-summary', 'draft', 'awaiting-confirmation', 'revision-requested', 'confirmed'] as const;
export type ConfirmationState = (typeof CONFIRMATION_STATES)[number];

type Scheduled = EventOfType<'InterviewScheduled'>['data'];
type Recorded = EventOfType<'FindingRecorded'>['data'];

export type Reschedule = {
  from: { scheduledAt: string; location: string };
  to: { scheduledAt: string; location: string };
  reason: string;
  at: string;
  by: Actor;
};

export type Finding = {
  findingId: string;
  section: Recorded['section'];
  text: string;
  pain?: number;
  frequency?: Recorded['frequency'];
  recordedAt: string;
  recordedBy: Actor;
};

export type SummaryVersion = {
  summaryVersion: number;
  text: string;
  findingIds: string[];
  summaryHash: string;
  draftedAt: string;
  draftedBy: Actor;
  /** When this version was sent to the interviewee for confirmation. */
  sentAt?: string;
  /** The interviewee's request to revise this version. */
  revisionRequested?: { comments: string; at: string; by: Actor; via?: AnswerVia };
};

/** "Who confirmed what": the interviewee's user id and name, the version and its hash, when, and how. */
export type Confirmation = {
  summaryVersion: number;
  summaryHash: string;
  confirmedBy: string;
  confirmedByName: string;
  confirmedAt: string;
  /** Signed in, or through which confirmation link (issuer's user id); absent before links existed. */
  via?: AnswerVia;
};

/**
 * A confirmation link as consultants see it – never its secret or the secret's hash. `state` is as
 * recorded; a link past `expiresAt` is expired whatever it says.
 */
export type ConfirmationLink = {
  linkId: string;
  summaryVersion: number;
  summaryHash: string;
  issuedAt: string;
  issuedBy: Actor;
  expiresAt: string;
  email?: string;
  language?: 'en' | 'zh-CN';
  state: 'issued' | 'revoked' | 'used';
  revoked?: { reason: string; at: string; by: Actor };
  usedAt?: string;
};

/** The interview as stored: everything but its findings. */
export type InterviewRecord = ReadDocument & {
  status: InterviewStatus;
  confirmationState: ConfirmationState;
  interviewee: Interviewee;
  interviewers: string[];
  scheduledAt: string;
  durationMinutes: number;
  location: string;
  method: Scheduled['method'];
  topics: Scheduled['topics'];
  preparationNotes?: string;
  scheduledBy: Actor;
  /** Every move of the interview, oldest first. */
  reschedules: Reschedule[];
  cancellation?: { reason: string; at: string; by: Actor };
  conductedAt?: string;
  attendees?: string[];
  notes?: string;
  /** Every summary draft, by version. */
  summaries: SummaryVersion[];
  confirmation: Confirmation | null;
  /** Confirmation links, oldest first (absent on documents projected before links existed). */
  links?: ConfirmationLink[];
  /** Revision of the interview stream after the last event applied (the ETag of commands). */
  version: number;
  updatedAt: string;
};

/** The interview as the queries answer it: the record with its findings in recording order. */
export type InterviewDocument = InterviewRecord & {
  findings: Finding[];
};

/** The summary version `summaryVersion` changed by `change`, the others as they were. */
const changeSummary = (
  summaries: readonly SummaryVersion[],
  summaryVersion: number,
  change: (summary: SummaryVersion) => SummaryVersion,
): SummaryVersion[] => summaries.map((summary) => (summary.summaryVersion === summaryVersion ? change(summary) : summary));

export const interviewSchedule = defineProjection<InterviewRecord>({
  name: 'interviews',
  route: (event) => ('interviewId' in event.data ? [event.data.interviewId] : []),
  on: {
    InterviewScheduled: (_, event, id) => {
      const { interviewee, interviewers, scheduledAt, durationMinutes, location, method, topics, preparationNotes } = event.data;
      return {
        ...documentBase(event, id),
        status: 'scheduled',
        confirmationState: 'no-summary',
        interviewee: { ...interviewee },
        interviewers: [...interviewers],
        scheduledAt,
        durationMinutes,
        location,
        method,
        topics: [...topics],
        ...(preparationNotes === undefined ? {} : { preparationNotes }),
        scheduledBy: actorOf(event),
        reschedules: [],
        summaries: [],
        confirmation: null,
        version: event.revision,
        updatedAt: event.occurredAt,
      };
    },
    InterviewRescheduled: existing((interview, event) => {
      const { scheduledAt, location, previousScheduledAt, previousLocation, reason } = event.data;
      const reschedule: Reschedule = {
        from: { scheduledAt: previousScheduledAt, location: previousLocation },
        to: { scheduledAt, location },
        reason,
        at: event.occurredAt,
        by: actorOf(event),
      };
      return versioned({ ...interview, scheduledAt, location, reschedules: [...interview.reschedules, reschedule] }, event);
    }),
    InterviewCancelled: existing((interview, event) =>
      versioned(
        { ...interview, status: 'cancelled', cancellation: { reason: event.data.reason, at: event.occurredAt, by: actorOf(event) } },
        event,
      ),
    ),
    InterviewConducted: existing((interview, event) => {
      const { conductedAt, attendees, notes } = event.data;
      return versioned(
        { ...interview, status: 'conducted', conductedAt, attendees: [...attendees], ...(notes === undefined ? {} : { notes }) },
        event,
      );
    }),
    // The finding itself goes to its own document (interview-findings.ts); the interview moves on a revision.
    FindingRecorded: existing((interview, event) => versioned(interview, event)),
    SummaryDrafted: existing((interview, event) => {
      const { summaryVersion, text, findingIds, summaryHash } = event.data;
      const draft: SummaryVersion = {
        summaryVersion,
        text,
        findingIds: [...findingIds],
        summaryHash,
        draftedAt: event.occurredAt,
        draftedBy: actorOf(event),
      };
      return versioned(
        { ...interview, status: 'summary-drafted', confirmationState: 'draft', summaries: [...interview.summaries, draft] },
        event,
      );
    }),
    SummarySentForConfirmation: existing((interview, event) =>
      versioned(
        {
          ...interview,
          status: 'summary-sent',
          confirmationState: 'awaiting-confirmation',
          summaries: changeSummary(interview.summaries, event.data.summaryVersion, (summary) => ({ ...summary, sentAt: event.occurredAt })),
        },
        event,
      ),
    ),
    SummaryConfirmed: existing((interview, event) => {
      const { summaryVersion, summaryHash, confirmedBy, via } = event.data;
      return versioned(
        {
          ...usedLink(interview, via, event.occurredAt),
          status: 'confirmed',
          confirmationState: 'confirmed',
          confirmation: {
            summaryVersion,
            summaryHash,
            confirmedBy,
            confirmedByName: event.actor.name,
            confirmedAt: event.occurredAt,
            ...(via === undefined ? {} : { via: { ...via } }),
          },
        },
        event,
      );
    }),
    SummaryRevisionRequested: existing((interview, event) => {
      const { via } = event.data;
      const revisionRequested = {
        comments: event.data.comments,
        at: event.occurredAt,
        by: actorOf(event),
        ...(via === undefined ? {} : { via: { ...via } }),
      };
      return versioned(
        {
          ...usedLink(interview, via, event.occurredAt),
          status: 'revision-requested',
          confirmationState: 'revision-requested',
          summaries: changeSummary(interview.summaries, event.data.summaryVersion, (summary) => ({ ...summary, revisionRequested })),
        },
        event,
      );
    }),
    ConfirmationLinkIssued: existing((interview, event) => {
      const { linkId, summaryVersion, summaryHash, expiresAt, email, language } = event.data;
      const link: ConfirmationLink = {
        linkId,
        summaryVersion,
        summaryHash,
        issuedAt: event.occurredAt,
        issuedBy: actorOf(event),
        expiresAt,
        ...(email === undefined ? {} : { email }),
        ...(language === undefined ? {} : { language }),
        state: 'issued',
      };
      return versioned({ ...interview, links: [...(interview.links ?? []), link] }, event);
    }),
    ConfirmationLinkRevoked: existing((interview, event) => {
      const revoked = { reason: event.data.reason, at: event.occurredAt, by: actorOf(event) };
      return versioned(changeLink(interview, event.data.linkId, (link) => ({ ...link, state: 'revoked', revoked })), event);
    }),
  },
});

const changeLink = (
  interview: InterviewRecord,
  linkId: string,
  change: (link: ConfirmationLink) => ConfirmationLink,
): InterviewRecord =>
  interview.links === undefined
    ? interview
    : { ...interview, links: interview.links.map((link) => (link.linkId === linkId ? change(link) : link)) };

/** An answer through a link uses the link up. */
const usedLink = (interview: InterviewRecord, via: AnswerVia | undefined, at: string): InterviewRecord =>
  via?.method === 'link' ? changeLink(interview, via.linkId, (link) => ({ ...link, state: 'used', usedAt: at })) : interview;
