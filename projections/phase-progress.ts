/**
 * Phase progress (`GET /engagements/:id/progress`): one document per engagement (id =
 * engagementId) with each phase's status and dates, the waivers that passed a gate, the readiness
 * assessment, the survey counters, the goals and the success scorecard (success-scorecard.ts), the
 * rollout's complexity (complexity.ts), the business case (business-case.ts), who has not been
 * heard (departments-heard.ts) and the gate conditions a pm chose. Documents written before these
 * existed lack them until the projection is rebuilt (`npm run projections:rebuild -- phase-progress`);
 * the updates start them empty rather than fail – so `hearing` counts only what happened since,
 * until that rebuild. Interview and requirement events reach it through the envelope's
 * `engagementId`.
 *
 * Phases: all `pending` at the start except `concept-introduction`, `active` from EngagementStarted.
 * An advance completes the phase it leaves (a waiver is shown on that phase: it waived that
 * phase's exit gate) and activates the next. `go-live` is terminal and stays `active`.
 *
 * Survey counters, precisely:
 * - `interviews.scheduled` / `.conducted` / `.cancelled`: interviews that reached that point of
 *   their lifecycle, which only moves forward. `scheduled` counts every interview once (rescheduling
 *   does not count again) and so includes those later conducted or cancelled.
 * - `summaries.sent`: sendings for confirmation, one per summary version sent (a version redrafted
 *   after a revision request and sent again counts again). `summaries.confirmed`: interviews whose
 *   summary is confirmed (at most one per interview). `summaries.revisionRequested`: revision
 *   requests. Each sending is answered at most once, so `summaries.awaitingConfirmation`
 *   (= sent − confirmed − revisionRequested) is the number of interviews whose summary waits on the
 *   interviewee now.
 * - `findings`: findings recorded.
 * - `requirements.captured` … `.rejected`: requirements *currently* in that status (decisions name
 *   the status they leave, and a first prioritization – one without `previous` – leaves `captured`;
 *   re-prioritizing changes no status). `requirements.total` is their sum: requirements captured.
 */
import {
  phaseIndex,
  PHASES,
  REQUIREMENT_STATUSES,
  type Actor,
  type GateCondition,
  type GateOption,
  type Phase,
  type RequirementStatus,
} from '../contracts/index.js';
import { accepted, departmentsSet, noComplexity, withdrawn, type Complexity } from './complexity.js';
import { actorOf, defineProjection, documentBase, existing } from './define.js';
import type { ReadDocument } from './projection.js';
import { businessCaseSet, type BusinessCase } from './business-case.js';
import {
  interviewNow,
  interviewScheduled,
  memberRemoved,
  memberSet,
  noHearing,
  requirementDepartments,
  requirementRejected,
  type Hearing,
} from './departments-heard.js';
import { assessReadiness, unassessedReadiness, type ReadinessAssessment } from './readiness.js';
import { emptyScorecard, goalsAtStart, measured, targetAdded, targetRevised, type Goal, type Scorecard } from './success-scorecard.js';

export const PHASE_STATUSES = ['pending', 'active', 'completed'] as const;
export type PhaseStatus = (typeof PHASE_STATUSES)[number];

export type Waiver = { reason: string; unmetConditions: GateCondition[]; at: string; by: Actor };

export type PhaseEntry = {
  phase: Phase;
  status: PhaseStatus;
  startedAt: string | null;
  completedAt: string | null;
  /** The written reason a project manager passed this phase's exit gate with, and what it waived. */
  waiver?: Waiver;
};

export type SurveyCounters = {
  interviews: { scheduled: number; conducted: number; cancelled: number };
  summaries: { sent: number; confirmed: number; revisionRequested: number; awaitingConfirmation: number };
  findings: number;
  requirements: Record<RequirementStatus, number> & { total: number };
};

export type PhaseProgress = ReadDocument & {
  currentPhase: Phase;
  phases: PhaseEntry[];
  readiness: ReadinessAssessment[];
  survey: SurveyCounters;
  /** The engagement's goals, in the order they were set (docs/domain.md#goals). */
  goals: Goal[];
  /** Every success target with its status and measurements, and how many are met, not met, pending. */
  scorecard: Scorecard;
  /** Functions (accepted requirements) and range of use (their departments), with the inputs (complexity.ts). */
  complexity: Complexity;
  /** The business case with its inputs and figures; null until it is drawn up (business-case.ts). */
  businessCase: BusinessCase | null;
  /** Departments named by the team, interviews and requirements, and whether each was heard (departments-heard.ts). */
  hearing: Hearing;
  /** The optional conditions the pm chose for leaving a phase, by phase (docs/domain.md#departments-heard). */
  gateOptions: Array<{ phase: Phase; require: GateOption[] }>;
  updatedAt: string;
};

