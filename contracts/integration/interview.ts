/** Public events about interviews: only the confirmed summary, the sign-off requirements trace to. */
import { z } from 'zod';
import { integrationEvent } from './envelope.js';
import { PublicId, PublicText } from './vocabulary.js';

export const InterviewSummaryConfirmedV1 = integrationEvent(
  {
    type: 'interview.summary-confirmed',
    schemaVersion: 1,
    subjectType: 'interview',
    summary: 'The interviewee confirmed a version of the interview summary; requirements trace back to confirmed summaries.',
  },
  z.strictObject({
    interviewId: PublicId,
    summaryVersion: z.number().int().min(1),
    summaryHash: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .meta({ description: 'SHA-256 of the confirmed summary text and findings: what exactly was confirmed.' }),
    confirmedBy: PublicText(200).meta({
      description: 'The user id of the interviewee who confirmed, or link:<linkId> for an interviewee without an account.',
    }),
    confirmedVia: z
      .enum(['signed-in', 'link'])
      .optional()
      .meta({ description: 'How the interviewee confirmed: signed in, or through a confirmation link a consultant issued. Absent on confirmations before links existed.' }),
  }),
);
