/** A message sink in memory whose acknowledgements and failures the test controls. */
import { BrokerUnavailableError, type MessageSink, type OutgoingMessage } from '../../../infra/kafka/index.js';

export class FakeSink implements MessageSink {
  readonly acknowledged: OutgoingMessage[] = [];
  readonly sends: number[] = [];
  /** While true, every `open` and `send` fails as a broker outage would. */
  down = false;
  /** While set, a `send` waits for it before it acknowledges. */
  gate: Promise<void> | undefined;
  opens = 0;
  #sending = 0;

  get sending(): number {
    return this.#sending;
  }

  async open(): Promise<void> {
    this.opens++;
    if (this.down) throw new BrokerUnavailableError('fake broker is down');
  }

  async send(messages: readonly OutgoingMessage[]): Promise<void> {
    this.#sending++;
    try {
      this.sends.push(messages.length);
      if (this.gate) await this.gate;
      if (this.down) throw new BrokerUnavailableError('fake broker is down');
      this.acknowledged.push(...messages);
    } finally {
      this.#sending--;
    }
  }

  async close(): Promise<void> {}
}

export const gate = () => {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
};