const noSurvey = (): SurveyCounters => ({
  interviews: { scheduled: 0, conducted: 0, cancelled: 0 },
  summaries: { sent: 0, confirmed: 0, revisionRequested: 0, awaitingConfirmation: 0 },
  findings: 0,
  requirements: { ...(Object.fromEntries(REQUIREMENT_STATUSES.map((status) => [status, 0])) as Record<RequirementStatus, number>), total: 0 },
});

type Survey = SurveyCounters;

/** The progress with its survey counters changed by `change` (a pure function of the counters). */
const surveyUpdate = (progress: PhaseProgress, occurredAt: string, change: (survey: Survey) => Survey): PhaseProgress => ({
  ...progress,
  survey: change(progress.survey),
  updatedAt: occurredAt,
});

const interviews = (key: keyof Survey['interviews']) => (survey: Survey): Survey => ({
  ...survey,
  interviews: { ...survey.interviews, [key]: survey.interviews[key] + 1 },
});

const summaries = (key: 'sent' | 'confirmed' | 'revisionRequested') => (survey: Survey): Survey => {
  const next = { ...survey.summaries, [key]: survey.summaries[key] + 1 };
  return { ...survey, summaries: { ...next, awaitingConfirmation: next.sent - next.confirmed - next.revisionRequested } };
};

/** A requirement moved from `from` (none: newly captured) to `to`. */
const requirements = (from: RequirementStatus | undefined, to: RequirementStatus) => (survey: Survey): Survey => {
  const counts = { ...survey.requirements };
  if (from === undefined) counts.total += 1;
  else counts[from] -= 1;
  counts[to] += 1;
  return { ...survey, requirements: counts };
};

