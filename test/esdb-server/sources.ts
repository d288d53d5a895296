// What a catch-up subscription sends, step by step. Each `pull()` returns the next
// messages (possibly none) or `undefined` when there is nothing to do until the next append.
//
// Mirrors the EventStoreDB enumerators (StreamSubscription, AllSubscription, AllSubscriptionFiltered):
// - start from a revision / position is exclusive (the event at it is not re-delivered);
// - `caught_up` is sent once, when the backlog is exhausted (immediately when starting from end);
// - a subscription to a missing stream stays silent (no stream_not_found, no caught_up) until it appears;
// - filtered `$all`: catch-up reads pages of up to `maxSearchWindow` considered events (32 matches max);
//   after a page, `considered` is added to a counter and, if counter >= interval, a checkpoint is sent
//   at the last matched event of the page (or at the page start when none matched), counter %= interval;
//   the page that reaches the end of the log sends no checkpoint and switches to live; live, every
//   appended event counts, and when counter >= interval a checkpoint at that event is sent, counter = 0.
import type { EventFilter } from './filter.js';
import { READ_BATCH_SIZE } from './filter.js';
import type { ReadResp } from './proto.js';
import type { EventLog, StoredEvent } from './store.js';
import { caughtUpResp, checkpointResp, eventResp, type UuidFormat } from './wire.js';

export interface SubscriptionSource {
  pull(): ReadResp[] | undefined;
}

export type StreamStart = 'start' | 'end' | bigint; // bigint: after this revision
export type AllStart = 'start' | 'end' | bigint; // bigint: after this commit position

export class StreamSource implements SubscriptionSource {
  #next: number;
  #caughtUpSent = false;
  readonly #fromEnd: boolean;

  constructor(
    private readonly log: EventLog,
    private readonly streamName: string,
    start: StreamStart,
    private readonly uuidFormat: UuidFormat,
  ) {
    this.#fromEnd = start === 'end';
    if (start === 'start') this.#next = 0;
    else if (start === 'end') this.#next = log.stream(streamName)?.length ?? 0;
    else this.#next = start >= BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(start) + 1;
  }

  pull(): ReadResp[] | undefined {
    const stream = this.log.stream(this.streamName) ?? [];
    const out: ReadResp[] = [];
    while (this.#next < stream.length && out.length < READ_BATCH_SIZE) {
      out.push(eventResp(stream[this.#next++] as StoredEvent, this.uuidFormat));
    }
    const exists = stream.length > 0;
    if (!this.#caughtUpSent && (this.#fromEnd || (exists && this.#next >= stream.length))) {
      this.#caughtUpSent = true;
      out.push(caughtUpResp());
    }
    return out.length > 0 ? out : undefined;
  }
}

export class AllSource implements SubscriptionSource {
  #next: number;
  #caughtUpSent = false;

  constructor(
    private readonly log: EventLog,
    start: AllStart,
    private readonly uuidFormat: UuidFormat,
  ) {
    this.#next = startIndex(log, start);
  }

  pull(): ReadResp[] | undefined {
    const all = this.log.all;
    const out: ReadResp[] = [];
    while (this.#next < all.length && out.length < READ_BATCH_SIZE) {
      out.push(eventResp(all[this.#next++] as StoredEvent, this.uuidFormat));
    }
    if (!this.#caughtUpSent && this.#next >= all.length) {
      this.#caughtUpSent = true;
      out.push(caughtUpResp());
    }
    return out.length > 0 ? out : undefined;
  }
}

export class FilteredAllSource implements SubscriptionSource {
  #next: number;
  #live: boolean;
  #caughtUpSent = false;
  #counter = 0;
  #pageStartsAtLogStart: boolean; // first catch-up page from `start` reports position 0 as its start

  constructor(
    private readonly log: EventLog,
    start: AllStart,
    private readonly filter: EventFilter,
    private readonly uuidFormat: UuidFormat,
  ) {
    this.#next = startIndex(log, start);
    this.#live = start === 'end';
    this.#pageStartsAtLogStart = start === 'start';
  }

  pull(): ReadResp[] | undefined {
    if (this.#live) return this.#pullLive();
    return this.#pullPage();
  }

  #pullPage(): ReadResp[] {
    const all = this.log.all;
    const pageStart = this.#pageStartsAtLogStart ? 0n : (all[this.#next]?.position ?? 0n);
    this.#pageStartsAtLogStart = false;
    const out: ReadResp[] = [];
    let considered = 0;
    let lastMatch: StoredEvent | undefined;
    while (this.#next < all.length && considered < this.filter.maxSearchWindow && out.length < READ_BATCH_SIZE) {
      const event = all[this.#next++] as StoredEvent;
      considered++;
      if (this.filter.matches(event)) {
        lastMatch = event;
        out.push(eventResp(event, this.uuidFormat));
      }
    }
    this.#counter += considered;
    if (this.#next >= all.length) {
      this.#live = true;
      this.#caughtUpSent = true;
      out.push(caughtUpResp());
    } else if (this.#counter >= this.filter.checkpointInterval) {
      this.#counter %= this.filter.checkpointInterval;
      out.push(checkpointResp(lastMatch?.position ?? pageStart));
    }
    return out;
  }

  #pullLive(): ReadResp[] | undefined {
    const all = this.log.all;
    const out: ReadResp[] = [];
    if (!this.#caughtUpSent) {
      this.#caughtUpSent = true;
      out.push(caughtUpResp());
    }
    while (this.#next < all.length && out.length < READ_BATCH_SIZE) {
      const event = all[this.#next++] as StoredEvent;
      if (this.filter.matches(event)) out.push(eventResp(event, this.uuidFormat));
      if (++this.#counter >= this.filter.checkpointInterval) {
        this.#counter = 0;
        out.push(checkpointResp(event.position));
      }
    }
    return out.length > 0 ? out : undefined;
  }
}

function startIndex(log: EventLog, start: AllStart): number {
  if (start === 'start') return 0;
  if (start === 'end') return log.all.length;
  return log.indexAtOrAfter(start + 1n);
}
