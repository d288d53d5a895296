/**
 * The shapes of the read documents the consultant's and project manager's pages show, as the API's
 * projections serve them (`GET /engagements/:id/progress`, `/members`, `/interviews`,
 * `GET /interviews/:id`), and the queries that read them.
 */
import { useQuery } from '@tanstack/preact-query';
import { get } from '../api.js';
import type { EngagementDocument } from '../components/engagement-nav.js';
import { hasRole, useSession } from '../session.js';

// The vocabularies are the contracts' own lists (contracts/vocabulary.ts: one source of truth, no zod).
export {
  PHASES,
  READINESS_ITEMS,
  FINDING_SECTIONS as SECTIONS,
  FREQUENCIES,
  INTERVIEW_METHODS as METHODS,
  INTERVIEW_TOPICS as TOPICS,
  REQUIREMENT_CATEGORIES as CATEGORIES,
  ENGAGEMENT_ROLES as TEAM_ROLES,
} from '../../../../contracts/vocabulary.js';
import type { ENGAGEMENT_ROLES, FINDING_SECTIONS, FREQUENCIES, INTERVIEW_METHODS, INTERVIEW_TOPICS, PHASES } from '../../../../contracts/vocabulary.js';
export type Phase = (typeof PHASES)[number];
export type Section = (typeof FINDING_SECTIONS)[number];
export type Frequency = (typeof FREQUENCIES)[number];

export type Actor = { id: string; name: string; roles: string[] };
export type GateCondition = { rule: 'interview-not-confirmed' | 'requirement-not-prioritized' | 'readiness-item-not-met' | 'department-not-heard'; subjectId: string };

export type Progress = {
  id: string;
  currentPhase: Phase;
  phases: Array<{
    phase: Phase;
    status: 'pending' | 'active' | 'completed';
    startedAt: string | null;
    completedAt: string | null;
    waiver?: { reason: string; unmetConditions: GateCondition[]; at: string; by: Actor };
  }>;
  readiness: Array<{ item: string; status: string; evidence: string | null; recordedAt: string | null; recordedBy: Actor | null }>;
  survey: {
    interviews: { scheduled: number; conducted: number; cancelled: number };
    summaries: { sent: number; confirmed: number; revisionRequested: number; awaitingConfirmation: number };
    findings: number;
    requirements: Record<string, number> & { total: number };
  };
};

export type Member = { userId: string; name: string; role: (typeof ENGAGEMENT_ROLES)[number]; workgroup?: string; department?: string; since: string; changedAt?: string };

export type Finding = { findingId: string; section: Section; text: string; pain?: number; frequency?: Frequency; recordedAt: string; recordedBy: Actor };
export type SummaryVersion = {
  summaryVersion: number;
  text: string;
  findingIds: string[];
  summaryHash: string;
  draftedAt: string;
  draftedBy: Actor;
  sentAt?: string;
  revisionRequested?: { comments: string; at: string; by: Actor };
};
export type Interview = {
  id: string;
  engagementId: string;
  status: 'scheduled' | 'cancelled' | 'conducted' | 'summary-drafted' | 'summary-sent' | 'revision-requested' | 'confirmed';
  confirmationState: 'no-summary' | 'draft' | 'awaiting-confirmation' | 'revision-requested' | 'confirmed';
  interviewee: { name: string; department: string; position: string; phoneExt?: string; userId?: string };
  interviewers: string[];
  scheduledAt: string;
  durationMinutes: number;
  location: string;
  method: (typeof INTERVIEW_METHODS)[number];
  topics: Array<(typeof INTERVIEW_TOPICS)[number]>;
  preparationNotes?: string;
  reschedules: Array<{ from: { scheduledAt: string; location: string }; to: { scheduledAt: string; location: string }; reason: string; at: string; by: Actor }>;
  cancellation?: { reason: string; at: string; by: Actor };
  conductedAt?: string;
  attendees?: string[];
  notes?: string;
  findings: Finding[];
  summaries: SummaryVersion[];
  confirmation: { summaryVersion: number; summaryHash: string; confirmedBy: string; confirmedByName: string; confirmedAt: string } | null;
  version: number;
};

export type BacklogItem = { id: string; title: string; status: string };

export const useProgress = (id: string) => useQuery({ queryKey: ['progress', id], queryFn: () => get<Progress>(`/engagements/${id}/progress`) });
export const useMembers = (id: string) => useQuery({ queryKey: ['members', id], queryFn: () => get<{ items: Member[] }>(`/engagements/${id}/members`) });
export const useInterviews = (id: string) => useQuery({ queryKey: ['interviews', id], queryFn: () => get<{ items: Interview[] }>(`/engagements/${id}/interviews`) });
export const useInterview = (id: string) => useQuery({ queryKey: ['interview', id], queryFn: () => get<Interview>(`/interviews/${id}`) });

/** "3f9a…c01e": enough of a hash for a person to compare two of them. */
export const shortHash = (hash: string) => (hash.length > 12 ? `${hash.slice(0, 4)}…${hash.slice(-4)}` : hash);

/**
 * What the signed-in user may do in one engagement, by their organisation roles and their role in
 * its team – only to decide which actions to offer; the API decides, and its refusals are shown.
 */
export const useAbilities = (engagementId: string | undefined) => {
  const user = useSession().data?.user;
  const engagement = useQuery({
    queryKey: ['engagement', engagementId],
    queryFn: () => get<EngagementDocument>(`/engagements/${engagementId}`),
    enabled: !!engagementId,
  });
  const member = engagement.data?.team?.find((m) => m.userId === user?.id);
  const admin = hasRole(user, 'admin');
  const pm = admin || (hasRole(user, 'pm') && member?.role === 'pm');
  const consultant = pm || (hasRole(user, 'consultant', 'pm') && (member?.role === 'consultant' || member?.role === 'pm'));
  return { user, pm, consultant };
};
