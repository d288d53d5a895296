import type { EngagementEvent, Phase, ReadinessItem, ReadinessStatus } from '../../contracts/index.js';

export type Readiness = Partial<Record<ReadinessItem, { status: ReadinessStatus; evidence?: string }>>;

export type EngagementState =
  | { status: 'none' }
  | { status: 'active'; engagementId: string; phase: Phase; readiness: Readiness };

export const initialEngagementState = (): EngagementState => ({ status: 'none' });

export const evolveEngagement = (state: EngagementState, event: EngagementEvent): EngagementState => {
  switch (event.type) {
    case 'EngagementStarted':
      return { status: 'active', engagementId: event.data.engagementId, phase: 'concept-introduction', readiness: {} };
    case 'ReadinessRecorded': {
      if (state.status !== 'active') return state;
      const { item, status, evidence } = event.data;
      return { ...state, readiness: { ...state.readiness, [item]: evidence === undefined ? { status } : { status, evidence } } };
    }
    case 'PhaseAdvanced':
      return state.status === 'active' ? { ...state, phase: event.data.to } : state;
  }
};
