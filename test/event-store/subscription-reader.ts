/**
 * Reads a live subscription with deadlines, so that a missing message fails the test instead of
 * hanging it. A read that timed out stays pending and is the next one answered.
 */
import type { RecordedEvent } from '../../contracts/index.js';
import type { LogMessage, LogSubscription } from '../../infra/event-store/index.js';

export class SubscriptionReader {
  readonly #iterator: AsyncIterator<LogMessage>;
  #pending: Promise<IteratorResult<LogMessage>> | undefined;

  constructor(readonly subscription: LogSubscription) {
    this.#iterator = subscription[Symbol.asyncIterator]();
  }

  /** The next message, or `done` once the subscription has ended; rejects after `timeoutMs`. */
  async next(timeoutMs = 5_000): Promise<LogMessage | 'done'> {
    this.#pending ??= this.#iterator.next();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no message from the subscription within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const result = await Promise.race([this.#pending, deadline]);
      this.#pending = undefined;
      return result.done ? 'done' : result.value;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Messages up to and including the first one that satisfies `last`. */
  async until(last: (message: LogMessage) => boolean, timeoutMs = 5_000): Promise<LogMessage[]> {
    const deadline = Date.now() + timeoutMs;
    const messages: LogMessage[] = [];
    for (;;) {
      const message = await this.next(Math.max(1, deadline - Date.now()));
      if (message === 'done') throw new Error(`the subscription ended after ${JSON.stringify(messages.map(describe))}`);
      messages.push(message);
      if (last(message)) return messages;
    }
  }

  untilCaughtUp(timeoutMs?: number): Promise<LogMessage[]> {
    return this.until((message) => message.kind === 'caught-up', timeoutMs);
  }

  /** The next `n` events, with whatever else arrived before the last of them. */
  async events(n: number, timeoutMs?: number): Promise<{ events: RecordedEvent[]; messages: LogMessage[] }> {
    let seen = 0;
    const messages = n === 0 ? [] : await this.until((message) => message.kind === 'event' && ++seen === n, timeoutMs);
    return { events: eventsOf(messages), messages };
  }
}

export const eventsOf = (messages: readonly LogMessage[]): RecordedEvent[] =>
  messages.flatMap((message) => (message.kind === 'event' ? [message.event] : []));

const describe = (message: LogMessage) =>
  message.kind === 'event' ? `${message.event.streamId}@${message.event.revision}` : `${message.kind} ${message.position}`;
