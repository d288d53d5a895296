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
import { createHmac, randomFillSync } from 'node:crypto';
import { v4 as uuidv4, v7 as uuidv7 } from 'uuid';

/**
 * The random bytes of fresh ids, drawn from node:crypto for 256 ids at a time: uuid's own source
 * asks the Web Crypto API for 16 bytes per id, 3 % of a command's time under load.
 */
const POOLED_IDS = 256;
const pool = Buffer.allocUnsafe(16 * POOLED_IDS);
let drawn = pool.length;
const randomBytes = () => {
  if (drawn === pool.length) {
    randomFillSync(pool);
    drawn = 0;
  }
  return pool.subarray(drawn, (drawn += 16));
};

/**
 * uuid keeps ids of one millisecond in order only when it draws the bytes itself; with bytes handed
 * over, the counter of RFC 9562 (method 1) is kept here as uuid keeps it: random at each new
 * millisecond, one up within it, the clock moved on when it wraps.
 */
const clock = { msecs: -Infinity, seq: 0 };

/** A fresh, time-ordered UUID v7. */
export const newUuidV7 = (): string => {
  const random = randomBytes();
  const now = Date.now();
  if (now > clock.msecs) {
    clock.msecs = now;
    clock.seq = ((random[6]! & 0x7f) << 24) | (random[7]! << 16) | (random[8]! << 8) | random[9]!;
  } else {
    clock.seq = (clock.seq + 1) | 0;
    if (clock.seq === 0) clock.msecs++;
  }
  return uuidv7({ random, msecs: clock.msecs, seq: clock.seq });
};

export type IdempotencyScope = { userId: string; key: string; firstUsedAt: number };

export const idSource = (scope: IdempotencyScope | undefined, secret: string) => {
  // A derived id is asked for more than once (an event's, to look for an earlier run and to append):
  // each is computed once per command.
  const derived = new Map<string, string>();
  const derive = (name: string) => {
    if (!scope) return newUuidV7();
    let id = derived.get(name);
    if (id === undefined) {
      id = uuidv4({ random: createHmac('sha256', secret).update(JSON.stringify([scope.userId, scope.key, scope.firstUsedAt, name])).digest().subarray(0, 16) });
      derived.set(name, id);
    }
    return id;
  };
  return {
    /** The id of a resource the command creates (interview, finding, requirement, engagement). */
    resource: (kind: string) => derive(`resource:${kind}`),
    /** The id of the i-th event the command appends. */
    event: (index: number) => derive(`event:${index}`),
    deterministic: scope !== undefined,
  };
};
export type IdSource = ReturnType<typeof idSource>;
