/** The publisher wired to Kafka: what the service entry points call. */
import type { Logger } from 'pino';
import { DEFAULT_TOPIC } from '../../contracts/index.js';
import { createKafkaClient, KafkaSink, type KafkaClientOptions, type TopicSettings } from '../kafka/index.js';
import { EventPublisher, type EventPublisherOptions } from './publisher.js';

export type CreatePublisherOptions = Omit<EventPublisherOptions, 'sink' | 'logger'> & {
  logger: Logger;
  /** `host:port` list, as an array or comma-separated (`KAFKA_BROKERS`). */
  brokers: string | readonly string[];
  /** `KAFKA_TOPIC`; defaults to the contract's topic. */
  topic?: string;
  clientId?: string;
  /** TLS, SASL, timeouts or a socket factory for the Kafka client. */
  kafka?: KafkaClientOptions;
  /** How the topic is created when it is missing; defaults to the contract's settings. */
  topicSettings?: TopicSettings;
};

export const createPublisher = (options: CreatePublisherOptions): EventPublisher => {
  const topic = options.topic ?? DEFAULT_TOPIC;
  const logger = options.logger.child({ component: 'publisher', topic });
  const kafka = createKafkaClient({
    brokers: options.brokers,
    clientId: options.clientId ?? 'crm-discovery-publisher',
    logger,
    ...(options.kafka && { config: options.kafka }),
  });
  const sink = new KafkaSink({ kafka, topic, logger, ...(options.topicSettings && { topicSettings: options.topicSettings }) });
  return new EventPublisher({ ...options, logger, sink });
};
