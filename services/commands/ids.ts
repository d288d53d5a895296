/**
 * Ids for new resources and events. With an idempotency key they are derived from it, so a retried
 * command produces the very same ids and the event store recognises the retry; without one they
 * are fresh, time-ordered UUID v7s.
 *
 * Derived ids are an HMAC-SHA256 under a server-side secret of (user, key, the time the key was
 * first used, what is named), laid out as a UUID: nobody who knows a user's id and key can predict
 * the id of what they will create. The first-use time makes a key reused after its record expired
 * a new command with new ids rather than a collision with the old one.
 */
import { createHmac } from 'node:crypto';
import { v4 as uuidv4, v7 as uuidv7 } from 'uuid';

export type IdempotencyScope = { userId: string; key: string; firstUsedAt: number };

export const idSource = (scope: IdempotencyScope | undefined, secret: string) => {
  const derive = (name: string) =>
    scope
      ? uuidv4({ random: createHmac('sha256', secret).update(JSON.stringify([scope.userId, scope.key, scope.firstUsedAt, name])).digest().subarray(0, 16) })
      : uuidv7();
  return {
    /** The id of a resource the command creates (interview, finding, requirement, engagement). */
    resource: (kind: string) => derive(`resource:${kind}`),
    /** The id of the i-th event the command appends. */
    event: (index: number) => derive(`event:${index}`),
    deterministic: scope !== undefined,
  };
};
export type IdSource = ReturnType<typeof idSource>;
