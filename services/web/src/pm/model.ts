/**
 * The requirement read models as the API answers them (GET /engagements/:id/backlog,
 * GET /requirements/:id, GET /engagements/:id/audit), shared by the backlog, requirement and audit
 * pages, and the queries that fetch them.
 */
import type { ChangeRequest } from './change-requests.js';
import { useQuery } from '@tanstack/preact-query';
import { get } from '../api.js';

// The vocabularies are the contracts' and projections' own lists: one source of truth.
export { PHASES, REQUIREMENT_CATEGORIES as CATEGORIES, REQUIREMENT_STATUSES as STATUSES } from '../../../../contracts/vocabulary.js';
export { TIERS } from '../../../../projections/backlog-ranking.js';

export type Actor = { id: string; name: string; roles: string[] };
export type PriorityInputs = { frequency: number; lossIfMismanaged: number; urgency: number; fundSafety: boolean; stakeholderConcern: boolean };
export type Priority = { inputs: PriorityInputs; rationale: string; score: number; formulaVersion: number };
export type Decision = { status: 'accepted' | 'deferred' | 'rejected'; previousStatus: string; targetPhase?: string; reason?: string; at: string; by: Actor };
export type Source = { interviewId: string; findingId: string };

export type BacklogItem = {
  id: string;
  engagementId: string;
  title: string;
  description: string;
  category: string;
  departments: string[];
  status: string;
  sources: Source[];
  priority?: Priority;
  prioritizedAt?: string;
  targetPhase?: string;
  decision?: Decision;
  capturedAt: string;
  capturedBy: Actor;
  version: number;
  updatedAt: string;
  rank: number | null;
  tier: string | null;
  score: number | null;
};
export type BacklogPage = { items: BacklogItem[]; nextCursor: string | null };

export type Revision = { changes: Record<string, unknown>; previous: Record<string, unknown>; reason: string; at: string; by: Actor };
export type RequirementDocument = BacklogItem & {
  priorityHistory: Array<Priority & { at: string; by: Actor; position: string }>;
  decisions: Decision[];
  revisions: Revision[];
  /** Absent on documents projected before change requests existed. */
  changeRequests?: ChangeRequest[];
};

export type Finding = { findingId: string; section: string; text: string; pain?: number; frequency?: string };
export type InterviewDocument = {
  id: string;
  status: string;
  confirmationState: string;
  interviewee: { name: string; department: string; position: string };
  scheduledAt: string;
  findings: Finding[];
  confirmation: { summaryVersion: number; summaryHash: string; confirmedByName: string; confirmedAt: string } | null;
};

export type AuditEntry = {
  eventId: string;
  eventType: string;
  position: string;
  action: string;
  at: string;
  actor: Actor;
  subject: { type: string; id: string };
  reason: string | null;
  changes: Record<string, { from: unknown; to: unknown }>;
  summaryVersion?: number;
  summaryHash?: string;
  waiver?: { reason: string; unmetConditions: string[] };
  correlationId: string;
};
export type AuditPage = { entries: AuditEntry[]; nextCursor: string | null };

export const DECISION_ACTIONS = ['requirement-prioritized', 'requirement-accepted', 'requirement-deferred', 'requirement-rejected'] as const;

/** A query string of the values that are set. */
export const queryString = (values: Record<string, string | number | undefined | null>) => {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
};

export const useRequirement = (id: string | undefined) =>
  useQuery({ queryKey: ['requirement', id], queryFn: () => get<RequirementDocument>(`/requirements/${id}`), enabled: !!id });

export const useInterview = (id: string) => useQuery({ queryKey: ['interview', id], queryFn: () => get<InterviewDocument>(`/interviews/${id}`) });

/** A short form of a hash, as the interviewee sees it: "3f9a…c01e". */
export const shortHash = (hash: string) => (hash.length > 12 ? `${hash.slice(0, 4)}…${hash.slice(-4)}` : hash);
