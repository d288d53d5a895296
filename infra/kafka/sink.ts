/**
 * The Kafka adapter of the message sink: one idempotent producer (acks = all, one request in
 * flight, so retries cannot reorder), a fresh one after every `open()`, so that a producer that
 * failed is never reused with stale sequence numbers.
 */
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { BrokerUnavailableError, type MessageSink, type OutgoingMessage } from './port.js';
import { CLIENT_RETRY } from './client.js';
import { ensureTopic, type TopicSettings } from './topic.js';

export type KafkaSinkOptions = {
  kafka: Kafka;
  topic: string;
  logger: Logger;
  topicSettings?: TopicSettings;
  /** How long the broker may take to replicate a request (acks = all) before it fails. */
  ackTimeoutMs?: number;
};

export class KafkaSink implements MessageSink {
  readonly #options: KafkaSinkOptions;
  #producer: Producer | undefined;
  #topicReady = false;

  constructor(options: KafkaSinkOptions) {
    this.#options = options;
  }

  async open(): Promise<void> {
    await this.close();
    const { kafka, topic, logger } = this.#options;
    await translate(`preparing topic ${topic}`, async () => {
      if (this.#topicReady) return;
      const admin = kafka.admin();
      await admin.connect();
      try {
        if (await ensureTopic(admin, topic, this.#options.topicSettings)) logger.info({ topic }, 'created the integration topic');
      } finally {
        await admin.disconnect();
      }
      this.#topicReady = true;
    });
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: CLIENT_RETRY,
    });
    await translate('connecting the producer', () => producer.connect());
    this.#producer = producer;
  }

  async send(messages: readonly OutgoingMessage[]): Promise<void> {
    const producer = this.#producer;
    if (!producer) throw new BrokerUnavailableError('the Kafka sink is not open');
    await translate(`sending ${messages.length} messages`, () =>
      producer.send({
        topic: this.#options.topic,
        acks: -1,
        timeout: this.#options.ackTimeoutMs ?? 30_000,
        messages: messages as OutgoingMessage[],
      }),
    );
  }

  async close(): Promise<void> {
    const producer = this.#producer;
    this.#producer = undefined;
    await producer?.disconnect().catch((error: unknown) => this.#options.logger.debug({ err: error }, 'producer disconnect failed'));
  }
}

const translate = async <T>(doing: string, action: () => Promise<T>): Promise<T> => {
  try {
    return await action();
  } catch (error) {
    throw new BrokerUnavailableError(`Kafka: ${doing} failed: ${(error as Error).message ?? String(error)}`, { cause: error });
  }
};
