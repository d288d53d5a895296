/**
 * The AsyncAPI 3.0 document of the integration events, built from the zod schemas so that it
 * cannot drift from what the publisher sends. Served as `GET /asyncapi.json` and written to
 * `docs/asyncapi.json` (by `infra/publisher/write-asyncapi.ts`).
 */
import { IntegrationEvent, type IntegrationEventSchema } from './events.js';
import { exampleOf } from './examples.js';
import { integrationEventJsonSchemas, messageId, toPublishedJsonSchema } from './json-schema.js';
import { CONTENT_TYPE, DEFAULT_TOPIC, MessageHeaders, messageHeaders, messageKey, TOPIC_SETTINGS } from './kafka-message.js';

export const ASYNCAPI_VERSION = '3.0.0';
/** The version of this API description: the major follows the topic's `v1`. */
export const INTEGRATION_API_VERSION = '1.0.0';
const KAFKA_BINDING_VERSION = '0.5.0';
const CHANNEL = 'requirementEvents';

const DESCRIPTION = `Public events of the CRM requirements discovery service, for downstream systems (ERP, reporting,
the CRM being configured). They are a contract of their own, mapped explicitly from the service's
internal events: internal changes do not reach this document unless it says so.

**Delivery.** At least once. Every event is published, in the order of the service's log; a
message can arrive more than once (after a publisher restart or a broker failover). Dedupe by
the \`event-id\` header (= the payload \`id\`), which is the same on every redelivery.

**Ordering.** The message key is the engagement id, so all events of one engagement are on one
partition, in the order they happened. There is no order across engagements.

**Versioning.** \`specVersion\` versions the envelope, \`schemaVersion\` the \`data\` of one type.
Compatible changes happen within this topic without notice: new event types (skip types you do not
know), new optional fields (ignore fields you do not know; the schemas leave objects open). An
incompatible change – removing or renaming a field, changing its type or meaning, adding an enum
value – raises the type's \`schemaVersion\` and is published on a new topic (\`…v2\`) next to this
one for a deprecation period.

**Retention.** The topic keeps events ${TOPIC_SETTINGS.retentionMs / 86_400_000} days.`;

const ref = ($ref: string) => ({ $ref });
const idOf = (schema: IntegrationEventSchema) => messageId(schema.shape.type.value, schema.shape.schemaVersion.value);

const message = (schema: IntegrationEventSchema) => {
  const type = schema.shape.type.value;
  // Parsed so that the example shows the fields in the schema's order.
  const example = IntegrationEvent.parse(exampleOf(type));
  return {
    name: type,
    title: `${type} v${schema.shape.schemaVersion.value}`,
    summary: schema.meta()?.description ?? type,
    contentType: CONTENT_TYPE,
    headers: ref('#/components/schemas/MessageHeaders'),
    payload: ref(`#/components/schemas/${idOf(schema)}`),
    correlationId: ref('#/components/correlationIds/correlationId'),
    bindings: {
      kafka: {
        key: { type: 'string', description: 'The engagement id (payload `engagementId`).' },
        bindingVersion: KAFKA_BINDING_VERSION,
      },
    },
    examples: [{ name: `${type}-example`, headers: messageHeaders(example), payload: example, summary: `key: ${messageKey(example)}` }],
  };
};

export const asyncApiDocument = (topic: string = DEFAULT_TOPIC) => {
  const schemas = IntegrationEvent.options;
  return {
    asyncapi: ASYNCAPI_VERSION,
    info: {
      title: 'CRM requirements discovery – integration events',
      version: INTEGRATION_API_VERSION,
      description: DESCRIPTION,
    },
    defaultContentType: CONTENT_TYPE,
    channels: {
      [CHANNEL]: {
        address: topic,
        title: 'Requirement events',
        description: 'Every public event of every engagement, keyed by engagement id.',
        messages: Object.fromEntries(schemas.map((schema) => [idOf(schema), ref(`#/components/messages/${idOf(schema)}`)])),
        bindings: {
          kafka: {
            partitions: TOPIC_SETTINGS.partitions,
            topicConfiguration: {
              'cleanup.policy': [TOPIC_SETTINGS.cleanupPolicy],
              'retention.ms': TOPIC_SETTINGS.retentionMs,
            },
            bindingVersion: KAFKA_BINDING_VERSION,
          },
        },
      },
    },
    operations: {
      publishRequirementEvents: {
        action: 'send',
        channel: ref(`#/channels/${CHANNEL}`),
        title: 'Publish requirement events',
        summary: 'The service publishes each public event once it is in its log (at least once, in log order per engagement).',
        messages: schemas.map((schema) => ref(`#/channels/${CHANNEL}/messages/${idOf(schema)}`)),
      },
    },
    components: {
      schemas: { MessageHeaders: toPublishedJsonSchema(MessageHeaders), ...integrationEventJsonSchemas() },
      messages: Object.fromEntries(schemas.map((schema) => [idOf(schema), message(schema)])),
      correlationIds: {
        correlationId: {
          description: 'Shared by all events that one request to the service produced.',
          location: '$message.header#/correlation-id',
        },
      },
    },
  };
};
export type AsyncApiDocument = ReturnType<typeof asyncApiDocument>;
