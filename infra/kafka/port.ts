/**
 * Where the publisher sends messages: the message bus port. The Kafka adapter implements it;
 * tests implement it in memory. Failures come out as `BrokerUnavailableError`, so nothing above
 * `infra/kafka` knows kafkajs's error classes.
 */
export type OutgoingMessage = {
  key: string;
  value: string;
  headers: Record<string, string>;
};

export interface MessageSink {
  /** Connects (and prepares the topic); call again after `close()` or a failure to start afresh. */
  open(): Promise<void>;
  /** Resolves once the broker acknowledged every message (acks = all), in order per key. */
  send(messages: readonly OutgoingMessage[]): Promise<void>;
  close(): Promise<void>;
}

export class BrokerUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BrokerUnavailableError';
  }
}
