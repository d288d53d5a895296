import { z } from 'zod';

/** A domain event as a decider emits it: `{ type, data }`, discriminated by `type`. */
export const event = <T extends string, D extends z.ZodType>(type: T, data: D) =>
  z.strictObject({ type: z.literal(type), data });
