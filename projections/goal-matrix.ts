/**
 * The goal matrix (`GET /engagements/:id/goal-matrix`, docs/domain.md#goal-matrix): seed 003's table
 * of how the engagement's goals map to requirements. Not a projection of its own: a pure function of
 * two read models – the goals of the phase progress and the requirements of the backlog – computed
 * on reading, so it can never disagree with either.
 */
import type { RequirementStatus } from '../contracts/index.js';
import type { BacklogItem } from './requirement-backlog.js';
import type { Goal } from './success-scorecard.js';

export type MatrixRequirement = { requirementId: string; title: string; status: RequirementStatus };

export type GoalMatrix = {
  /** Every goal, in the order they were set, with the requirements that serve it (by title). */
  goals: Array<Goal & { requirements: MatrixRequirement[] }>;
  /** Goals no requirement serves. */
  unservedGoalIds: string[];
  /** Requirements that name no goal. */
  requirementsServingNoGoal: MatrixRequirement[];
};

const byTitle = (a: MatrixRequirement, b: MatrixRequirement) => a.title.localeCompare(b.title) || a.requirementId.localeCompare(b.requirementId);

/** Rejected requirements serve nothing and are left out. Documents written before goals had ids name none. */
export const goalMatrix = (goals: readonly Goal[], backlog: readonly BacklogItem[]): GoalMatrix => {
  const live = backlog.filter((item) => item.status !== 'rejected');
  const entry = (item: BacklogItem): MatrixRequirement => ({ requirementId: item.id, title: item.title, status: item.status });
  const rows = goals.map((goal) => ({
    goalId: goal.goalId,
    text: goal.text,
    requirements: live.filter((item) => (item.goalIds ?? []).includes(goal.goalId)).map(entry).sort(byTitle),
  }));
  return {
    goals: rows,
    unservedGoalIds: rows.filter((row) => row.requirements.length === 0).map((row) => row.goalId),
    requirementsServingNoGoal: live.filter((item) => (item.goalIds ?? []).length === 0).map(entry).sort(byTitle),
  };
};
