import { z } from 'zod';
import { Id, Instant, Name, Reason, UserId, uniqueList } from '../values.js';
import { command } from './command.js';

/** What a signatory declares by signing (docs/domain.md#baselines): approval, or a review only. */
export const SIGN_OFF_MEANINGS = ['approved', 'reviewed'] as const;
export const SignOffMeaning = z.enum(SIGN_OFF_MEANINGS);
export type SignOffMeaning = z.infer<typeof SignOffMeaning>;

/** A SHA-256 in lowercase hex. */
export const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 in lowercase hexadecimal (64 characters)');

export const CreateBaselineBody = z.strictObject({
  name: Name,
  signatories: uniqueList(UserId, 'signatories').min(1).max(20),
});
export const CreateBaseline = command('CreateBaseline', CreateBaselineBody.extend({ baselineId: Id, engagementId: Id }));

export const SignBaselineBody = z.strictObject({
  meaning: SignOffMeaning,
  /** The hash the signer saw; refused when the baseline's differs. */
  baselineHash: Sha256.optional(),
});
export const SignBaseline = command(
  'SignBaseline',
  SignBaselineBody.extend({
    baselineId: Id,
    /** When the signer last authenticated, from the verified identity (never the request body). */
    authenticatedAt: Instant.optional(),
  }),
);

export const RejectBaselineBody = z.strictObject({ comments: Reason });
export const RejectBaseline = command('RejectBaseline', RejectBaselineBody.extend({ baselineId: Id }));

export const BaselineCommand = z.discriminatedUnion('type', [CreateBaseline, SignBaseline, RejectBaseline]);
export type BaselineCommand = z.infer<typeof BaselineCommand>;
