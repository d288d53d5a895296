/**
 * A catch-up subscription read in batches, so that a projection writes once per batch rather than
 * once per event. A batch closes when it holds `maxEvents` events, when `maxWaitMs` have passed
 * since its first message, or at a checkpoint or caught-up message. Until the subscription has
 * caught up, the `catchingUp` limits apply – larger, since nobody waits on a single event of the
 * history and every document write saved counts. Once caught up, the `live` ones apply, and a
 * batch also closes as soon as no further message is ready, so that a live event is not held
 * back for `maxWaitMs` (read-your-writes waits on it).
 */
import type { RecordedEvent } from '../../contracts/index.js';
import type { LogMessage } from '../event-store/port.js';

export type BatchLimits = { maxEvents: number; maxWaitMs: number };

export const DEFAULT_BATCH_LIMITS: BatchLimits = { maxEvents: 500, maxWaitMs: 50 };

/**
 * Catching up (and rebuilding) is all throughput: larger batches fold more events into each
 * document write – on MongoDB the writes, not the events, are what costs.
 */
export const DEFAULT_CATCH_UP_BATCH_LIMITS: BatchLimits = { maxEvents: 5_000, maxWaitMs: 200 };

export type Batch = {
  events: RecordedEvent[];
  /** Everything the subscription had to deliver up to here is in this or an earlier batch. */
  through: string | undefined;
  /** The subscription reached the head of the log with this batch. */
  caughtUp: boolean;
};

const TIMED_OUT = Symbol('timed out');

type Deadline = { reached: Promise<typeof TIMED_OUT>; cancel(): void };

const deadline = (live: boolean, maxWaitMs: number): Deadline => {
  let cancel!: () => void;
  const reached = new Promise<typeof TIMED_OUT>((resolve) => {
    if (live) {
      const immediate = setImmediate(() => resolve(TIMED_OUT));
      cancel = () => clearImmediate(immediate);
    } else {
      const timer = setTimeout(() => resolve(TIMED_OUT), maxWaitMs);
      cancel = () => clearTimeout(timer);
    }
  });
  return { reached, cancel };
};

export async function* readBatches(
  messages: AsyncIterable<LogMessage>,
  stages: { catchingUp: BatchLimits; live: BatchLimits },
): AsyncGenerator<Batch, void, undefined> {
  const iterator = messages[Symbol.asyncIterator]();
  // A `next()` still running when a batch closed on time; the next batch starts with it.
  let pending: Promise<IteratorResult<LogMessage>> | undefined;
  let live = false;
  for (;;) {
    const first = await (pending ?? iterator.next());
    pending = undefined;
    if (first.done) return;
    const limits = live ? stages.live : stages.catchingUp;
    const batch: Batch = { events: [], through: undefined, caughtUp: false };
    let close = add(batch, first.value);
    let ended = false;
    if (!close && batch.events.length < limits.maxEvents) {
      const due = deadline(live, limits.maxWaitMs);
      while (!close && batch.events.length < limits.maxEvents) {
        pending = iterator.next();
        const next = await Promise.race([pending, due.reached]);
        if (next === TIMED_OUT) break;
        pending = undefined;
        if (next.done) {
          ended = true;
          break;
        }
        close = add(batch, next.value);
      }
      due.cancel();
    }
    if (batch.caughtUp) live = true;
    yield batch;
    if (ended) return;
  }
}

/** Adds a message to the batch; true when the message closes it. */
const add = (batch: Batch, message: LogMessage): boolean => {
  switch (message.kind) {
    case 'event':
      batch.events.push(message.event);
      batch.through = message.event.position;
      return false;
    case 'checkpoint':
      batch.through = message.position;
      return true;
    case 'caught-up':
      batch.through = message.position ?? batch.through;
      batch.caughtUp = true;
      return true;
  }
};
