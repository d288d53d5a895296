import {
  phaseIndex,
  PRIORITY_FORMULA_VERSION,
  type RequirementCommand,
  type RequirementEvent,
} from '../../contracts/index.js';
import { reject, unreachable, type WithMetadata } from '../decider.js';
import { openEngagement } from '../engagement/decide.js';
import type { EngagementState } from '../engagement/state.js';
import type { InterviewState } from '../interview/state.js';
import { baselinesInForce, type BaselineState } from '../baseline/state.js';
import { priorityScore } from './priority.js';
import type { ExistingRequirement, RequirementState } from './state.js';

type Of<T extends RequirementCommand['type']> = WithMetadata<Extract<RequirementCommand, { type: T }>>;

/**
 * Every requirement command is judged with its engagement's stream as it stands at decision time
 * (nothing is captured or decided after go-live); capturing also sees the source interviews.
 */
export type RequirementCommandWithContext =
  | (Of<'CaptureRequirement'> & {
      facts: { engagement: EngagementState; interviews: Readonly<Record<string, InterviewState>> };
    })
  | (Of<'ReviseRequirement' | 'ApproveChangeRequest'> & { facts: { engagement: EngagementState; baselines: readonly BaselineState[] } })
  | (Of<Exclude<RequirementCommand['type'], 'CaptureRequirement' | 'ReviseRequirement' | 'ApproveChangeRequest'>> & {
      facts: { engagement: EngagementState };
    });

/** The signed baselines in force that hold the requirement (docs/domain.md#change-requests). */
const signedBaselinesHolding = (baselines: readonly BaselineState[], requirementId: string) =>
  baselinesInForce(baselines)
    .filter((b) => b.requirements.some((r) => r.requirementId === requirementId))
    .map((b) => b.baselineId)
    .sort();

type Revisable = 'title' | 'description' | 'category' | 'departments' | 'goalIds';

/** The fields of `wanted` that differ from the requirement, with the values they replace. */
const revision = (requirement: ExistingRequirement, wanted: Partial<Pick<ExistingRequirement, Revisable>>) => {
  const changes: Record<string, unknown> = {};
  const previous: Record<string, unknown> = {};
  const note = (field: Revisable, differs: boolean) => {
    if (wanted[field] === undefined || !differs) return;
    changes[field] = wanted[field];
    previous[field] = requirement[field];
  };
  note('title', wanted.title !== requirement.title);
  note('description', wanted.description !== requirement.description);
  note('category', wanted.category !== requirement.category);
  note('departments', !!wanted.departments && !sameList(wanted.departments, requirement.departments));
  note('goalIds', !!wanted.goalIds && !sameList(wanted.goalIds, requirement.goalIds));
  if (Object.keys(changes).length === 0) {
    return reject('revision-changes-nothing', `the revision leaves requirement ${requirement.requirementId} as it is`);
  }
  return { changes, previous };
};

const changeRequestOf = (requirement: ExistingRequirement, changeRequestId: string) =>
  requirement.changeRequests[changeRequestId] ??
  reject('not-found', `change request ${changeRequestId} does not exist on requirement ${requirement.requirementId}`);

const existing = (state: RequirementState, requirementId: string): ExistingRequirement =>
  state.status === 'none' ? reject('not-found', `requirement ${requirementId} does not exist`) : state;

/** The requirement exists, is not rejected, and its engagement takes changes. */
const changeable = (command: { data: { requirementId: string }; facts: { engagement: EngagementState } }, state: RequirementState) => {
  const requirement = existing(state, command.data.requirementId);
  const engagement = openEngagement(command.facts.engagement, requirement.engagementId);
  if (requirement.status === 'rejected') {
    return reject('requirement-rejected', `requirement ${requirement.requirementId} was rejected`);
  }
  return { requirement, engagement };
};

const requirePrioritized = (requirement: ExistingRequirement): void => {
  if (requirement.status === 'captured') {
    reject('requirement-not-prioritized', `requirement ${requirement.requirementId} must be prioritized first`);
  }
};

/** Every goal named exists in the engagement, as its stream stands at decision time. */
const requireGoals = (engagement: Extract<EngagementState, { status: 'active' }>, goalIds: readonly string[] | undefined): void => {
  const unknown = (goalIds ?? []).filter((goalId) => engagement.goals[goalId] === undefined);
  if (unknown.length > 0) {
    reject('goal-not-found', `goal(s) ${unknown.join(', ')} do not exist in engagement ${engagement.engagementId}`, { goalIds: unknown });
  }
};

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

