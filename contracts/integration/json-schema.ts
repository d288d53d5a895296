/**
 * The JSON Schemas (draft-07, which AsyncAPI schemas extend) generated from the zod schemas. The
 * zod schemas are strict – the publisher emits exactly these fields – but the published schemas
 * leave objects open, so that a consumer validating with an older document keeps accepting events
 * after a compatible, additive change (see the versioning rules in the AsyncAPI description).
 */
import { z } from 'zod';
import { IntegrationEvent, type IntegrationEventSchema, type IntegrationEventType } from './events.js';

export type JsonSchema = Record<string, unknown>;

export const toPublishedJsonSchema = (schema: z.ZodType): JsonSchema => {
  const { $schema: _draft, ...published } = z.toJSONSchema(schema, {
    target: 'draft-7',
    io: 'input',
    override: ({ jsonSchema }) => {
      if (jsonSchema.additionalProperties === false) delete jsonSchema.additionalProperties;
    },
  }) as JsonSchema;
  return published;
};

/** `requirement.captured` v1 → `RequirementCapturedV1`: the name of its message and schema in the AsyncAPI document. */
export const messageId = (type: IntegrationEventType, schemaVersion: number): string =>
  `${type
    .split(/[.-]/)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('')}V${schemaVersion}`;

const idOf = (schema: IntegrationEventSchema) => messageId(schema.shape.type.value, schema.shape.schemaVersion.value);

/** One self-contained JSON Schema per event type (no `$ref`s), keyed by message id. */
export const integrationEventJsonSchemas = (): Record<string, JsonSchema> =>
  Object.fromEntries(IntegrationEvent.options.map((schema) => [idOf(schema), toPublishedJsonSchema(schema)]));
