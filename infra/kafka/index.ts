/** The Kafka adapter: the message sink port, a pino-logging client, topic creation, the idempotent sink. */
export * from './port.js';
export { createKafkaClient, parseBrokers, CLIENT_RETRY, type KafkaClientOptions } from './client.js';
export { ensureTopic, planTopic, type TopicPlan, type TopicSettings } from './topic.js';
export { KafkaSink, type KafkaSinkOptions } from './sink.js';
