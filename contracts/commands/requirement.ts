import { z } from 'zod';
import { Id, LongText, Name, Phase, Rating, Reason, RequirementCategory, revisesOneOf, text, uniqueList } from '../values.js';
import { command } from './command.js';

/** Traceability: the finding a requirement was captured from. */
export const RequirementSource = z.strictObject({ interviewId: Id, findingId: Id });
export type RequirementSource = z.infer<typeof RequirementSource>;

const Title = text(300);
const Departments = uniqueList(Name, 'departments').min(1).max(50);
/** The goals of the engagement a requirement serves (docs/domain.md#goal-matrix). */
const GoalIds = uniqueList(Id, 'goalIds').max(100);

export const CaptureRequirementBody = z.strictObject({
  title: Title,
  description: LongText,
  category: RequirementCategory,
  departments: Departments,
  sources: uniqueList(RequirementSource, 'sources').min(1).max(200),
  goalIds: GoalIds.optional(),
});
export const CaptureRequirement = command(
  'CaptureRequirement',
  CaptureRequirementBody.extend({ requirementId: Id, engagementId: Id }),
);

const RevisableFields = z.strictObject({
  title: Title.optional(),
  description: LongText.optional(),
  category: RequirementCategory.optional(),
  departments: Departments.optional(),
  goalIds: GoalIds.optional(),
  reason: Reason,
});
const REVISABLE_REQUIREMENT_FIELDS = ['title', 'description', 'category', 'departments', 'goalIds'];
export const ReviseRequirementBody = revisesOneOf(RevisableFields, REVISABLE_REQUIREMENT_FIELDS);
export const ReviseRequirement = command(
  'ReviseRequirement',
  revisesOneOf(RevisableFields.extend({ requirementId: Id }), REVISABLE_REQUIREMENT_FIELDS),
);

/** The inputs of the 20/80 score, each set by a person (see `priorityScore`). */
export const PriorityInputs = z.strictObject({
  frequency: Rating,
  lossIfMismanaged: Rating,
  urgency: Rating,
  fundSafety: z.boolean(),
  stakeholderConcern: z.boolean(),
});
export type PriorityInputs = z.infer<typeof PriorityInputs>;

export const PrioritizeRequirementBody = PriorityInputs.extend({ rationale: Reason });
export const PrioritizeRequirement = command(
  'PrioritizeRequirement',
  PrioritizeRequirementBody.extend({ requirementId: Id }),
);

export const AcceptRequirementBody = z.strictObject({ targetPhase: Phase, reason: Reason.optional() });
export const AcceptRequirement = command('AcceptRequirement', AcceptRequirementBody.extend({ requirementId: Id }));

export const DeferRequirementBody = z.strictObject({ reason: Reason });
export const DeferRequirement = command('DeferRequirement', DeferRequirementBody.extend({ requirementId: Id }));

export const RejectRequirementBody = z.strictObject({ reason: Reason });
export const RejectRequirement = command('RejectRequirement', RejectRequirementBody.extend({ requirementId: Id }));

const ChangeRequestChanges = z.strictObject({
  title: Title.optional(),
  description: LongText.optional(),
  category: RequirementCategory.optional(),
  departments: Departments.optional(),
  goalIds: GoalIds.optional(),
});
/** A change after sign-off (docs/domain.md#change-requests): what and why, its impact, and the revision it asks for. */
export const RaiseChangeRequestBody = z.strictObject({
  description: LongText,
  reason: Reason,
  impact: LongText,
  changes: revisesOneOf(ChangeRequestChanges, REVISABLE_REQUIREMENT_FIELDS),
});
export const RaiseChangeRequest = command(
  'RaiseChangeRequest',
  RaiseChangeRequestBody.extend({ requirementId: Id, changeRequestId: Id }),
);

export const ApproveChangeRequestBody = z.strictObject({ reason: Reason.optional() });
export const ApproveChangeRequest = command(
  'ApproveChangeRequest',
  ApproveChangeRequestBody.extend({ requirementId: Id, changeRequestId: Id }),
);

export const RejectChangeRequestBody = z.strictObject({ reason: Reason });
export const RejectChangeRequest = command(
  'RejectChangeRequest',
  RejectChangeRequestBody.extend({ requirementId: Id, changeRequestId: Id }),
);

export const RequirementCommand = z.discriminatedUnion('type', [
  CaptureRequirement,
  ReviseRequirement,
  PrioritizeRequirement,
  AcceptRequirement,
  DeferRequirement,
  RejectRequirement,
  RaiseChangeRequest,
  ApproveChangeRequest,
  RejectChangeRequest,
]);
export type RequirementCommand = z.infer<typeof RequirementCommand>;
