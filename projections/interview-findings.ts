/**
 * Findings: one document per finding (id = findingId), with the interview it belongs to. An
 * interview gathers thousands of findings; kept inside the interview document, every new one would
 * rewrite all the others in every store (a copy in memory, the whole document in SQLite and
 * MongoDB). On their own, recording one writes one small document, whatever the interview holds.
 * The interview answer (`GET /interviews/:id`) is assembled from both at reading: `withFindings`.
 */
import { comparePositions } from '../contracts/index.js';
import { actorOf, defineProjection, documentBase } from './define.js';
import type { Finding, InterviewDocument, InterviewRecord } from './interview-schedule.js';
import type { ReadDocument } from './projection.js';

export type FindingDocument = ReadDocument & Finding & { interviewId: string };

export const interviewFindings = defineProjection<FindingDocument>({
  name: 'interview-findings',
  route: (event) => (event.type === 'FindingRecorded' ? [event.data.findingId] : []),
  on: {
    FindingRecorded: (_, event, id) => {
      const { interviewId, section, text, pain, frequency } = event.data;
      return {
        ...documentBase(event, id),
        interviewId,
        findingId: id,
        section,
        text,
        ...(pain === undefined ? {} : { pain }),
        ...(frequency === undefined ? {} : { frequency }),
        recordedAt: event.occurredAt,
        recordedBy: actorOf(event),
      };
    },
  },
});

/** How a reader asks for an interview's findings, in recording order. */
export const findingsOf = (interviewId: string) =>
  ({ filter: { interviewId }, options: { sort: [['position', 1]] } }) as const;

/**
 * The interview as the queries answer it: its record and its findings in recording order. A
 * finding the interview record has not applied yet (the two projections are checkpointed apart) is
 * left out, so that the findings are the ones of the interview's `version`.
 */
export const withFindings = (interview: InterviewRecord, findings: Iterable<FindingDocument>): InterviewDocument => {
  const applied: Finding[] = [];
  for (const { id: _id, engagementId: _engagementId, position, interviewId: _interviewId, ...finding } of findings) {
    if (comparePositions(position, interview.position) <= 0) applied.push(finding);
  }
  return { ...interview, findings: applied };
};
