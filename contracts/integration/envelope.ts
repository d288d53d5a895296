/**
 * The envelope of every integration event: what happened (`type`, `schemaVersion` of its `data`),
 * when, in which engagement, to what (`subject`), by whom, and why (correlation and causation).
 * `specVersion` versions the envelope itself; `schemaVersion` versions one type's `data`.
 */
import { z } from 'zod';
import { PublicActor, PublicId, PublicInstant, PublicText, type SubjectType } from './vocabulary.js';

export const SPEC_VERSION = '1.0' as const;

export type IntegrationEventDefinition<T extends string = string, V extends number = number> = {
  type: T;
  schemaVersion: V;
  subjectType: SubjectType;
  /** One sentence for the AsyncAPI document: when the event is published. */
  summary: string;
};

export const integrationEvent = <T extends string, V extends number, D extends z.ZodType>(
  definition: IntegrationEventDefinition<T, V>,
  data: D,
) =>
  z
    .strictObject({
      specVersion: z.literal(SPEC_VERSION),
      id: z.uuid().meta({ description: 'The event id: unique per event and the same on every redelivery; dedupe by it.' }),
      type: z.literal(definition.type),
      schemaVersion: z.literal(definition.schemaVersion),
      occurredAt: PublicInstant,
      engagementId: PublicId.meta({ description: 'The engagement the event belongs to; also the Kafka message key.' }),
      subject: z.strictObject({ type: z.literal(definition.subjectType), id: PublicId }),
      actor: PublicActor,
      correlationId: PublicText(200).meta({ description: 'Shared by every event of one request.' }),
      causationId: PublicText(200).meta({ description: 'The command (or event) that caused this event.' }),
      data,
    })
    .meta({ title: definition.type, description: definition.summary });
