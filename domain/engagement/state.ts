import type { EngagementEvent, EngagementRole, Phase, ReadinessItem, ReadinessStatus } from '../../contracts/index.js';

export type Readiness = Partial<Record<ReadinessItem, { status: ReadinessStatus; evidence?: string }>>;

export type Member = { name: string; role: EngagementRole; workgroup?: string; department?: string };

export type EngagementState =
  | { status: 'none' }
  | {
      status: 'active';
      engagementId: string;
      phase: Phase;
      readiness: Readiness;
      /** The team by user id (absent in states saved before teams existed). */
      team?: Readonly<Record<string, Member>>;
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
      return { status: 'active', engagementId: event.data.engagementId, phase: 'concept-introduction', readiness: {}, team: {} };
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
  }
};
