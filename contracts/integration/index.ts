/**
 * The public integration events (`crm.requirements` v1): their zod schemas, the mapping from
 * internal domain events, the Kafka message conventions and the AsyncAPI document.
 */
export * from './vocabulary.js';
export * from './envelope.js';
export * from './requirement.js';
export * from './interview.js';
export * from './engagement.js';
export * from './baseline.js';
export * from './events.js';
export * from './mapping.js';
export * from './kafka-message.js';
export * from './json-schema.js';
export * from './examples.js';
export * from './asyncapi.js';
