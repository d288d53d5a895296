/** Which summary version the signed-in interviewee is shown, and what they answered (no UI, no i18n). */
export type CitedFinding = { findingId: string; section: string; text: string; pain?: number; frequency?: string };
export type SentSummary = { summaryVersion: number; summaryHash: string; text: string; findings: CitedFinding[] };
export type GivenAnswer = { kind: 'confirmed'; at: string } | { kind: 'revision-requested'; at: string; comments: string } | null;

export type InterviewDocument = {
  id: string;
  status: string;
  interviewee: { name: string; userId?: string };
  scheduledAt: string;
  conductedAt?: string;
  findings: CitedFinding[];
  summaries: Array<{
    summaryVersion: number;
    summaryHash: string;
    text: string;
    findingIds: string[];
    sentAt?: string;
    revisionRequested?: { comments: string; at: string };
  }>;
  confirmation: { summaryVersion: number; summaryHash: string; confirmedAt: string } | null;
};

/** The version the interviewee is asked about, and what they answered, if anything. */
export const awaitingOrAnswered = (doc: InterviewDocument): { summary: SentSummary; answer: GivenAnswer } | undefined => {
  const sent = doc.summaries.filter((s) => s.sentAt !== undefined);
  const version =
    doc.status === 'confirmed' && doc.confirmation
      ? doc.summaries.find((s) => s.summaryVersion === doc.confirmation!.summaryVersion)
      : doc.status === 'summary-sent' || doc.status === 'revision-requested'
        ? sent.at(-1)
        : undefined;
  if (!version) return undefined;
  const summary: SentSummary = {
    summaryVersion: version.summaryVersion,
    summaryHash: version.summaryHash,
    text: version.text,
    findings: version.findingIds.flatMap((id) => doc.findings.filter((f) => f.findingId === id)),
  };
  const answer: GivenAnswer =
    doc.status === 'confirmed' && doc.confirmation
      ? { kind: 'confirmed', at: doc.confirmation.confirmedAt }
      : doc.status === 'revision-requested' && version.revisionRequested
        ? { kind: 'revision-requested', at: version.revisionRequested.at, comments: version.revisionRequested.comments }
        : null;
  return { summary, answer };
};

