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
  uniqueList,
} from '../values.js';
import { command, NoBody } from './command.js';

export const Interviewee = z.strictObject({
  name: Name,
  department: Name,
  position: Name,
  phoneExt: text(30).optional(),
  /** The user id (token `sub`) the interviewee logs in with; only that user may confirm. */
  userId: text(200).optional(),
});
export type Interviewee = z.infer<typeof Interviewee>;

export const ScheduleInterviewBody = z.strictObject({
  interviewee: Interviewee,
  interviewers: uniqueList(Name, 'interviewers').min(1),
  scheduledAt: Instant,
  durationMinutes: z.number().int().min(5).max(24 * 60),
  location: text(500),
  method: InterviewMethod,
  topics: uniqueList(InterviewTopic, 'topics').min(1),
  preparationNotes: LongText.optional(),
});
const InterviewRef = { interviewId: Id };
export const ScheduleInterview = command(
  'ScheduleInterview',
  ScheduleInterviewBody.extend({ ...InterviewRef, engagementId: Id }),
);

export const RescheduleInterviewBody = z.strictObject({
  scheduledAt: Instant,
  location: text(500).optional(),
  reason: Reason,
});
export const RescheduleInterview = command('RescheduleInterview', RescheduleInterviewBody.extend(InterviewRef));

export const CancelInterviewBody = z.strictObject({ reason: Reason });
export const CancelInterview = command('CancelInterview', CancelInterviewBody.extend(InterviewRef));

export const RecordInterviewConductedBody = z.strictObject({
  conductedAt: Instant,
  attendees: uniqueList(Name, 'attendees').default([]),
  notes: LongText.optional(),
});
export const RecordInterviewConducted = command(
  'RecordInterviewConducted',
  RecordInterviewConductedBody.extend(InterviewRef),
);

export const RecordFindingBody = z.strictObject({
  section: FindingSection,
  text: LongText,
  pain: Pain.optional(),
  frequency: Frequency.optional(),
});
export const RecordFinding = command('RecordFinding', RecordFindingBody.extend({ ...InterviewRef, findingId: Id }));

export const SummaryHash = z.string().regex(/^[0-9a-f]{64}$/, 'a summary hash is 64 lowercase hex digits (SHA-256)');
export const SummaryVersion = z.number().int().min(1);

export const DraftSummaryBody = z.strictObject({
  text: text(50_000),
  findingIds: uniqueList(Id, 'findingIds').min(1),
});
export const DraftSummary = command('DraftSummary', DraftSummaryBody.extend(InterviewRef));

export const SendSummaryForConfirmationBody = NoBody;
export const SendSummaryForConfirmation = command(
  'SendSummaryForConfirmation',
  SendSummaryForConfirmationBody.extend(InterviewRef),
);

export const ConfirmSummaryBody = z.strictObject({
  summaryVersion: SummaryVersion,
  summaryHash: SummaryHash.optional(),
});
export const ConfirmSummary = command('ConfirmSummary', ConfirmSummaryBody.extend(InterviewRef));

export const RequestSummaryRevisionBody = z.strictObject({
  summaryVersion: SummaryVersion,
  comments: LongText,
});
export const RequestSummaryRevision = command(
  'RequestSummaryRevision',
  RequestSummaryRevisionBody.extend(InterviewRef),
);

/** The language a confirmation link's email is written in. */
export const LinkLanguage = z.enum(['en', 'zh-CN']);
export const LinkId = Id;
/** SHA-256 (hex) of a confirmation link's secret: the log keeps this, never the secret. */
export const TokenHash = z.string().regex(/^[0-9a-f]{64}$/, 'a token hash is 64 lowercase hex digits (SHA-256)');

export const IssueConfirmationLinkBody = z.strictObject({
  /** How many days the link stays valid (1–30). */
  validForDays: z.number().int().min(1).max(30).default(7),
  /** Where the link is emailed (when the service has SMTP); otherwise the consultant hands it over. */
  email: z.email().max(320).optional(),
  language: LinkLanguage.optional(),
});
export const IssueConfirmationLink = command(
  'IssueConfirmationLink',
  IssueConfirmationLinkBody.extend({ ...InterviewRef, linkId: LinkId, tokenHash: TokenHash }),
);

export const RevokeConfirmationLinkBody = z.strictObject({ reason: Reason });
export const RevokeConfirmationLink = command(
  'RevokeConfirmationLink',
  RevokeConfirmationLinkBody.extend({ ...InterviewRef, linkId: LinkId }),
);

/** The link holder's answer: the link is the credential (its secret's hash must match an issued link). */
export const ConfirmSummaryByLink = command(
  'ConfirmSummaryByLink',
  z.strictObject({ ...InterviewRef, linkId: LinkId, tokenHash: TokenHash }),
);
export const RequestSummaryRevisionByLinkBody = z.strictObject({ comments: LongText });
export const RequestSummaryRevisionByLink = command(
  'RequestSummaryRevisionByLink',
  RequestSummaryRevisionByLinkBody.extend({ ...InterviewRef, linkId: LinkId, tokenHash: TokenHash }),
);

export const InterviewCommand = z.discriminatedUnion('type', [
  ScheduleInterview,
  RescheduleInterview,
  CancelInterview,
  RecordInterviewConducted,
  RecordFinding,
  DraftSummary,
  SendSummaryForConfirmation,
  ConfirmSummary,
  RequestSummaryRevision,
  IssueConfirmationLink,
  RevokeConfirmationLink,
  ConfirmSummaryByLink,
  RequestSummaryRevisionByLink,
]);
export type InterviewCommand = z.infer<typeof InterviewCommand>;
