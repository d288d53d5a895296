/**
 * Value types shared by commands, events and read models. Each list here is the single source of
 * truth for its vocabulary; the phase order in particular is the order of `PHASES`.
 */
import { z } from 'zod';

export const Id = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'ids are letters, digits and . _ : - (starting with a letter or digit)');

/** A point in time as an ISO-8601 instant with an explicit offset (`Z` or `+08:00`). */
export const Instant = z.iso.datetime({ offset: true });

/**
 * Text people type. NUL and lone surrogates (half of a UTF-16 pair: not a character, and not
 * representable in UTF-8) are refused, so what is recorded can be exported and read back exactly.
 */
export const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((value) => !value.includes('\u0000'), 'text must not contain NUL (U+0000) characters')
    .refine((value) => !/\p{Surrogate}/u.test(value), 'text must not contain lone surrogates (U+D800–U+DFFF): it is not valid Unicode');
export const Name = text(200);
export const Reason = text(2_000);
export const LongText = text(20_000);

export const PHASES = [
  'concept-introduction',
  'business-survey',
  'process-solidification',
  'system-deployment',
  'application-training',
  'go-live',
] as const;
export const Phase = z.enum(PHASES);
export type Phase = z.infer<typeof Phase>;

/** The phase after `phase`, or undefined for the terminal phase. */
export const nextPhase = (phase: Phase): Phase | undefined => PHASES[PHASES.indexOf(phase) + 1];
export const phaseIndex = (phase: Phase): number => PHASES.indexOf(phase);

export const READINESS_ITEMS = [
  'funding-secured',
  'strategy-defined',
  'project-manager-ready',
  'requirements-defined',
  'success-criteria-defined',
  'customer-definition-agreed',
  'environment-ready',
  'integrations-identified',
] as const;
export const ReadinessItem = z.enum(READINESS_ITEMS);
export type ReadinessItem = z.infer<typeof ReadinessItem>;
export const ReadinessStatus = z.enum(['met', 'not-met', 'not-applicable']);
export type ReadinessStatus = z.infer<typeof ReadinessStatus>;

export const InterviewMethod = z.enum(['in-person', 'phone', 'video', 'email', 'questionnaire', 'workshop']);
export const InterviewTopic = z.enum([
  'work-content',
  'org-structure',
  'business-process',
  'data-needs',
  'reports',
  'concerns',
  'focus-issues',
]);
export const FindingSection = z.enum([
  'current-structure',
  'future-structure',
  'workflow',
  'customer',
  'data-report',
  'other-requirement',
]);
export const Pain = z.number().int().min(0).max(3);
export const Frequency = z.enum(['rare', 'monthly', 'weekly', 'daily']);

export const RequirementCategory = z.enum([
  'customer-data',
  'sales',
  'marketing',
  'service',
  'reporting',
  'integration',
  'other',
]);
export type RequirementCategory = z.infer<typeof RequirementCategory>;

/** A 0–3 rating used by the 20/80 priority inputs. */
export const Rating = z.number().int().min(0).max(3);

export const ROLES = ['consultant', 'stakeholder', 'pm', 'pmo', 'admin'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** A person's role in one engagement's team (API.md, "Team"): where they may act, as roles say what. */
export const ENGAGEMENT_ROLES = ['pm', 'consultant', 'stakeholder', 'observer'] as const;
export const EngagementRole = z.enum(ENGAGEMENT_ROLES);
export type EngagementRole = z.infer<typeof EngagementRole>;

/** A user id as identity providers issue them in `sub`. */
export const UserId = text(200);

/** Who did something: always taken from the verified token, never from a request body. */
export const Actor = z.strictObject({
  id: text(200),
  name: z.string().max(200),
  roles: z.array(Role),
});
export type Actor = z.infer<typeof Actor>;

/** `[..] that must not repeat` – used for lists whose order carries no meaning. */
export const uniqueList = <T extends z.ZodType>(item: T, label: string) =>
  z.array(item).refine((list) => new Set(list.map((x) => JSON.stringify(x))).size === list.length, {
    message: `${label} must not contain duplicates`,
  });
