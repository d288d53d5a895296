import type { BusinessCaseInputs, CashFlowFigures, EngagementEvent, EngagementRole, GateOption, Phase, ReadinessItem, ReadinessStatus, SuccessTargetValues } from '../../contracts/index.js';
import { startingGoalId, type Measurement } from './goals.js';

export type Readiness = Partial<Record<ReadinessItem, { status: ReadinessStatus; evidence?: string }>>;

export type Member = { name: string; role: EngagementRole; workgroup?: string; department?: string };

export type SuccessTarget = SuccessTargetValues & { goalId: string; measurements: readonly Measurement[] };

export type EngagementState =
  | { status: 'none' }
  | {
      status: 'active';
      engagementId: string;
      phase: Phase;
      readiness: Readiness;
      /** The team by user id (absent in states saved before teams existed). */
      team?: Readonly<Record<string, Member>>;
      /** Goal texts by goal id, in the order they were set (docs/domain.md#goals). */
      goals: Readonly<Record<string, string>>;
      targets: Readonly<Record<string, SuccessTarget>>;
      /** The business case as last set, absent until it is drawn up (docs/domain.md#business-case). */
      businessCase?: { revision: number; inputs: BusinessCaseInputs; total: CashFlowFigures };
      /** The optional conditions a pm chose for leaving each phase (docs/domain.md#departments-heard). */
      gateOptions?: Partial<Record<Phase, readonly GateOption[]>>;
    };

const memberOf = (data: { name: string; role: EngagementRole; workgroup?: string | undefined; department?: string | undefined }): Member => ({
  name: data.name,
  role: data.role,
  ...(data.workgroup === undefined ? {} : { workgroup: data.workgroup }),
  ...(data.department === undefined ? {} : { department: data.department }),
});

export const initialEngagementState = (): EngagementState => ({ status: 'none' });

export const evolveEngagement = (state: EngagementState, event: EngagementEvent): EngagementState => {
  switch (event.type) {
    case 'EngagementStarted':
    {
      const { engagementId, goals } = event.data;
      return {
        status: 'active',
        engagementId,
        phase: 'concept-introduction',
        readiness: {},
        team: {},
        goals: Object.fromEntries(goals.map((text, index) => [startingGoalId(engagementId, index), text])),
        targets: {},
      };
    }
    case 'ReadinessRecorded': {
      if (state.status !== 'active') return state;
      const { item, status, evidence } = event.data;
      return { ...state, readiness: { ...state.readiness, [item]: evidence === undefined ? { status } : { status, evidence } } };
    }
    case 'PhaseAdvanced':
      return state.status === 'active' ? { ...state, phase: event.data.to } : state;
    case 'MemberAdded':
    case 'MemberRoleChanged':
      return state.status === 'active' ? { ...state, team: { ...state.team, [event.data.userId]: memberOf(event.data) } } : state;
    case 'MemberRemoved': {
      if (state.status !== 'active') return state;
      const { [event.data.userId]: _removed, ...team } = state.team ?? {};
      return { ...state, team };
    }
    case 'GoalAdded':
      return state.status === 'active' ? { ...state, goals: { ...state.goals, [event.data.goalId]: event.data.text } } : state;
    case 'SuccessTargetAdded': {
      if (state.status !== 'active') return state;
      const { targetId, goalId, metric, unit, baseline, target, horizon, owner } = event.data;
      return { ...state, targets: { ...state.targets, [targetId]: { goalId, metric, unit, baseline, target, horizon, owner, measurements: [] } } };
    }
    case 'SuccessTargetRevised': {
      const current = state.status === 'active' ? state.targets[event.data.targetId] : undefined;
      if (state.status !== 'active' || current === undefined) return state;
      return { ...state, targets: { ...state.targets, [event.data.targetId]: { ...current, ...event.data.changes } } };
    }
    case 'BusinessCaseSet': {
      if (state.status !== 'active') return state;
      const { revision, currency, periodLength, discountRate, groups, lines, figures } = event.data;
      return { ...state, businessCase: { revision, inputs: { currency, periodLength, discountRate, groups, lines }, total: figures.total } };
    }
    case 'GateConditionsChosen':
      return state.status === 'active' ? { ...state, gateOptions: { ...state.gateOptions, [event.data.phase]: event.data.require } } : state;
    case 'MeasurementRecorded': {
      const current = state.status === 'active' ? state.targets[event.data.targetId] : undefined;
      if (state.status !== 'active' || current === undefined) return state;
      const { value, measuredAt } = event.data;
      return {
        ...state,
        targets: { ...state.targets, [event.data.targetId]: { ...current, measurements: [...current.measurements, { value, measuredAt }] } },
      };
    }
  }
};
