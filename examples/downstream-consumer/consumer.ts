/**
 * A downstream consumer of the integration events, as an integrator would write it:
 *
 *   1. skip a message whose `event-id` was processed already (Kafka delivers at least once);
 *   2. skip event types it does not know (new types may appear without notice);
 *   3. validate headers and payload against the published schema; park what breaks the contract;
 *   4. apply the event and record its id in one transaction;
 *   5. only then let Kafka commit the offset (kafkajs commits what `eachMessage` has returned from).
 *
 * A crash anywhere redelivers from the last committed offset, and step 1 drops what step 4 had
 * already recorded. Messages of one engagement arrive in order (one key, one partition), and
 * partitions are handled one message at a time, so the handler sees each engagement's events in
 * the order they happened.
 */
import { Kafka, logLevel, type Consumer, type KafkaConfig, type KafkaMessage } from 'kafkajs';
import type Database from 'better-sqlite3';
import type { PublishedSchema } from './published-schema.js';
import type { MessageOrigin, ProcessedStore } from './processed-store.js';

/** The envelope fields this consumer relies on; `data` is typed by the handler per `type`. */
export type ReceivedEvent = {
  specVersion: string;
  id: string;
  type: string;
  schemaVersion: number;
  occurredAt: string;
  engagementId: string;
  subject: { type: string; id: string };
  actor: { id: string; name: string };
  correlationId: string;
  causationId: string;
  data: Record<string, unknown>;
};

/** Applies one event; runs inside the transaction that records its id, so it must write through `db` only. */
export type EventHandler = (event: ReceivedEvent, context: { db: Database.Database; origin: MessageOrigin }) => void;

export type Outcome = 'processed' | 'duplicate' | 'unknown-type' | 'parked';

export type DownstreamConsumerOptions = {
  brokers: string[];
  topic: string;
  groupId: string;
  schema: PublishedSchema;
  store: ProcessedStore;
  handle: EventHandler;
  /** Called after each message with what happened to it (for logs and tests). */
  onOutcome?: (outcome: Outcome, origin: MessageOrigin, detail: { eventId?: string; reason?: string }) => void;
  kafka?: Omit<KafkaConfig, 'brokers' | 'clientId'>;
};

const header = (message: KafkaMessage, name: string): string | undefined => {
  const value = message.headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
};

export class DownstreamConsumer {
  readonly #options: DownstreamConsumerOptions;
  readonly #consumer: Consumer;
  readonly counts: Record<Outcome, number> = { processed: 0, duplicate: 0, 'unknown-type': 0, parked: 0 };

  constructor(options: DownstreamConsumerOptions) {
    this.#options = options;
    const kafka = new Kafka({ logLevel: logLevel.WARN, ...options.kafka, brokers: options.brokers, clientId: `${options.groupId}-consumer` });
    // A short fetch wait: new events show up within ~100 ms, and disconnecting does not sit out a long poll.
    this.#consumer = kafka.consumer({ groupId: options.groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 100 });
  }

  async start(): Promise<void> {
    await this.#consumer.connect();
    // A new consumer group starts at the beginning of the topic: every event still retained.
    await this.#consumer.subscribe({ topics: [this.#options.topic], fromBeginning: true });
    await this.#consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const origin = { topic, partition, offset: message.offset };
        const { outcome, eventId, reason } = this.#consume(message, origin);
        this.counts[outcome]++;
        this.#options.onOutcome?.(outcome, origin, { ...(eventId && { eventId }), ...(reason && { reason }) });
      },
    });
  }

  async stop(): Promise<void> {
    await this.#consumer.disconnect();
  }

  #consume(message: KafkaMessage, origin: MessageOrigin): { outcome: Outcome; eventId?: string; reason?: string } {
    const { schema, store, handle } = this.#options;
    const eventId = header(message, 'event-id');
    if (eventId && store.isProcessed(eventId)) return { outcome: 'duplicate', eventId };

    const type = header(message, 'event-type');
    if (type && !schema.types.has(type)) return { outcome: 'unknown-type', ...(eventId && { eventId }), reason: type };

    const park = (reason: string) => {
      store.park(origin, eventId, reason, message.value?.toString());
      return { outcome: 'parked' as const, ...(eventId && { eventId }), reason };
    };
    const headers = Object.fromEntries(Object.keys(message.headers ?? {}).map((name) => [name, header(message, name)]));
    const headerCheck = schema.headers(headers);
    if (!headerCheck.ok) return park(`headers: ${headerCheck.problems.join('; ')}`);

    let event: ReceivedEvent;
    try {
      event = JSON.parse(message.value?.toString() ?? '') as ReceivedEvent;
    } catch {
      return park('the value is not JSON');
    }
    const validate = schema.payload(event.type, event.schemaVersion);
    if (!validate) return park(`no published schema for ${event.type} v${event.schemaVersion}`);
    const payloadCheck = validate(event);
    if (!payloadCheck.ok) return park(`payload: ${payloadCheck.problems.join('; ')}`);
    if (event.id !== eventId || event.type !== type || message.key?.toString() !== event.engagementId) {
      return park('the headers or the key do not match the payload');
    }

    const applied = store.processOnce(event, origin, () => handle(event, { db: store.db, origin }));
    return { outcome: applied ? 'processed' : 'duplicate', eventId: event.id };
  }
}
