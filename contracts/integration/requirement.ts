/** Public events about requirements: captured, revised, prioritized and the three decisions. */
import { z } from 'zod';
import { integrationEvent } from './envelope.js';
import {
  PublicId,
  PublicName,
  PublicPhase,
  PublicReason,
  PublicRequirementCategory,
  PublicRequirementStatus,
  PublicText,
} from './vocabulary.js';

const Title = PublicText(300);
const Description = PublicText(20_000);
const Departments = z.array(PublicName);
const GoalIds = z.array(PublicId).meta({ description: 'The engagement goals the requirement serves.' });

export const RequirementCapturedV1 = integrationEvent(
  {
    type: 'requirement.captured',
    schemaVersion: 1,
    subjectType: 'requirement',
    summary: 'A requirement was captured from one or more interview findings.',
  },
  z.strictObject({
    requirementId: PublicId,
    title: Title,
    description: Description,
    category: PublicRequirementCategory,
    departments: Departments,
    sources: z
      .array(z.strictObject({ interviewId: PublicId, findingId: PublicId }))
      .meta({ description: 'The interview findings the requirement traces back to.' }),
    goalIds: GoalIds.optional(),
  }),
);

const RevisableFields = z.strictObject({
  title: Title.optional(),
  description: Description.optional(),
  category: PublicRequirementCategory.optional(),
  departments: Departments.optional(),
  goalIds: GoalIds.optional(),
});

export const RequirementRevisedV1 = integrationEvent(
  {
    type: 'requirement.revised',
    schemaVersion: 1,
    subjectType: 'requirement',
    summary: 'Fields of a requirement were revised; `changes` holds the new values, `previous` the ones they replaced.',
  },
  z.strictObject({ requirementId: PublicId, changes: RevisableFields, previous: RevisableFields, reason: PublicReason }),
);

const Rating = z.number().int().min(0).max(3);
const PriorityInputs = z.strictObject({
  frequency: Rating,
  lossIfMismanaged: Rating,
  urgency: Rating,
  fundSafety: z.boolean(),
  stakeholderConcern: z.boolean(),
});
const Score = z.number().int().min(0).max(15);

export const RequirementPrioritizedV1 = integrationEvent(
  {
    type: 'requirement.prioritized',
    schemaVersion: 1,
    subjectType: 'requirement',
    summary: 'A requirement got its (new) 20/80 priority score, with the inputs it was computed from.',
  },
  z.strictObject({
    requirementId: PublicId,
    score: Score.meta({ description: 'Higher is more important; computed by formula `formulaVersion` from `inputs`.' }),
    formulaVersion: z.number().int().min(1),
    inputs: PriorityInputs,
    rationale: PublicReason,
    previous: z
      .strictObject({ score: Score, inputs: PriorityInputs })
      .optional()
      .meta({ description: 'The priority this one replaces; absent at the first prioritization.' }),
  }),
);

const decision = <S extends 'accepted' | 'deferred' | 'rejected'>(status: S) => ({
  requirementId: PublicId,
  status: z.literal(status),
  previousStatus: PublicRequirementStatus,
});

export const RequirementAcceptedV1 = integrationEvent(
  {
    type: 'requirement.accepted',
    schemaVersion: 1,
    subjectType: 'requirement',
    summary: 'A requirement was accepted for implementation in `targetPhase`.',
  },
  z.strictObject({ ...decision('accepted'), targetPhase: PublicPhase, reason: PublicReason.optional() }),
);

export const RequirementDeferredV1 = integrationEvent(
  { type: 'requirement.deferred', schemaVersion: 1, subjectType: 'requirement', summary: 'A requirement was deferred.' },
  z.strictObject({ ...decision('deferred'), reason: PublicReason }),
);

export const RequirementRejectedV1 = integrationEvent(
  { type: 'requirement.rejected', schemaVersion: 1, subjectType: 'requirement', summary: 'A requirement was rejected.' },
  z.strictObject({ ...decision('rejected'), reason: PublicReason }),
);
