/** Every integration event, as one union discriminated by its public `type`. */
import { z } from 'zod';
import {
  EngagementBusinessCaseRevisedV1,
  EngagementHistoryAnchoredV1,
  EngagementPhaseAdvancedV1,
  EngagementSuccessScorecardChangedV1,
  EngagementTeamChangedV1,
} from './engagement.js';
import { BaselineSignedV1, RequirementChangeApprovedV1 } from './baseline.js';
import { InterviewSummaryConfirmedV1 } from './interview.js';
import {
  RequirementAcceptedV1,
  RequirementCapturedV1,
  RequirementDeferredV1,
  RequirementPrioritizedV1,
  RequirementRejectedV1,
  RequirementRevisedV1,
} from './requirement.js';

export const IntegrationEvent = z.discriminatedUnion('type', [
  RequirementCapturedV1,
  RequirementRevisedV1,
  RequirementPrioritizedV1,
  RequirementAcceptedV1,
  RequirementDeferredV1,
  RequirementRejectedV1,
  InterviewSummaryConfirmedV1,
  EngagementPhaseAdvancedV1,
  EngagementTeamChangedV1,
  EngagementSuccessScorecardChangedV1,
  EngagementBusinessCaseRevisedV1,
  EngagementHistoryAnchoredV1,
  RequirementChangeApprovedV1,
  BaselineSignedV1,
]);
export type IntegrationEvent = z.infer<typeof IntegrationEvent>;
export type IntegrationEventType = IntegrationEvent['type'];
export type IntegrationEventOfType<T extends IntegrationEventType> = Extract<IntegrationEvent, { type: T }>;

export type IntegrationEventSchema = (typeof IntegrationEvent.options)[number];

export const INTEGRATION_EVENT_TYPES = IntegrationEvent.options.map((o) => o.shape.type.value) as IntegrationEventType[];

export const integrationEventSchema = (type: IntegrationEventType): IntegrationEventSchema =>
  IntegrationEvent.options.find((o) => o.shape.type.value === type)!;
