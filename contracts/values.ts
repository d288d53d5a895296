/**
 * Value types shared by commands, events and read models, built from the vocabularies of
 * vocabulary.ts (the single source of truth of each list; the phase order is the order of `PHASES`).
 */
import { z } from 'zod';
import {
  ENGAGEMENT_ROLES,
  FINDING_SECTIONS,
  FREQUENCIES,
  INTERVIEW_METHODS,
  INTERVIEW_TOPICS,
  PHASES,
  READINESS_ITEMS,
  REQUIREMENT_CATEGORIES,
  ROLES,
} from './vocabulary.js';

export * from './vocabulary.js';

export const Id = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'ids are letters, digits and . _ : - (starting with a letter or digit)');

/** A point in time as an ISO-8601 instant with an explicit offset (`Z` or `+08:00`). */
export const Instant = z.iso.datetime({ offset: true });

/**
 * Something besides white space, and no NUL. White space is spelled out as the set String.trim
 * removes, not as `\s`, whose meaning differs between regex engines: the OpenAPI document carries
 * this pattern to every client and generator, and each must read it the same.
 */
const TYPED_TEXT = /^[^\x00]*[^\x00\t\n\x0b\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff][^\x00]*$/;

/**
 * Text people type, at most `max` characters as sent; the white space around it is dropped. NUL
 * and lone surrogates (half of a UTF-16 pair: not a character, and not representable in UTF-8)
 * are refused, so what is recorded can be exported and read back exactly.
 */
export const text = (max: number) =>
  z
    .string()
    .max(max)
    .trim()
    .min(1)
    .regex(TYPED_TEXT, 'text must contain more than white space, and no NUL (U+0000) characters')
    .refine((value) => !/\p{Surrogate}/u.test(value), 'text must not contain lone surrogates (U+D800–U+DFFF): it is not valid Unicode');
export const Name = text(200);
export const Reason = text(2_000);
export const LongText = text(20_000);

export const Phase = z.enum(PHASES);
export type Phase = z.infer<typeof Phase>;

/** The phase after `phase`, or undefined for the terminal phase. */
export const nextPhase = (phase: Phase): Phase | undefined => PHASES[PHASES.indexOf(phase) + 1];
export const phaseIndex = (phase: Phase): number => PHASES.indexOf(phase);

export const ReadinessItem = z.enum(READINESS_ITEMS);
export type ReadinessItem = z.infer<typeof ReadinessItem>;
export const ReadinessStatus = z.enum(['met', 'not-met', 'not-applicable']);
export type ReadinessStatus = z.infer<typeof ReadinessStatus>;

export const InterviewMethod = z.enum(INTERVIEW_METHODS);
export const InterviewTopic = z.enum(INTERVIEW_TOPICS);
export const FindingSection = z.enum(FINDING_SECTIONS);
export const Pain = z.number().int().min(0).max(3);
export const Frequency = z.enum(FREQUENCIES);

export const RequirementCategory = z.enum(REQUIREMENT_CATEGORIES);
export type RequirementCategory = z.infer<typeof RequirementCategory>;

/** A 0–3 rating used by the 20/80 priority inputs. */
export const Rating = z.number().int().min(0).max(3);

export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

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
  z
    .array(item)
    .refine((list) => new Set(list.map((x) => JSON.stringify(x))).size === list.length, {
      message: `${label} must not contain duplicates`,
    })
    .meta({ uniqueItems: true });

/**
 * A revision names at least one of `fields` besides its reason. The rule is checked here and also
 * stated in the JSON Schema (an `anyOf` of `required`s), so clients and generators know it.
 */
export const revisesOneOf = <S extends z.ZodObject>(schema: S, fields: readonly string[]) =>
  schema
    .refine((body) => fields.some((field) => (body as Record<string, unknown>)[field] !== undefined), {
      message: `name at least one of ${fields.join(', ')} to revise`,
    })
    .meta({ anyOf: fields.map((field) => ({ required: [field] })) });
