import { z } from 'zod';
import {
  FindingSection,
  Frequency,
  Id,
  Instant,
  InterviewMethod,
  InterviewTopic,
  LongText,
  Name,
  Pain,
  Reason,
  text,
} from '../values.js';
import { Interviewee, LinkId, LinkLanguage, SummaryHash, SummaryVersion, TokenHash } from '../commands/interview.js';
import { event } from './event.js';

const InterviewRef = { interviewId: Id };

export const InterviewScheduled = event(
  'InterviewScheduled',
  z.strictObject({
    ...InterviewRef,
    engagementId: Id,
    interviewee: Interviewee,
    interviewers: z.array(Name),
    scheduledAt: Instant,
    durationMinutes: z.number().int(),
    location: text(500),
    method: InterviewMethod,
    topics: z.array(InterviewTopic),
    preparationNotes: LongText.optional(),
  }),
);

export const InterviewRescheduled = event(
  'InterviewRescheduled',
  z.strictObject({
    ...InterviewRef,
    scheduledAt: Instant,
    location: text(500),
    previousScheduledAt: Instant,
    previousLocation: text(500),
    reason: Reason,
  }),
);

export const InterviewCancelled = event('InterviewCancelled', z.strictObject({ ...InterviewRef, reason: Reason }));

export const InterviewConducted = event(
  'InterviewConducted',
  z.strictObject({ ...InterviewRef, conductedAt: Instant, attendees: z.array(Name), notes: LongText.optional() }),
);

export const FindingRecorded = event(
  'FindingRecorded',
  z.strictObject({
    ...InterviewRef,
    findingId: Id,
    section: FindingSection,
    text: LongText,
    pain: Pain.optional(),
    frequency: Frequency.optional(),
  }),
);

export const SummaryDrafted = event(
  'SummaryDrafted',
  z.strictObject({
    ...InterviewRef,
    summaryVersion: SummaryVersion,
    text: text(50_000),
    findingIds: z.array(Id),
    summaryHash: SummaryHash,
  }),
);

const SummaryRef = { ...InterviewRef, summaryVersion: SummaryVersion, summaryHash: SummaryHash };

export const SummarySentForConfirmation = event('SummarySentForConfirmation', z.strictObject(SummaryRef));

/**
 * How an answer to a summary was given: signed in as the interviewee, or through a confirmation
 * link (which one, and who issued it). Optional: events stored before links existed carry none.
 */
export const AnswerVia = z.discriminatedUnion('method', [
  z.strictObject({ method: z.literal('signed-in') }),
  z.strictObject({ method: z.literal('link'), linkId: LinkId, issuedBy: text(200) }),
]);
export type AnswerVia = z.infer<typeof AnswerVia>;

/** "Who confirmed what": the interviewee's user id, the version and the hash of what they confirmed. */
export const SummaryConfirmed = event(
  'SummaryConfirmed',
  z.strictObject({ ...SummaryRef, confirmedBy: text(200), via: AnswerVia.optional() }),
);

export const SummaryRevisionRequested = event(
  'SummaryRevisionRequested',
  z.strictObject({ ...SummaryRef, requestedBy: text(200), comments: LongText, via: AnswerVia.optional() }),
);

/**
 * A consultant handed out a single-use link to answer one sent version. Only the SHA-256 of the
 * link's secret is recorded; the issuer is the event's actor.
 */
export const ConfirmationLinkIssued = event(
  'ConfirmationLinkIssued',
  z.strictObject({
    ...SummaryRef,
    linkId: LinkId,
    tokenHash: TokenHash,
    expiresAt: Instant,
    email: z.email().max(320).optional(),
    language: LinkLanguage.optional(),
  }),
);

export const ConfirmationLinkRevoked = event(
  'ConfirmationLinkRevoked',
  z.strictObject({ ...InterviewRef, linkId: LinkId, reason: Reason }),
);

export const InterviewEvent = z.discriminatedUnion('type', [
  InterviewScheduled,
  InterviewRescheduled,
  InterviewCancelled,
  InterviewConducted,
  FindingRecorded,
  SummaryDrafted,
  SummarySentForConfirmation,
  SummaryConfirmed,
  SummaryRevisionRequested,
  ConfirmationLinkIssued,
  ConfirmationLinkRevoked,
]);
export type InterviewEvent = z.infer<typeof InterviewEvent>;
