/**
 * The requirement specification of a baseline (docs/domain.md#specification-document), assembled
 * from read models: the frozen requirements ranked by the same 20/80 function as the backlog (over
 * the frozen set), each traced to its findings, their interviews and the interviewees'
 * confirmations, and to the goals it serves; the signatories with their sign-offs; suspect marks.
 * Pure: the HTTP layer renders it in a language and a format.
 */
import type { FrozenRequirement } from '../contracts/index.js';
import type { BaselineDocument } from './baseline-document.js';
import { rankBacklog, type Ranking } from './backlog-ranking.js';
import type { Confirmation, Finding, InterviewDocument } from './interview-schedule.js';
import type { Goal } from './success-scorecard.js';

export type TracedSource = {
  interviewId: string;
  findingId: string;
  /** Null when the interview or finding is not (or no longer) in the read models. */
  finding: Pick<Finding, 'section' | 'text' | 'pain' | 'frequency'> | null;
  interview: { interviewee: { name: string; department: string; position: string }; method: string; conductedAt: string | null } | null;
  /** The interviewee's confirmation of the interview's summary, if confirmed. */
  confirmation: Confirmation | null;
  /** Whether the confirmed summary version cites this finding. */
  findingInConfirmedSummary: boolean;
};

export type SpecificationRequirement = Omit<FrozenRequirement, 'sources'> & Ranking & { sources: TracedSource[]; goals: Goal[] };

export type Specification = {
  baseline: Omit<BaselineDocument, 'requirements'>;
  requirements: SpecificationRequirement[];
};

const traced = (source: { interviewId: string; findingId: string }, interviews: ReadonlyMap<string, InterviewDocument>): TracedSource => {
  const interview = interviews.get(source.interviewId);
  const finding = interview?.findings.find((f) => f.findingId === source.findingId);
  const confirmation = interview?.confirmation ?? null;
  const confirmed = confirmation ? interview?.summaries.find((s) => s.summaryVersion === confirmation.summaryVersion) : undefined;
  return {
    ...source,
    finding: finding
      ? { section: finding.section, text: finding.text, ...(finding.pain === undefined ? {} : { pain: finding.pain }), ...(finding.frequency === undefined ? {} : { frequency: finding.frequency }) }
      : null,
    interview: interview
      ? {
          interviewee: { name: interview.interviewee.name, department: interview.interviewee.department, position: interview.interviewee.position },
          method: interview.method,
          conductedAt: interview.conductedAt ?? null,
        }
      : null,
    confirmation: confirmation ? { ...confirmation } : null,
    findingInConfirmedSummary: confirmed?.findingIds.includes(source.findingId) ?? false,
  };
};

export const specificationOf = (baseline: BaselineDocument, interviews: readonly InterviewDocument[], goals: readonly Goal[]): Specification => {
  const { requirements, ...rest } = baseline;
  const byId = new Map(interviews.map((i) => [i.id, i]));
  const goalById = new Map(goals.map((g) => [g.goalId, g]));
  const ranked = rankBacklog(
    requirements.map((r) => ({
      id: r.requirementId,
      engagementId: baseline.engagementId,
      status: 'accepted' as const,
      ...(r.priority ? { priority: { score: r.priority.score, inputs: { fundSafety: r.priority.fundSafety, stakeholderConcern: r.priority.stakeholderConcern } } } : {}),
      frozen: r,
    })),
  );
  return {
    baseline: rest,
    requirements: ranked
      .map(({ frozen, rank, tier, score }) => ({
        ...frozen,
        rank,
        tier,
        score,
        sources: frozen.sources.map((s) => traced(s, byId)),
        goals: frozen.goalIds.map((goalId) => goalById.get(goalId) ?? { goalId, text: goalId }),
      }))
      .sort((a, b) => (a.rank ?? Number.MAX_SAFE_INTEGER) - (b.rank ?? Number.MAX_SAFE_INTEGER) || (a.requirementId < b.requirementId ? -1 : 1)),
  };
};
