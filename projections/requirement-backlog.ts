/**
 * The requirement backlog (DOMAIN.md, "What the history must answer"): one document per
 * requirement (id = requirementId), with what the backlog lists and filters on – status,
 * category, departments, sources, the current priority and the last decision. Rank and tier
 * depend on the whole engagement and are computed on reading (`backlog-ranking.ts`). Replaying
 * the log up to an instant through this projection gives the backlog as it stood then.
 */
import type {
  Actor,
  EventOfType,
  Phase,
  PriorityInputs,
  RecordedEvent,
  RequirementCategory,
  RequirementSource,
  RequirementStatus,
} from '../contracts/index.js';
import { actorOf, defineProjection, documentBase, existing, versioned } from './define.js';
import type { ReadDocument } from './projection.js';

/** The requirement's current priority: the inputs a person set, why, and the score they give. */
export type Priority = {
  inputs: PriorityInputs;
  rationale: string;
  score: number;
  formulaVersion: number;
};

export type DecisionStatus = Extract<RequirementStatus, 'accepted' | 'deferred' | 'rejected'>;

export type Decision = {
  status: DecisionStatus;
  previousStatus: RequirementStatus;
  /** Only on acceptance: the phase the requirement is delivered in. */
  targetPhase?: Phase;
  reason?: string;
  at: string;
  by: Actor;
};

export type BacklogItem = ReadDocument & {
  title: string;
  description: string;
  category: RequirementCategory;
  departments: string[];
  status: RequirementStatus;
  sources: RequirementSource[];
  /** The goals it serves (none named: empty). */
  goalIds: string[];
  /** Absent until the first prioritization. */
  priority?: Priority;
  /** occurredAt of the latest prioritization. */
  prioritizedAt?: string;
  /** Log position of the latest prioritization: the earlier one ranks first among equal scores. */
  prioritizedPosition?: string;
  /** Present while the requirement is accepted; deferring or rejecting it withdraws the assignment. */
  targetPhase?: Phase;
  /** The latest decision. */
  decision?: Decision;
  capturedAt: string;
  capturedBy: Actor;
  /** Revision of the requirement stream after the last event applied (the ETag of commands). */
  version: number;
  updatedAt: string;
};

export const priorityOf = (event: RecordedEvent<EventOfType<'RequirementPrioritized'>>): Priority => {
  const { frequency, lossIfMismanaged, urgency, fundSafety, stakeholderConcern, rationale, score, formulaVersion } = event.data;
  return { inputs: { frequency, lossIfMismanaged, urgency, fundSafety, stakeholderConcern }, rationale, score, formulaVersion };
};

type DecisionEvent = RecordedEvent<EventOfType<'RequirementAccepted' | 'RequirementDeferred' | 'RequirementRejected'>>;
const DECIDED: Record<DecisionEvent['type'], DecisionStatus> = {
  RequirementAccepted: 'accepted',
  RequirementDeferred: 'deferred',
  RequirementRejected: 'rejected',
};

export const decisionOf = (event: DecisionEvent): Decision => {
  const { previousStatus, reason } = event.data;
  return {
    status: DECIDED[event.type],
    previousStatus,
    ...(event.type === 'RequirementAccepted' ? { targetPhase: event.data.targetPhase } : {}),
    ...(reason === undefined ? {} : { reason }),
    at: event.occurredAt,
    by: actorOf(event),
  };
};

const decided = existing<BacklogItem, EventOfType<DecisionEvent['type']>>((item, event) => {
  const { targetPhase: _withdrawn, ...rest } = item;
  const decision = decisionOf(event);
  return versioned(
    { ...rest, status: decision.status, ...(decision.targetPhase ? { targetPhase: decision.targetPhase } : {}), decision },
    event,
  );
});

export const requirementBacklog = defineProjection<BacklogItem>({
  name: 'requirement-backlog',
  route: (event) => ('requirementId' in event.data ? [event.data.requirementId] : []),
  on: {
    RequirementCaptured: (_, event, id) => {
      const { title, description, category, departments, sources, goalIds = [] } = event.data;
      return {
        ...documentBase(event, id),
        title,
        description,
        category,
        departments: [...departments],
        status: 'captured',
        sources: sources.map(({ interviewId, findingId }) => ({ interviewId, findingId })),
        goalIds: [...goalIds],
        capturedAt: event.occurredAt,
        capturedBy: actorOf(event),
        version: event.revision,
        updatedAt: event.occurredAt,
      };
    },
    RequirementRevised: existing((item, event) => {
      const { title, description, category, departments, goalIds } = event.data.changes;
      return versioned(
        {
          ...item,
          ...(title === undefined ? {} : { title }),
          ...(description === undefined ? {} : { description }),
          ...(category === undefined ? {} : { category }),
          ...(departments === undefined ? {} : { departments: [...departments] }),
          ...(goalIds === undefined ? {} : { goalIds: [...goalIds] }),
        },
        event,
      );
    }),
    RequirementPrioritized: existing((item, event) =>
      versioned(
        {
          ...item,
          // Re-prioritizing an accepted or deferred requirement changes its priority, not its status.
          status: item.status === 'captured' ? 'prioritized' : item.status,
          priority: priorityOf(event),
          prioritizedAt: event.occurredAt,
          prioritizedPosition: event.position,
        },
        event,
      ),
    ),
    RequirementAccepted: decided,
    RequirementDeferred: decided,
    RequirementRejected: decided,
  },
});
