/**
 * The engagement's goals and success scorecard as the phase progress shows them
 * (docs/domain.md#goals): each target with its inputs, its measurements and the status the
 * decider gave it in the event that last changed it – never recomputed here.
 */
import {
  startingGoalId,
  type EventOfType,
  type RecordedEvent,
  type ScorecardStatus,
  type SuccessTargetValues,
  type TargetDirection,
} from '../contracts/index.js';

export type Goal = { goalId: string; text: string };

export type MeasurementEntry = { measurementId: string; value: number; measuredAt: string; note: string | null; recordedAt: string };

/** A target with its inputs (`horizon`: the date, YYYY-MM-DD, it is to be reached by). */
export type ScorecardLine = SuccessTargetValues & {
  goalId: string;
  targetId: string;
  direction: TargetDirection;
  status: ScorecardStatus;
  /** In the order they were recorded. */
  measurements: MeasurementEntry[];
};

export type Scorecard = { met: number; notMet: number; pending: number; targets: ScorecardLine[] };

export const goalsAtStart = (event: RecordedEvent<EventOfType<'EngagementStarted'>>): Goal[] =>
  event.data.goals.map((text, index) => ({ goalId: startingGoalId(event.data.engagementId, index), text }));

const counted = (targets: ScorecardLine[]): Scorecard => ({
  met: targets.filter((t) => t.status === 'met').length,
  notMet: targets.filter((t) => t.status === 'not-met').length,
  pending: targets.filter((t) => t.status === 'pending').length,
  targets,
});

export const emptyScorecard = (): Scorecard => counted([]);

export const targetAdded = (scorecard: Scorecard, event: RecordedEvent<EventOfType<'SuccessTargetAdded'>>): Scorecard => {
  const { goalId, targetId, metric, unit, baseline, target, horizon, owner, direction } = event.data;
  return counted([
    ...scorecard.targets,
    { goalId, targetId, metric, unit, baseline, target, horizon, owner, direction, status: 'pending', measurements: [] },
  ]);
};

const changed = (scorecard: Scorecard, targetId: string, change: (line: ScorecardLine) => ScorecardLine): Scorecard =>
  counted(scorecard.targets.map((line) => (line.targetId === targetId ? change(line) : line)));

export const targetRevised = (scorecard: Scorecard, event: RecordedEvent<EventOfType<'SuccessTargetRevised'>>): Scorecard => {
  const { changes, direction, status } = event.data;
  const defined = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
  return changed(scorecard, event.data.targetId, (line) => ({ ...line, ...defined, direction, status }));
};

export const measured = (scorecard: Scorecard, event: RecordedEvent<EventOfType<'MeasurementRecorded'>>): Scorecard => {
  const { measurementId, value, measuredAt, note, status } = event.data;
  return changed(scorecard, event.data.targetId, (line) => ({
    ...line,
    status,
    measurements: [...line.measurements, { measurementId, value, measuredAt, note: note ?? null, recordedAt: event.occurredAt }],
  }));
};
