/**
 * The real broker for the Kafka suites: `KAFKA_BROKERS` (from `npm run infra:up`), a unique topic
 * per test, and a raw reader that collects everything on a topic.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type IHeaders } from 'kafkajs';
import pino from 'pino';

export const brokers = process.env['KAFKA_BROKERS'];
export const skip = !brokers && 'KAFKA_BROKERS not set (npm run infra:up; set -a; . .infra/env; set +a)';
export const brokerList = (): string[] => (brokers ?? '').split(',');

export const uniqueTopic = (what: string) => `test.${what}.${randomUUID().slice(0, 8)}`;

export const quietLogger = () => pino({ level: process.env['TEST_LOG_LEVEL'] ?? 'silent' });

export const kafkaClient = () => new Kafka({ brokers: brokerList(), clientId: 'publisher-tests', logLevel: logLevel.NOTHING });

export const deleteTopic = async (topic: string): Promise<void> => {
  const admin = kafkaClient().admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
  } finally {
    await admin.disconnect();
  }
};

export type RawMessage = {
  partition: number;
  offset: string;
  key: string;
  value: string;
  headers: Record<string, string>;
  receivedAt: number;
};

const stringHeaders = (headers: IHeaders | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(headers ?? {}).map(([name, value]) => [name, String(Array.isArray(value) ? value[0] : value)]));

/** Reads a topic from the beginning with its own consumer group, collecting every message. */
export class TopicReader {
  readonly messages: RawMessage[] = [];
  readonly #consumer;
  #waiters: (() => void)[] = [];

  constructor(readonly topic: string) {
    this.#consumer = kafkaClient().consumer({ groupId: `reader-${randomUUID()}`, maxWaitTimeInMs: 100, allowAutoTopicCreation: false });
  }

  async start(): Promise<void> {
    await this.#consumer.connect();
    await this.#consumer.subscribe({ topics: [this.topic], fromBeginning: true });
    await this.#consumer.run({
      eachMessage: async ({ partition, message }) => {
        this.messages.push({
          partition,
          offset: message.offset,
          key: message.key?.toString() ?? '',
          value: message.value?.toString() ?? '',
          headers: stringHeaders(message.headers),
          receivedAt: Date.now(),
        });
        for (const wake of this.#waiters.splice(0)) wake();
      },
    });
  }

  /** Resolves once `done(messages)` holds; rejects after `timeoutMs` with what arrived. */
  async until(done: (messages: readonly RawMessage[]) => boolean, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.messages)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`only ${this.messages.length} messages on ${this.topic} after ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 500));
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  distinctIds(): Set<string> {
    return new Set(this.messages.map((m) => m.headers['event-id']!));
  }

  async stop(): Promise<void> {
    await this.#consumer.disconnect();
  }
}
