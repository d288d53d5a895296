import t from 'tap';
import { engagementDecider, scorecardStatus, startingGoalId, type EngagementCommandWithContext } from '../../domain/index.js';
import type { EngagementEvent } from '../../contracts/index.js';
import { deciderSpec } from '../support/decider-spec.js';
import { atGoLive, E1, engagementStarted, meta, pm } from '../support/fixtures.js';

const spec = deciderSpec(engagementDecider);
const cmd = (c: Omit<EngagementCommandWithContext, 'metadata'>) => ({ ...c, ...meta(pm) }) as EngagementCommandWithContext;

// The fixture starts the engagement with one goal: its id is derived from the engagement id.
const G1 = startingGoalId(E1, 0);
const targetFields = { metric: 'Quote answer time', unit: 'hours', baseline: 30, target: 8, horizon: '2026-12-31', owner: 'Wang Fang' };
const targetAdded: EngagementEvent = {
  type: 'SuccessTargetAdded',
  data: { engagementId: E1, goalId: G1, targetId: 't-1', ...targetFields, direction: 'decrease' },
};
const measured = (value: number, measuredAt: string, status: 'met' | 'not-met' | 'pending'): EngagementEvent => ({
  type: 'MeasurementRecorded',
  data: { engagementId: E1, goalId: G1, targetId: 't-1', measurementId: `m-${measuredAt}`, value, measuredAt, direction: 'decrease', status },
});

t.test('goals of StartEngagement get ids derived from the engagement id and their index', async (t) => {
  t.equal(G1, 'eng-1:goal-1');
  const state = engagementDecider.evolve(engagementDecider.initialState(), engagementStarted);
  t.same(state.status === 'active' && state.goals, { 'eng-1:goal-1': 'one view of the customer' });
});

t.test('AddGoal', async (t) => {
  const add = cmd({ type: 'AddGoal', data: { engagementId: E1, goalId: 'g-2', text: 'Quotes answered within a day' } });
  t.test('adds a goal', async (t) => {
    spec(t).given([engagementStarted]).when(add).then([{ type: 'GoalAdded', data: { engagementId: E1, goalId: 'g-2', text: 'Quotes answered within a day' } }]);
  });
  t.test('rejects a goal id that is taken', async (t) => {
    spec(t).given([engagementStarted]).when(cmd({ type: 'AddGoal', data: { engagementId: E1, goalId: G1, text: 'again' } })).thenRejects('already-exists');
  });
  t.test('rejects an unknown engagement', async (t) => {
    spec(t).given([]).when(add).thenRejects('not-found');
  });
  t.test('rejects an engagement that has gone live', async (t) => {
    spec(t).given(atGoLive).when(add).thenRejects('engagement-closed');
  });
});

t.test('AddSuccessTarget', async (t) => {
  const add = (goalId = G1) => cmd({ type: 'AddSuccessTarget', data: { engagementId: E1, goalId, targetId: 't-1', ...targetFields } });
  t.test('adds a target to a goal, with its direction from baseline to target', async (t) => {
    spec(t).given([engagementStarted]).when(add()).then([targetAdded]);
  });
  t.test('a target above its baseline is to increase', async (t) => {
    spec(t)
      .given([engagementStarted])
      .when(cmd({ type: 'AddSuccessTarget', data: { engagementId: E1, goalId: G1, targetId: 't-1', ...targetFields, baseline: 40, target: 90 } }))
      .then([{ type: 'SuccessTargetAdded', data: { engagementId: E1, goalId: G1, targetId: 't-1', ...targetFields, baseline: 40, target: 90, direction: 'increase' } }]);
  });
  t.test('rejects an unknown goal', async (t) => {
    spec(t).given([engagementStarted]).when(add('g-unknown')).thenRejects('not-found');
  });
  t.test('rejects a target id that is taken', async (t) => {
    spec(t).given([engagementStarted, targetAdded]).when(add()).thenRejects('already-exists');
  });
  t.test('rejects an engagement that has gone live', async (t) => {
    spec(t).given(atGoLive).when(add()).thenRejects('engagement-closed');
  });
});