export const phaseProgress = defineProjection<PhaseProgress>({
  name: 'phase-progress',
  route: (event) => [event.engagementId],
  on: {
    EngagementStarted: (_, event, id) => ({
      ...documentBase(event, id),
      currentPhase: PHASES[0],
      phases: PHASES.map((phase, index) =>
        index === 0
          ? { phase, status: 'active', startedAt: event.occurredAt, completedAt: null }
          : { phase, status: 'pending', startedAt: null, completedAt: null },
      ),
      readiness: unassessedReadiness(),
      survey: noSurvey(),
      goals: goalsAtStart(event),
      scorecard: emptyScorecard(),
      complexity: noComplexity(),
      businessCase: null,
      hearing: noHearing(),
      gateOptions: [],
      updatedAt: event.occurredAt,
    }),
    MemberAdded: existing((progress, event) => ({
      ...progress,
      hearing: memberSet(progress.hearing, event.data.userId, event.data.department),
      updatedAt: event.occurredAt,
    })),
    MemberRoleChanged: existing((progress, event) => ({
      ...progress,
      hearing: memberSet(progress.hearing, event.data.userId, event.data.department),
      updatedAt: event.occurredAt,
    })),
    MemberRemoved: existing((progress, event) => ({ ...progress, hearing: memberRemoved(progress.hearing, event.data.userId), updatedAt: event.occurredAt })),
    GateConditionsChosen: existing((progress, event) => {
      const { phase, require } = event.data;
      const others = (progress.gateOptions ?? []).filter((g) => g.phase !== phase);
      const gateOptions = require.length === 0 ? others : [...others, { phase, require: [...require] }];
      return { ...progress, gateOptions: gateOptions.sort((a, b) => phaseIndex(a.phase) - phaseIndex(b.phase)), updatedAt: event.occurredAt };
    }),
    BusinessCaseSet: existing((progress, event) => ({ ...progress, businessCase: businessCaseSet(event), updatedAt: event.occurredAt })),
    GoalAdded: existing((progress, event) => ({
      ...progress,
      goals: [...(progress.goals ?? []), { goalId: event.data.goalId, text: event.data.text }],
      updatedAt: event.occurredAt,
    })),
    SuccessTargetAdded: existing((progress, event) => ({
      ...progress,
      scorecard: targetAdded(progress.scorecard ?? emptyScorecard(), event),
      updatedAt: event.occurredAt,
    })),
    SuccessTargetRevised: existing((progress, event) => ({
      ...progress,
      scorecard: targetRevised(progress.scorecard ?? emptyScorecard(), event),
      updatedAt: event.occurredAt,
    })),
    MeasurementRecorded: existing((progress, event) => ({
      ...progress,
      scorecard: measured(progress.scorecard ?? emptyScorecard(), event),
      updatedAt: event.occurredAt,
    })),
    ReadinessRecorded: existing((progress, event) => ({
      ...progress,
      readiness: assessReadiness(progress.readiness, event),
      updatedAt: event.occurredAt,
    })),
    PhaseAdvanced: existing((progress, event) => {
      const { from, to, waiver } = event.data;
      const at = event.occurredAt;
      const phases = progress.phases.map((entry): PhaseEntry => {
        if (entry.phase === from) {
          return {
            ...entry,
            status: 'completed',
            completedAt: at,
            ...(waiver === undefined
              ? {}
              : {
                  waiver: {
                    reason: waiver.reason,
                    unmetConditions: waiver.unmetConditions.map((condition) => ({ ...condition })),
                    at,
                    by: actorOf(event),
                  },
                }),
          };
        }
        return entry.phase === to ? { ...entry, status: 'active', startedAt: at } : entry;
      });
      return { ...progress, currentPhase: to, phases, updatedAt: at };
    }),
    InterviewScheduled: existing((progress, event) => ({
      ...surveyUpdate(progress, event.occurredAt, interviews('scheduled')),
      hearing: interviewScheduled(progress.hearing, event.data.interviewId, event.data.interviewee.department),
    })),
    InterviewConducted: existing((progress, event) => ({
      ...surveyUpdate(progress, event.occurredAt, interviews('conducted')),
      hearing: interviewNow(progress.hearing, event.data.interviewId, 'conducted'),
    })),
    InterviewCancelled: existing((progress, event) => ({
      ...surveyUpdate(progress, event.occurredAt, interviews('cancelled')),
      hearing: interviewNow(progress.hearing, event.data.interviewId, 'cancelled'),
    })),
    FindingRecorded: existing((progress, event) =>
      surveyUpdate(progress, event.occurredAt, (survey) => ({ ...survey, findings: survey.findings + 1 })),
    ),
    SummarySentForConfirmation: existing((progress, event) => surveyUpdate(progress, event.occurredAt, summaries('sent'))),
    SummaryConfirmed: existing((progress, event) => ({
      ...surveyUpdate(progress, event.occurredAt, summaries('confirmed')),
      hearing: interviewNow(progress.hearing, event.data.interviewId, 'confirmed'),
    })),
    SummaryRevisionRequested: existing((progress, event) =>
      surveyUpdate(progress, event.occurredAt, summaries('revisionRequested')),
    ),
    RequirementCaptured: existing((progress, event) => ({
      ...surveyUpdate(progress, event.occurredAt, requirements(undefined, 'captured')),
      complexity: departmentsSet(progress.complexity ?? noComplexity(), event.data.requirementId, event.data.departments),
      hearing: requirementDepartments(progress.hearing, event.data.requirementId, event.data.departments),
    })),
    RequirementRevised: existing((progress, event) =>
      event.data.changes.departments === undefined
        ? { ...progress, updatedAt: event.occurredAt }
        : {
            ...progress,
            complexity: departmentsSet(progress.complexity ?? noComplexity(), event.data.requirementId, event.data.changes.departments),
            hearing: requirementDepartments(progress.hearing, event.data.requirementId, event.data.changes.departments),
            updatedAt: event.occurredAt,
          },
    ),
    RequirementPrioritized: existing((progress, event) =>
      event.data.previous === undefined
        ? surveyUpdate(progress, event.occurredAt, requirements('captured', 'prioritized'))
        : { ...progress, updatedAt: event.occurredAt },
    ),
    RequirementAccepted: existing((progress, event) => ({
      ...surveyUpdate(progress, event.occurredAt, requirements(event.data.previousStatus, 'accepted')),
      complexity: accepted(progress.complexity ?? noComplexity(), event.data.requirementId),
    })),
    RequirementDeferred: existing((progress, event) => ({
      ...surveyUpdate(progress, event.occurredAt, requirements(event.data.previousStatus, 'deferred')),
      complexity: withdrawn(progress.complexity ?? noComplexity(), event.data.requirementId),
    })),
    RequirementRejected: existing((progress, event) => ({
      ...surveyUpdate(progress, event.occurredAt, requirements(event.data.previousStatus, 'rejected')),
      complexity: withdrawn(progress.complexity ?? noComplexity(), event.data.requirementId),
      hearing: requirementRejected(progress.hearing, event.data.requirementId),
    })),
  },
});
