/**
 * Between the log subscription and the producer: the subscription fills it while the producer
 * waits for the broker, and the producer takes what has gathered as its next batch. Bounded, so a
 * broker slower than the log holds the subscription back instead of filling memory.
 */
import type { OutgoingMessage } from '../kafka/index.js';

/** One log message: an event to publish (or to pass over), a checkpoint, or caught-up. */
export type QueueItem = {
  /** Log position this item lets the checkpoint advance to, once everything before it is acknowledged. */
  position: string | undefined;
  message?: OutgoingMessage;
  bytes: number;
  caughtUp?: boolean;
};

export type Batch = {
  messages: OutgoingMessage[];
  /** The position of the last item of the batch that has one. */
  position: string | undefined;
  caughtUp: boolean;
};

export class BatchQueue {
  readonly #items: QueueItem[] = [];
  #head = 0;
  #bytes = 0;
  #ended = false;
  #closed = false;
  #failure: { error: unknown } | undefined;
  #wakeTaker: (() => void) | undefined;
  #wakePutter: (() => void) | undefined;

  constructor(
    readonly capacity: { items: number; bytes: number },
  ) {}

  get size(): number {
    return this.#items.length - this.#head;
  }

  /** Resolves when there is room again; items put after `close()` are dropped. */
  async put(item: QueueItem): Promise<void> {
    if (this.#closed) return;
    this.#items.push(item);
    this.#bytes += item.bytes;
    this.#wake('taker');
    while (!this.#closed && (this.size >= this.capacity.items || this.#bytes >= this.capacity.bytes)) {
      await new Promise<void>((resolve) => (this.#wakePutter = resolve));
    }
  }

  /** No more items will come: `take` answers undefined once the rest is taken. */
  end(): void {
    this.#ended = true;
    this.#wake('taker');
  }

  /** The producing side failed: `take` rejects with `error` once the items before it are taken. */
  fail(error: unknown): void {
    this.#failure = { error };
    this.#wake('taker');
  }

  /** Stop now: drops what is queued, releases a waiting `put` and answers `take` with undefined. */
  close(): void {
    this.#closed = true;
    this.#items.length = 0;
    this.#head = 0;
    this.#bytes = 0;
    this.#wake('taker');
    this.#wake('putter');
  }

  /**
   * Up to `maxItems` items and about `maxBytes` of messages (at least one item), waiting until
   * there is one; undefined after `end()` once empty, or after `close()`.
   */
  async take(maxItems: number, maxBytes: number): Promise<Batch | undefined> {
    while (this.size === 0 && !this.#closed && !this.#ended && !this.#failure) {
      await new Promise<void>((resolve) => (this.#wakeTaker = resolve));
    }
    if (this.#closed) return undefined;
    if (this.size === 0) {
      if (this.#failure) throw this.#failure.error;
      return undefined;
    }
    const batch: Batch = { messages: [], position: undefined, caughtUp: false };
    let bytes = 0;
    let taken = 0;
    while (this.size > 0 && taken < maxItems) {
      const item = this.#items[this.#head]!;
      if (taken > 0 && bytes + item.bytes > maxBytes) break;
      this.#head++;
      taken++;
      bytes += item.bytes;
      if (item.message) batch.messages.push(item.message);
      if (item.position !== undefined) batch.position = item.position;
      if (item.caughtUp) batch.caughtUp = true;
    }
    this.#bytes -= bytes;
    if (this.#head > 1_024 && this.#head * 2 > this.#items.length) {
      this.#items.splice(0, this.#head);
      this.#head = 0;
    }
    this.#wake('putter');
    return batch;
  }

  #wake(side: 'taker' | 'putter'): void {
    const wake = side === 'taker' ? this.#wakeTaker : this.#wakePutter;
    if (side === 'taker') this.#wakeTaker = undefined;
    else this.#wakePutter = undefined;
    wake?.();
  }
}
