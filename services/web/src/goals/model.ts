/**
 * The shapes of what the goals page reads – the progress's goals, scorecard, complexity, business
 * case and hearing, and the goal matrix – as the API serves them, and the queries that read them.
 */
import { useQuery } from '@tanstack/preact-query';
import { get } from '../api.js';
import type { Actor, Progress } from '../consultant/documents.js';
// The contracts' own type: the progress serves `departmentsHeard`'s answer as it is.
import type { DepartmentHearing } from '../../../../contracts/hearing.js';

export type ScorecardStatus = 'met' | 'not-met' | 'pending';
export type ScorecardLine = {
  goalId: string;
  targetId: string;
  metric: string;
  unit: string;
  baseline: number;
  target: number;
  horizon: string;
  owner: string;
  direction: 'increase' | 'decrease';
  status: ScorecardStatus;
  measurements: Array<{ measurementId: string; value: number; measuredAt: string; note: string | null }>;
};

export type Irr = { status: 'unique'; rate: number } | { status: 'none' } | { status: 'not-determined' };
export type CashFlowFigures = {
  netCashFlows: number[];
  presentValueOfGains: number;
  presentValueOfCosts: number;
  npv: number;
  roi: number | null;
  irr: Irr;
  paybackPeriods: number | null;
  discountedPaybackPeriods: number | null;
};
export type PeriodLength = 'year' | 'quarter' | 'month';
export type CaseGroup = { groupId: string; name: string; category?: string; requirementIds?: string[] };
export type CaseLine = { kind: 'gain' | 'cost'; label: string; groupId?: string; amounts: number[] };
export type BusinessCase = {
  revision: number;
  currency: string;
  periodLength: PeriodLength;
  discountRate: number;
  groups: CaseGroup[];
  lines: CaseLine[];
  figures: { total: CashFlowFigures; groups: Array<CashFlowFigures & { groupId: string }>; shared: CashFlowFigures | null };
  reason: string;
  setAt: string;
  setBy: Actor;
};

export type GoalsProgress = Progress & {
  goals: Array<{ goalId: string; text: string }>;
  scorecard: { met: number; notMet: number; pending: number; targets: ScorecardLine[] };
  complexity: { functions: number; departments: string[]; acceptedRequirements: Array<{ requirementId: string; departments: string[] }> };
  businessCase: BusinessCase | null;
  hearing: { departments: DepartmentHearing[]; notHeard: string[] };
  gateOptions: Array<{ phase: string; require: string[] }>;
};

type MatrixRequirement = { requirementId: string; title: string; status: string };
export type GoalMatrix = {
  goals: Array<{ goalId: string; text: string; requirements: MatrixRequirement[] }>;
  unservedGoalIds: string[];
  requirementsServingNoGoal: MatrixRequirement[];
};

/** The progress under the key every command of the page refreshes. */
export const useGoalsProgress = (id: string) =>
  useQuery({ queryKey: ['progress', id], queryFn: () => get<GoalsProgress>(`/engagements/${id}/progress`) });
export const useGoalMatrix = (id: string) => useQuery({ queryKey: ['goal-matrix', id], queryFn: () => get<GoalMatrix>(`/engagements/${id}/goal-matrix`) });
