import { z } from 'zod';
import { PriorityInputs, RequirementSource } from '../commands/requirement.js';
import { Sha256, SignOffMeaning } from '../commands/baseline.js';
import { EngagementRole, Id, Instant, LongText, Name, Phase, Reason, RequirementCategory, text, UserId } from '../values.js';
import { event } from './event.js';

/** A requirement as a baseline froze it: its content at that version, nothing read later. */
export const FrozenRequirement = z.strictObject({
  requirementId: Id,
  /** The requirement's stream revision when it was frozen. */
  version: z.number().int().min(0),
  title: text(300),
  description: LongText,
  category: RequirementCategory,
  departments: z.array(Name),
  sources: z.array(RequirementSource),
  goalIds: z.array(Id),
  priority: PriorityInputs.extend({ score: z.number().int().min(0).max(15) }).optional(),
  targetPhase: Phase.optional(),
});
export type FrozenRequirement = z.infer<typeof FrozenRequirement>;

export const Signatory = z.strictObject({ userId: UserId, name: Name, role: EngagementRole });
export type Signatory = z.infer<typeof Signatory>;

export const BaselineCreated = event(
  'BaselineCreated',
  z.strictObject({
    baselineId: Id,
    engagementId: Id,
    name: Name,
    signatories: z.array(Signatory),
    requirements: z.array(FrozenRequirement),
    /** SHA-256 of the canonical frozen content (domain/baseline/baseline-hash.ts). */
    baselineHash: Sha256,
  }),
);

export const BaselineSignedOff = event(
  'BaselineSignedOff',
  z.strictObject({
    baselineId: Id,
    signer: z.strictObject({ id: text(200), name: z.string().max(200) }),
    meaning: SignOffMeaning,
    baselineHash: Sha256,
    /** When the signer last authenticated: within five minutes of the signature. */
    authenticatedAt: Instant,
  }),
);

export const BaselineSigned = event(
  'BaselineSigned',
  z.strictObject({
    baselineId: Id,
    name: Name,
    baselineHash: Sha256,
    /** What was signed, by id and version, so that the signature stands on its own. */
    requirements: z.array(z.strictObject({ requirementId: Id, version: z.number().int().min(0) })),
    /** The baselines signed before it in the engagement, which this one replaces. */
    supersedes: z.array(Id),
  }),
);

export const BaselineRejected = event(
  'BaselineRejected',
  z.strictObject({
    baselineId: Id,
    rejectedBy: z.strictObject({ id: text(200), name: z.string().max(200) }),
    comments: Reason,
  }),
);

export const BaselineEvent = z.discriminatedUnion('type', [BaselineCreated, BaselineSignedOff, BaselineSigned, BaselineRejected]);
export type BaselineEvent = z.infer<typeof BaselineEvent>;
