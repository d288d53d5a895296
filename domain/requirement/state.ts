import type {
  PriorityInputs,
  RequirementCategory,
  RequirementEvent,
  RequirementSource,
  RequirementStatus,
} from '../../contracts/index.js';

export type { RequirementStatus };

export type RequirementState =
  | { status: 'none' }
  | {
      status: RequirementStatus;
      requirementId: string;
      engagementId: string;
      title: string;
      description: string;
      category: RequirementCategory;
      departments: readonly string[];
      sources: readonly RequirementSource[];
      /** The goals it serves (docs/domain.md#goal-matrix). */
      goalIds: readonly string[];
      priority?: PriorityInputs & { score: number };
    };

export type ExistingRequirement = Exclude<RequirementState, { status: 'none' }>;

export const initialRequirementState = (): RequirementState => ({ status: 'none' });

export const evolveRequirement = (state: RequirementState, event: RequirementEvent): RequirementState => {
  if (event.type === 'RequirementCaptured') {
    const { requirementId, engagementId, title, description, category, departments, sources, goalIds = [] } = event.data;
    return { status: 'captured', requirementId, engagementId, title, description, category, departments, sources, goalIds };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'RequirementRevised':
      return { ...state, ...event.data.changes };
    case 'RequirementPrioritized': {
      const { frequency, lossIfMismanaged, urgency, fundSafety, stakeholderConcern, score } = event.data;
      return {
        ...state,
        status: state.status === 'captured' ? 'prioritized' : state.status,
        priority: { frequency, lossIfMismanaged, urgency, fundSafety, stakeholderConcern, score },
      };
    }
    case 'RequirementAccepted':
      return { ...state, status: 'accepted' };
    case 'RequirementDeferred':
      return { ...state, status: 'deferred' };
    case 'RequirementRejected':
      return { ...state, status: 'rejected' };
  }
};
