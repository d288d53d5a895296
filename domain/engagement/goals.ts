/**
 * Goals, success targets and the scorecard (docs/domain.md#goals): the one place of these rules.
 */
import type { ScorecardStatus, TargetDirection } from '../../contracts/index.js';

export { startingGoalId } from '../../contracts/index.js';

export const directionOf = (target: { baseline: number; target: number }): TargetDirection =>
  target.target < target.baseline ? 'decrease' : 'increase';

export type Measurement = { value: number; measuredAt: string };

/** Whether an actual value reaches the target in its direction. */
export const reaches = (target: { baseline: number; target: number }, value: number): boolean =>
  directionOf(target) === 'increase' ? value >= target.target : value <= target.target;

/** The latest of the measurements by `measuredAt`; among equal times the one recorded later. */
export const latestMeasurement = (measurements: readonly Measurement[]): Measurement | undefined =>
  measurements.reduce<Measurement | undefined>(
    (latest, m) => (latest === undefined || Date.parse(m.measuredAt) >= Date.parse(latest.measuredAt) ? m : latest),
    undefined,
  );

/**
 * `met` when the latest measurement reaches the target; `not-met` when it does not and was taken
 * on or after the horizon date (UTC); `pending` otherwise. No clock is read: time passing alone
 * changes no verdict.
 */
export const scorecardStatus = (
  target: { baseline: number; target: number; horizon: string },
  measurements: readonly Measurement[],
): ScorecardStatus => {
  const latest = latestMeasurement(measurements);
  if (latest === undefined) return 'pending';
  if (reaches(target, latest.value)) return 'met';
  return Date.parse(latest.measuredAt) >= Date.parse(`${target.horizon}T00:00:00Z`) ? 'not-met' : 'pending';
};
