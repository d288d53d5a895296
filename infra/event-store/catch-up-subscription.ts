/**
 * A catch-up subscription over a log that this package keeps itself: history in steps, `caught-up`
 * once, then live. It wakes when the same store instance appends and, if asked to, polls – the only
 * way to notice appends by another process sharing the log.
 */
import type { LogFilter, LogMessage, LogSubscription } from './port.js';
import { BEFORE_FIRST, formatPosition } from './log-position.js';
import { scanStep, type ScannableLog, type ScanTuning } from './log-scan.js';
import { setImmediate as nextTurn } from 'node:timers/promises';

export interface FollowableLog extends ScannableLog {
  /** Calls `listener` after every append through this store instance; returns how to stop. */
  onAppend(listener: () => void): () => void;
}

export type FollowTuning = ScanTuning & {
  /** Positions passed over without a message, after which a checkpoint is sent. */
  checkpointEvery: number;
  /** How often to look for appends by other processes; undefined when there are none. */
  pollIntervalMs?: number | undefined;
};

export class CatchUpSubscription implements LogSubscription {
  readonly #log: FollowableLog;
  readonly #after: bigint;
  readonly #filter: LogFilter | undefined;
  readonly #tuning: FollowTuning;
  readonly #onClose: (subscription: CatchUpSubscription) => void;
  readonly #stopListening: () => void;
  #messages: AsyncGenerator<LogMessage, void, undefined> | undefined;
  #closed = false;
  #appendedSinceScan = false;
  #wake: (() => void) | undefined;

  constructor(
    log: FollowableLog,
    after: bigint,
    filter: LogFilter | undefined,
    tuning: FollowTuning,
    onClose: (subscription: CatchUpSubscription) => void,
  ) {
    this.#log = log;
    this.#after = after;
    this.#filter = filter;
    this.#tuning = tuning;
    this.#onClose = onClose;
    this.#stopListening = log.onAppend(() => {
      this.#appendedSinceScan = true;
      this.#wake?.();
    });
  }

  [Symbol.asyncIterator](): AsyncIterator<LogMessage> {
    this.#messages ??= this.#follow();
    return this.#messages;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopListening();
    this.#wake?.();
    this.#onClose(this);
  }

  async *#follow(): AsyncGenerator<LogMessage, void, undefined> {
    const { checkpointEvery } = this.#tuning;
    let after = this.#after;
    let lastMessageAt = after;
    let caughtUp = false;
    try {
      while (!this.#closed) {
        this.#appendedSinceScan = false;
        const step = scanStep(this.#log, after, this.#filter, this.#tuning.pageSize, this.#tuning);
        for (const event of step.events) {
          lastMessageAt = BigInt(event.position);
          yield { kind: 'event', event };
          if (this.#closed) return;
        }
        after = step.scannedTo;
        if (step.atHead && !caughtUp) {
          caughtUp = true;
          lastMessageAt = after;
          yield { kind: 'caught-up', position: after === BEFORE_FIRST ? undefined : formatPosition(after) };
        } else if (after - lastMessageAt >= BigInt(checkpointEvery)) {
          lastMessageAt = after;
          yield { kind: 'checkpoint', position: formatPosition(after) };
        }
        if (step.atHead) await this.#nextChange();
        // Catching up, a page at a time, with a turn of the event loop between pages: a reader that
        // handles events without waiting for I/O would otherwise read the whole history in one go,
        // and the requests of a process that serves while it catches up would wait for all of it.
        else await nextTurn();
      }
    } finally {
      await this.close();
    }
  }

  /** Resolves on an append through this instance, a poll tick or close, whichever comes first. */
  #nextChange(): Promise<void> {
    if (this.#appendedSinceScan || this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      const interval = this.#tuning.pollIntervalMs;
      const timer = interval === undefined ? undefined : setTimeout(() => wake(), interval);
      const wake = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
      this.#wake = wake;
    });
  }
}
