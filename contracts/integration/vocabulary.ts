/**
 * The public vocabulary of the integration events. It is deliberately its own list, not the
 * internal one: an internal rename changes the mapping in `mapping.ts`, never what consumers read.
 * The limits match the internal ones today, so every valid internal value fits a public field.
 */
import { z } from 'zod';

export const PublicId = z.string().min(1).max(100).meta({ description: 'An opaque identifier.' });
export const PublicText = (maxLength: number) => z.string().min(1).max(maxLength);
export const PublicName = PublicText(200);
export const PublicReason = PublicText(2_000).meta({ description: 'Why, in the words of the person who decided.' });
export const PublicInstant = z.iso.datetime({ offset: true }).meta({ description: 'ISO-8601 instant with an offset.' });

export const PUBLIC_PHASES = [
  'concept-introduction',
  'business-survey',
  'process-solidification',
  'system-deployment',
  'application-training',
  'go-live',
] as const;
export const PublicPhase = z.enum(PUBLIC_PHASES).meta({ description: 'A phase of the CRM implementation, in this order.' });
export type PublicPhase = z.infer<typeof PublicPhase>;

export const PublicRequirementCategory = z.enum([
  'customer-data',
  'sales',
  'marketing',
  'service',
  'reporting',
  'integration',
  'other',
]);
export type PublicRequirementCategory = z.infer<typeof PublicRequirementCategory>;

export const PublicRequirementStatus = z.enum(['captured', 'prioritized', 'accepted', 'deferred', 'rejected']);
export type PublicRequirementStatus = z.infer<typeof PublicRequirementStatus>;

/** The rule behind an unmet phase-gate condition that a waiver passed over. */
export const PublicGateRule = z.enum(['interview-not-confirmed', 'requirement-not-prioritized', 'readiness-item-not-met']);
export type PublicGateRule = z.infer<typeof PublicGateRule>;

export const PublicEngagementRole = z
  .enum(['pm', 'consultant', 'stakeholder', 'observer'])
  .meta({ description: "A member's role in the engagement's team." });
export type PublicEngagementRole = z.infer<typeof PublicEngagementRole>;

export const PublicActor = z
  .strictObject({ id: PublicText(200), name: z.string().max(200) })
  .meta({ description: 'The authenticated user whose command produced the event.' });

export const SUBJECT_TYPES = ['engagement', 'interview', 'requirement', 'baseline'] as const;
export type SubjectType = (typeof SUBJECT_TYPES)[number];
