/**
 * Phase gates (DOMAIN.md, "Rules between aggregates"). A gate is a list of unmet conditions;
 * an empty list lets the phase advance, anything else needs a project manager's written waiver.
 */
import { READINESS_ITEMS, type GateCondition, type Phase } from '../../contracts/index.js';
import type { InterviewStatus } from '../interview/state.js';
import type { RequirementStatus } from '../requirement/state.js';
import type { Readiness } from './state.js';

/**
 * What the business-survey gate needs to know about the engagement's interviews and requirements,
 * read from their streams at decision time.
 */
export type SurveyFacts = {
  interviews: ReadonlyArray<{ interviewId: string; status: InterviewStatus }>;
  requirements: ReadonlyArray<{ requirementId: string; status: RequirementStatus }>;
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

export const unmetConditions = (from: Phase, readiness: Readiness, facts: SurveyFacts | undefined): GateCondition[] => {
  switch (from) {
    case 'business-survey':
      if (!facts) throw new Error('leaving business-survey is decided on survey facts; none were loaded');
      return surveyGate(facts);
    case 'process-solidification':
      return readinessGate(readiness);
    default:
      return [];
  }
};
