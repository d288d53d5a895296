/**
 * Phase gates (DOMAIN.md, "Rules between aggregates"). A gate is a list of unmet conditions;
 * an empty list lets the phase advance, anything else needs a project manager's written waiver.
 */
import { departmentsHeard, READINESS_ITEMS, type GateCondition, type GateOption, type HearingFacts, type Phase } from '../../contracts/index.js';
import type { InterviewStatus } from '../interview/state.js';
import type { RequirementStatus } from '../requirement/state.js';
import type { Member, Readiness } from './state.js';

/**
 * What the business-survey gate needs to know about the engagement's interviews and requirements,
 * read from their streams at decision time.
 */
export type SurveyFacts = {
  interviews: ReadonlyArray<{ interviewId: string; status: InterviewStatus; department: string }>;
  requirements: ReadonlyArray<{ requirementId: string; status: RequirementStatus; departments: readonly string[] }>;
};

/** What the engagement's own stream adds to the gates: readiness, the team, the conditions the pm chose. */
export type GateContext = {
  readiness: Readiness;
  team?: Readonly<Record<string, Member>> | undefined;
  gateOptions?: Partial<Record<Phase, readonly GateOption[]>> | undefined;
};

/** Leaving `business-survey`: every non-cancelled interview confirmed, every non-rejected requirement prioritized. */
export const surveyGate = (facts: SurveyFacts): GateCondition[] => [
  ...facts.interviews
    .filter((i) => i.status !== 'cancelled' && i.status !== 'confirmed')
    .map((i) => ({ rule: 'interview-not-confirmed' as const, subjectId: i.interviewId })),
  ...facts.requirements
    .filter((r) => r.status === 'captured')
    .map((r) => ({ rule: 'requirement-not-prioritized' as const, subjectId: r.requirementId })),
];

/** Leaving `process-solidification`: every readiness item `met` or `not-applicable` (unassessed counts as unmet). */
export const readinessGate = (readiness: Readiness): GateCondition[] =>
  READINESS_ITEMS.filter((item) => {
    const status = readiness[item]?.status;
    return status !== 'met' && status !== 'not-applicable';
  }).map((item) => ({ rule: 'readiness-item-not-met' as const, subjectId: item }));

/** Whether leaving `from` is gated by facts from other streams. */
export const gateNeedsSurveyFacts = (from: Phase): boolean => from === 'business-survey';

/** The team's departments and the survey's, as the hearing rule reads them. */
export const hearingFacts = (team: GateContext['team'], facts: SurveyFacts): HearingFacts => ({
  members: Object.entries(team ?? {}).map(([userId, member]) => ({ userId, department: member.department })),
  interviews: facts.interviews,
  requirements: facts.requirements,
});

/** The option `departments-heard`: every department named by the team, an interview or a requirement has been heard. */
export const departmentsHeardGate = (team: GateContext['team'], facts: SurveyFacts): GateCondition[] =>
  departmentsHeard(hearingFacts(team, facts))
    .filter((d) => !d.heard)
    .map((d) => ({ rule: 'department-not-heard' as const, subjectId: d.department }));

export const unmetConditions = (from: Phase, context: GateContext, facts: SurveyFacts | undefined): GateCondition[] => {
  const options = context.gateOptions?.[from] ?? [];
  switch (from) {
    case 'business-survey':
      if (!facts) throw new Error('leaving business-survey is decided on survey facts; none were loaded');
      return [...surveyGate(facts), ...(options.includes('departments-heard') ? departmentsHeardGate(context.team, facts) : [])];
    case 'process-solidification':
      return readinessGate(context.readiness);
    default:
      return [];
  }
};