export const decideRequirement = (command: RequirementCommandWithContext, state: RequirementState): RequirementEvent[] => {
  switch (command.type) {
    case 'CaptureRequirement': {
      const { data, facts } = command;
      if (state.status !== 'none') return reject('already-exists', `requirement ${data.requirementId} already exists`);
      requireGoals(openEngagement(facts.engagement, data.engagementId), data.goalIds);
      for (const { interviewId, findingId } of data.sources) {
        const interview = facts.interviews[interviewId];
        if (!interview || interview.status === 'none' || !interview.findingIds.has(findingId)) {
          return reject('source-not-found', `finding ${findingId} of interview ${interviewId} does not exist`, {
            source: { interviewId, findingId },
          });
        }
        if (interview.engagementId !== data.engagementId) {
          return reject('source-in-other-engagement', `interview ${interviewId} belongs to another engagement`, {
            source: { interviewId, findingId },
          });
        }
      }
      return [{ type: 'RequirementCaptured', data }];
    }
    case 'ReviseRequirement': {
      const { requirement, engagement } = changeable(command, state);
      const signed = signedBaselinesHolding(command.facts.baselines, requirement.requirementId);
      if (signed.length > 0) {
        return reject(
          'requirement-in-signed-baseline',
          `requirement ${requirement.requirementId} is in the signed baseline ${signed.join(', ')}; raise a change request`,
          { baselineIds: signed },
        );
      }
      if (requirement.status === 'accepted') {
        return reject('requirement-already-accepted', `requirement ${requirement.requirementId} is accepted; change it through a change request`);
      }
      const { requirementId, reason, ...wanted } = command.data;
      requireGoals(engagement, wanted.goalIds);
      return [{ type: 'RequirementRevised', data: { requirementId, ...revision(requirement, wanted), reason } }];
    }
    case 'RaiseChangeRequest': {
      const { requirement, engagement } = changeable(command, state);
      const { requirementId, changeRequestId, changes } = command.data;
      if (requirement.changeRequests[changeRequestId]) return reject('already-exists', `change request ${changeRequestId} already exists`);
      requireGoals(engagement, changes.goalIds);
      revision(requirement, changes);
      return [{ type: 'ChangeRequestRaised', data: { ...command.data, requirementId, changes: { ...changes } } }];
    }
    case 'ApproveChangeRequest': {
      const { requirement, engagement } = changeable(command, state);
      const { requirementId, changeRequestId, reason } = command.data;
      const request = changeRequestOf(requirement, changeRequestId);
      if (request.status !== 'raised') return reject('change-request-decided', `change request ${changeRequestId} was already ${request.status}`);
      if (request.raisedBy === command.metadata.actor.id) {
        return reject('separation-of-duties', `you raised change request ${changeRequestId}, so another pm approves it (separation of duties)`);
      }
      requireGoals(engagement, request.changes.goalIds);
      const revised = revision(requirement, request.changes);
      return [
        {
          type: 'ChangeRequestApproved',
          data: {
            requirementId,
            changeRequestId,
            ...(reason === undefined ? {} : { reason }),
            suspectBaselineIds: signedBaselinesHolding(command.facts.baselines, requirementId),
          },
        },
        { type: 'RequirementRevised', data: { requirementId, ...revised, reason: `change request ${changeRequestId}${reason ? `: ${reason}` : ''}` } },
      ];
    }
    case 'RejectChangeRequest': {
      const { requirement } = changeable(command, state);
      const { requirementId, changeRequestId, reason } = command.data;
      const request = changeRequestOf(requirement, changeRequestId);
      if (request.status !== 'raised') return reject('change-request-decided', `change request ${changeRequestId} was already ${request.status}`);
      return [{ type: 'ChangeRequestRejected', data: { requirementId, changeRequestId, reason } }];
    }
    case 'PrioritizeRequirement': {
      const { requirement } = changeable(command, state);
      const previous = requirement.priority;
      return [
        {
          type: 'RequirementPrioritized',
          data: {
            ...command.data,
            score: priorityScore(command.data),
            formulaVersion: PRIORITY_FORMULA_VERSION,
            ...(previous ? { previous } : {}),
          },
        },
      ];
    }
    case 'AcceptRequirement': {
      const { requirement, engagement } = changeable(command, state);
      requirePrioritized(requirement);
      if (requirement.status === 'accepted') {
        return reject('requirement-already-accepted', `requirement ${requirement.requirementId} is already accepted`);
      }
      if (phaseIndex(command.data.targetPhase) < phaseIndex(engagement.phase)) {
        return reject(
          'target-phase-passed',
          `the engagement is in ${engagement.phase}; ${command.data.targetPhase} is behind it`,
          { currentPhase: engagement.phase },
        );
      }
      return [{ type: 'RequirementAccepted', data: { ...command.data, previousStatus: requirement.status } }];
    }
    case 'DeferRequirement': {
      const { requirement } = changeable(command, state);
      requirePrioritized(requirement);
      if (requirement.status === 'deferred') {
        return reject('requirement-already-deferred', `requirement ${requirement.requirementId} is already deferred`);
      }
      return [{ type: 'RequirementDeferred', data: { ...command.data, previousStatus: requirement.status } }];
    }
    case 'RejectRequirement': {
      const { requirement } = changeable(command, state);
      return [{ type: 'RequirementRejected', data: { ...command.data, previousStatus: requirement.status } }];
    }
    default:
      return unreachable(command);
  }
};
