/** Public events about the signed requirement specification and the changes made after sign-off. */
import { z } from 'zod';
import { integrationEvent } from './envelope.js';
import { PublicId, PublicName, PublicReason } from './vocabulary.js';

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/).meta({ description: 'SHA-256 of the frozen content, lowercase hex.' });

export const BaselineSignedV1 = integrationEvent(
  {
    type: 'baseline.signed',
    schemaVersion: 1,
    subjectType: 'baseline',
    summary:
      'Every signatory approved the baseline: it is the requirement specification in force for the engagement, replacing the baselines in `supersedes`.',
  },
  z.strictObject({
    baselineId: PublicId,
    name: PublicName,
    baselineHash: Sha256,
    requirements: z
      .array(z.strictObject({ requirementId: PublicId, version: z.number().int().min(0) }))
      .meta({ description: 'The requirements frozen in the baseline, each at the version signed.' }),
    supersedes: z.array(PublicId).meta({ description: 'Baselines signed earlier, no longer in force.' }),
  }),
);

export const RequirementChangeApprovedV1 = integrationEvent(
  {
    type: 'requirement.change-approved',
    schemaVersion: 1,
    subjectType: 'requirement',
    summary:
      'A change request on a requirement was approved; the revision follows as requirement.revised. Every baseline in `suspectBaselineIds` is suspect from now on: it holds the version before the change.',
  },
  z.strictObject({
    requirementId: PublicId,
    changeRequestId: PublicId,
    reason: PublicReason.optional(),
    suspectBaselineIds: z.array(PublicId).meta({ description: 'Signed baselines in force that held the requirement; they need a new baseline.' }),
  }),
);
