import { z } from 'zod';
import { REQUIREMENT_STATUSES } from '../vocabulary.js';
import { Id, LongText, Name, Phase, Reason, RequirementCategory, text } from '../values.js';
import { PriorityInputs, RequirementSource } from '../commands/requirement.js';
import { event } from './event.js';

const RequirementRef = { requirementId: Id };

export const RequirementStatus = z.enum(REQUIREMENT_STATUSES);
export type RequirementStatus = z.infer<typeof RequirementStatus>;

export const RequirementCaptured = event(
  'RequirementCaptured',
  z.strictObject({
    ...RequirementRef,
    engagementId: Id,
    title: text(300),
    description: LongText,
    category: RequirementCategory,
    departments: z.array(Name),
    sources: z.array(RequirementSource),
    /** The goals it serves; absent on requirements captured before goals had ids, and when none was named. */
    goalIds: z.array(Id).optional(),
  }),
);

export const RevisableRequirementFields = z.strictObject({
  title: text(300).optional(),
  description: LongText.optional(),
  category: RequirementCategory.optional(),
  departments: z.array(Name).optional(),
  goalIds: z.array(Id).optional(),
});
export type RevisableRequirementFields = z.infer<typeof RevisableRequirementFields>;

export const RequirementRevised = event(
  'RequirementRevised',
  z.strictObject({
    ...RequirementRef,
    /** Only the fields that changed, with their new values … */
    changes: RevisableRequirementFields,
    /** … and the values they replaced. */
    previous: RevisableRequirementFields,
    reason: Reason,
  }),
);

/** The version of `priorityScore` a score was computed with, so that any score can be recomputed. */
export const PRIORITY_FORMULA_VERSION = 1 as const;

export const RequirementPrioritized = event(
  'RequirementPrioritized',
  PriorityInputs.extend({
    ...RequirementRef,
    rationale: Reason,
    score: z.number().int().min(0).max(15),
    formulaVersion: z.literal(PRIORITY_FORMULA_VERSION),
    /** The priority this one replaces, absent at the first prioritization. */
    previous: PriorityInputs.extend({ score: z.number().int().min(0).max(15) }).optional(),
  }),
);

/** Decisions name the status they leave, so that every decision reads as before → after. */
const Decision = { ...RequirementRef, previousStatus: RequirementStatus };
export const RequirementAccepted = event(
  'RequirementAccepted',
  z.strictObject({ ...Decision, targetPhase: Phase, reason: Reason.optional() }),
);
export const RequirementDeferred = event('RequirementDeferred', z.strictObject({ ...Decision, reason: Reason }));
export const RequirementRejected = event('RequirementRejected', z.strictObject({ ...Decision, reason: Reason }));

export const ChangeRequestRaised = event(
  'ChangeRequestRaised',
  z.strictObject({
    ...RequirementRef,
    changeRequestId: Id,
    description: LongText,
    reason: Reason,
    impact: LongText,
    changes: RevisableRequirementFields,
  }),
);

export const ChangeRequestApproved = event(
  'ChangeRequestApproved',
  z.strictObject({
    ...RequirementRef,
    changeRequestId: Id,
    reason: Reason.optional(),
    /** The signed baselines in force that held the requirement, suspect from now on (docs/domain.md#change-requests). */
    suspectBaselineIds: z.array(Id),
  }),
);

export const ChangeRequestRejected = event(
  'ChangeRequestRejected',
  z.strictObject({ ...RequirementRef, changeRequestId: Id, reason: Reason }),
);

export const RequirementEvent = z.discriminatedUnion('type', [
  RequirementCaptured,
  RequirementRevised,
  RequirementPrioritized,
  RequirementAccepted,
  RequirementDeferred,
  RequirementRejected,
  ChangeRequestRaised,
  ChangeRequestApproved,
  ChangeRequestRejected,
]);
export type RequirementEvent = z.infer<typeof RequirementEvent>;
