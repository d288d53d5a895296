/**
 * The proof reads as the API answers them (GET /requirements/:id/priority/explanation,
 * GET /engagements/:id/changes): codes and numbers, put into words by the pages.
 */
export type EventRef = { eventId: string; type: string; position: string; at: string; actor: { id: string; name: string }; subjectId: string };
type FromTo<T> = { from: T; to: T };

export type PriorityExplanation = {
  requirementId: string;
  engagementId: string;
  asOf: string;
  status: string;
  priority: {
    formulaVersion: number;
    terms: Array<{ input: 'frequency' | 'lossIfMismanaged' | 'urgency' | 'fundSafety' | 'stakeholderConcern'; value: number; weight: number; points: number; setBy: EventRef }>;
    score: number;
    rationale: string;
    prioritizedBy: EventRef;
  } | null;
  ranking: { rank: number | null; tier: string | null; tierReason: string | null; ranked: number; vitalFewCount: number; cutOffScore: number | null };
  moves: Array<{ event: EventRef; tier: FromTo<string | null>; rank: FromTo<number | null> }>;
};

export type Change = { kind: string; events: EventRef[] } & (
  | { kind: 'requirement-added'; requirementId: string; title: string }
  | { kind: 'requirement-revised'; requirementId: string; title: string; fields: string[] }
  | { kind: 'requirement-rescored'; requirementId: string; title: string; score: FromTo<number | null> }
  | { kind: 'requirement-decided'; requirementId: string; title: string; status: FromTo<string | null> }
  | { kind: 'requirement-retiered'; requirementId: string; title: string; tier: FromTo<string | null>; rank: FromTo<number | null> }
  | { kind: 'readiness-recorded'; item: string; status: FromTo<string | null> }
  | { kind: 'phase-advanced'; phase: FromTo<string>; waiver: { reason: string; unmetConditions: unknown[] } | null }
  | { kind: 'summary-confirmed'; interviewId: string; summaryVersion: number; summaryHash: string }
  | { kind: 'summary-revision-requested'; interviewId: string; summaryVersion: number }
  | { kind: 'member-added' | 'member-changed' | 'member-removed'; userId: string; name: string; role: FromTo<string | null> }
  | { kind: 'goal-added'; goalId: string; text: string }
  | { kind: 'target-added' | 'target-revised' | 'measurement-recorded'; goalId: string; targetId: string; status: string | null }
);
export type Changes = { engagementId: string; from: string; to: string; changes: Change[] };

/** The audit trail's word for an event type: `RequirementPrioritized` → `requirement-prioritized`. */
export const actionOf = (type: string) => type.replace(/[A-Z]/g, (letter, index: number) => `${index === 0 ? '' : '-'}${letter.toLowerCase()}`);

/** An ISO instant from a datetime-local value (the reader's time zone); undefined when empty. */
export const instantOf = (local: string) => (local ? new Date(local).toISOString() : undefined);
