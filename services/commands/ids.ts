/**
 * Ids for new resources and events. With an idempotency key they are derived from it (UUID v5),
 * so a retried command produces the very same ids and the event store recognises the retry;
 * without one they are fresh, time-ordered UUID v7s.
 */
import { v5 as uuidv5, v7 as uuidv7 } from 'uuid';

const NAMESPACE = '6f1d8f2e-3c7a-5b9e-8d41-2a6c0e9b7f13';

export type IdempotencyScope = { userId: string; key: string };

export const idSource = (scope: IdempotencyScope | undefined) => {
  const derive = (name: string) => (scope ? uuidv5(`${scope.userId}\n${scope.key}\n${name}`, NAMESPACE) : uuidv7());
  return {
    /** The id of a resource the command creates (interview, finding, requirement, engagement). */
    resource: (kind: string) => derive(`resource:${kind}`),
    /** The id of the i-th event the command appends. */
    event: (index: number) => derive(`event:${index}`),
    deterministic: scope !== undefined,
  };
};
export type IdSource = ReturnType<typeof idSource>;