t.test('ReviseSuccessTarget', async (t) => {
  const revise = (fields: object) => cmd({ type: 'ReviseSuccessTarget', data: { engagementId: E1, targetId: 't-1', reason: 'export quotes', ...fields } } as never);
  t.test('records the fields that change, what they replace, and the status after', async (t) => {
    spec(t).given([engagementStarted, targetAdded]).when(revise({ target: 12, owner: 'Wang Fang' })).then([
      {
        type: 'SuccessTargetRevised',
        data: { engagementId: E1, goalId: G1, targetId: 't-1', changes: { target: 12 }, previous: { target: 8 }, reason: 'export quotes', direction: 'decrease', status: 'pending' },
      },
    ]);
  });
  t.test('a revision after go-live re-judges the measurements taken', async (t) => {
    spec(t).given([...atGoLive, targetAdded, measured(10, '2026-08-31T10:00:00.000Z', 'pending')]).when(revise({ target: 12 })).then([
      {
        type: 'SuccessTargetRevised',
        data: { engagementId: E1, goalId: G1, targetId: 't-1', changes: { target: 12 }, previous: { target: 8 }, reason: 'export quotes', direction: 'decrease', status: 'met' },
      },
    ]);
  });
  t.test('rejects a revision that changes nothing', async (t) => {
    spec(t).given([engagementStarted, targetAdded]).when(revise({ target: 8 })).thenRejects('revision-changes-nothing');
  });
  t.test('rejects an unknown target', async (t) => {
    spec(t).given([engagementStarted]).when(revise({ target: 12 })).thenRejects('not-found');
  });
});

t.test('RecordMeasurement', async (t) => {
  const record = (value: number, measuredAt = '2026-08-31T10:00:00.000Z') =>
    cmd({ type: 'RecordMeasurement', data: { engagementId: E1, targetId: 't-1', measurementId: `m-${measuredAt}`, value, measuredAt, note: 'quote log' } });
  t.test('records a measurement after go-live, with the status it leaves', async (t) => {
    spec(t).given([...atGoLive.slice(0, 1), targetAdded, ...atGoLive.slice(1)]).when(record(7.5)).then([
      {
        type: 'MeasurementRecorded',
        data: { engagementId: E1, goalId: G1, targetId: 't-1', measurementId: 'm-2026-08-31T10:00:00.000Z', value: 7.5, measuredAt: '2026-08-31T10:00:00.000Z', note: 'quote log', direction: 'decrease', status: 'met' },
      },
    ]);
  });
  t.test('rejects a measurement before go-live', async (t) => {
    spec(t).given([engagementStarted, targetAdded]).when(record(7.5)).thenRejects('engagement-not-live');
  });
  t.test('rejects an unknown target', async (t) => {
    spec(t).given(atGoLive).when(record(7.5)).thenRejects('not-found');
  });
});

t.test('the scorecard status', async (t) => {
  const down = { baseline: 30, target: 8, horizon: '2026-12-31' };
  const up = { baseline: 40, target: 90, horizon: '2026-12-31' };
  t.equal(scorecardStatus(down, []), 'pending', 'no measurement: pending');
  t.equal(scorecardStatus(down, [{ value: 8, measuredAt: '2026-06-01T00:00:00Z' }]), 'met', 'reaching the target exactly is met');
  t.equal(scorecardStatus(up, [{ value: 91, measuredAt: '2026-06-01T00:00:00Z' }]), 'met', 'an increase target is met above it');
  t.equal(scorecardStatus(up, [{ value: 80, measuredAt: '2026-06-01T00:00:00Z' }]), 'pending', 'short of it before the horizon: pending');
  t.equal(scorecardStatus(up, [{ value: 80, measuredAt: '2026-12-31T00:00:00Z' }]), 'not-met', 'short of it on the horizon: not met');
  t.equal(
    scorecardStatus(down, [
      { value: 6, measuredAt: '2026-09-01T00:00:00Z' },
      { value: 12, measuredAt: '2026-07-01T00:00:00Z' },
    ]),
    'met',
    'the latest measurement by time counts, not the latest recorded',
  );
  t.equal(
    scorecardStatus(down, [
      { value: 6, measuredAt: '2026-06-01T00:00:00Z' },
      { value: 12, measuredAt: '2027-01-15T00:00:00Z' },
    ]),
    'not-met',
    'a target met once and missed at the horizon is not met',
  );
});

t.test('success-criteria-defined', async (t) => {
  const met = cmd({ type: 'RecordReadiness', data: { engagementId: E1, item: 'success-criteria-defined', status: 'met' } });
  t.test('cannot be met while no goal has a target', async (t) => {
    spec(t).given([engagementStarted]).when(met).thenRejects('success-targets-missing');
  });
  t.test('can be met once a goal has a target', async (t) => {
    spec(t).given([engagementStarted, targetAdded]).when(met).then([
      { type: 'ReadinessRecorded', data: { engagementId: E1, item: 'success-criteria-defined', status: 'met' } },
    ]);
  });
  t.test('can be not-met without targets', async (t) => {
    const notMet = cmd({ type: 'RecordReadiness', data: { engagementId: E1, item: 'success-criteria-defined', status: 'not-met' } });
    spec(t).given([engagementStarted]).when(notMet).then([
      { type: 'ReadinessRecorded', data: { engagementId: E1, item: 'success-criteria-defined', status: 'not-met' } },
    ]);
  });
});
