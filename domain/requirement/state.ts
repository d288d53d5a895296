import type {
  Actor,
  Phase,
  PriorityInputs,
  RequirementCategory,
  RequirementEvent,
  RequirementSource,
  RequirementStatus,
  RevisableRequirementFields,
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
      /** The phase it was accepted for, while accepted. */
      targetPhase?: Phase;
      /** Its change requests by id (docs/domain.md#change-requests). */
      changeRequests: Readonly<Record<string, ChangeRequest>>;
    };

export type ChangeRequest = {
  status: 'raised' | 'approved' | 'rejected';
  /** Who raised it: never its approver (separation of duties). Absent only on a log the deciders did not write. */
  raisedBy?: string;
  changes: RevisableRequirementFields;
};

export type ExistingRequirement = Exclude<RequirementState, { status: 'none' }>;

export const initialRequirementState = (): RequirementState => ({ status: 'none' });

/** A stored event carries its actor in the envelope; the decider's own events do not yet. */
export type AttributedRequirementEvent = RequirementEvent & { actor?: Actor };

export const evolveRequirement = (state: RequirementState, event: AttributedRequirementEvent): RequirementState => {
  if (event.type === 'RequirementCaptured') {
    const { requirementId, engagementId, title, description, category, departments, sources, goalIds = [] } = event.data;
    return { status: 'captured', requirementId, engagementId, title, description, category, departments, sources, goalIds, changeRequests: {} };
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
      return { ...state, status: 'accepted', targetPhase: event.data.targetPhase };
    case 'RequirementDeferred':
    case 'RequirementRejected': {
      const { targetPhase: _left, ...rest } = state;
      return { ...rest, status: event.type === 'RequirementDeferred' ? 'deferred' : 'rejected' };
    }
    case 'ChangeRequestRaised': {
      const raisedBy = event.actor?.id;
      const request: ChangeRequest = { status: 'raised', changes: event.data.changes, ...(raisedBy === undefined ? {} : { raisedBy }) };
      return { ...state, changeRequests: { ...state.changeRequests, [event.data.changeRequestId]: request } };
    }
    case 'ChangeRequestApproved':
    case 'ChangeRequestRejected': {
      const request = state.changeRequests[event.data.changeRequestId];
      if (!request) return state;
      const status = event.type === 'ChangeRequestApproved' ? 'approved' : 'rejected';
      return { ...state, changeRequests: { ...state.changeRequests, [event.data.changeRequestId]: { ...request, status } } };
    }
  }
};
