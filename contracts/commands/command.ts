import { z } from 'zod';
import { Actor, Instant } from '../values.js';

/**
 * Everything a decider needs besides the command's own data: who asks and when. The decider never
 * reads a clock or generates an id; both arrive here or in the data.
 */
export const CommandMetadata = z.strictObject({ actor: Actor, now: Instant });
export type CommandMetadata = z.infer<typeof CommandMetadata>;

/** A command message: `{ type, data }`, discriminated by `type`. */
export const command = <T extends string, D extends z.ZodType>(type: T, data: D) =>
  z.strictObject({ type: z.literal(type), data });

/** The empty body of commands that carry nothing but their route. */
export const NoBody = z.strictObject({});
