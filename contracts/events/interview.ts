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
import { Interviewee, SummaryHash, SummaryVersion } from '../commands/interview.js';
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

/** "Who confirmed what": the interviewee's user id, the version and the hash of what they confirmed. */
export const SummaryConfirmed = event(
  'SummaryConfirmed',
  z.strictObject({ ...SummaryRef, confirmedBy: text(200) }),
);

export const SummaryRevisionRequested = event(
  'SummaryRevisionRequested',
  z.strictObject({ ...SummaryRef, requestedBy: text(200), comments: LongText }),
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
]);
export type InterviewEvent = z.infer<typeof InterviewEvent>;
