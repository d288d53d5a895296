/**
 * How an integration event travels on Kafka: the topic it goes to, its key and its headers. Part
 * of the public contract, so the publisher and the AsyncAPI document both take it from here.
 */
import { z } from 'zod';
import { INTEGRATION_EVENT_TYPES, type IntegrationEvent, type IntegrationEventType } from './events.js';

export const DEFAULT_TOPIC = 'crm.requirements.events.v1';

/**
 * The topic as the publisher creates it when it is missing. Retention is a promise to consumers:
 * one that is down for up to two weeks still finds every event it has not read.
 */
export const TOPIC_SETTINGS = {
  partitions: 6,
  maxReplicationFactor: 3,
  retentionMs: 14 * 24 * 60 * 60 * 1000,
  cleanupPolicy: 'delete',
} as const;

export const CONTENT_TYPE = 'application/json';

export const MessageHeaders = z
  .strictObject({
    'event-id': z.uuid().meta({ description: 'Equals the payload `id`; dedupe by it.' }),
    'event-type': z.enum(INTEGRATION_EVENT_TYPES as [IntegrationEventType, ...IntegrationEventType[]]),
    'schema-version': z.string().regex(/^[1-9]\d*$/).meta({ description: 'Equals the payload `schemaVersion`, as a decimal string.' }),
    'correlation-id': z.string().min(1),
    'causation-id': z.string().min(1),
    'content-type': z.literal(CONTENT_TYPE),
  })
  .meta({ title: 'Kafka headers', description: 'UTF-8 string headers on every message, to route and dedupe without parsing the value.' });
export type MessageHeaders = z.infer<typeof MessageHeaders>;

/** Every event of an engagement has the same key, so they share a partition and keep their order. */
export const messageKey = (event: IntegrationEvent): string => event.engagementId;

export const messageHeaders = (event: IntegrationEvent): MessageHeaders => ({
  'event-id': event.id,
  'event-type': event.type,
  'schema-version': String(event.schemaVersion),
  'correlation-id': event.correlationId,
  'causation-id': event.causationId,
  'content-type': CONTENT_TYPE,
});
