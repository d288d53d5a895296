/**
 * The envelope every stored event travels in. A decider emits `{ type, data }`; the command
 * handler wraps it with who, when, why (correlation/causation) and where (engagement), and the
 * event store adds its stream revision and global position when the event is read back.
 */
import { z } from 'zod';
import { Actor, Id, Instant, text } from '../values.js';
import { EngagementEvent } from './engagement.js';
import { InterviewEvent } from './interview.js';
import { RequirementEvent } from './requirement.js';
import { BaselineEvent } from './baseline.js';

export const DomainEvent = z.discriminatedUnion('type', [
  ...EngagementEvent.options,
  ...InterviewEvent.options,
  ...RequirementEvent.options,
  ...BaselineEvent.options,
]);
export type DomainEvent = z.infer<typeof DomainEvent>;
export type DomainEventType = DomainEvent['type'];
export type EventOfType<T extends DomainEventType> = Extract<DomainEvent, { type: T }>;

export const EVENT_TYPES = DomainEvent.options.map((o) => o.shape.type.value) as DomainEventType[];

export const EventMetadata = z.strictObject({
  /** Unique per event; derived from the command's idempotency key so a retried append is recognised. */
  eventId: z.uuid(),
  schemaVersion: z.number().int().min(1),
  occurredAt: Instant,
  actor: Actor,
  correlationId: text(200),
  /** The id of whatever caused this event: the command (request) id, or the event a process reacted to. */
  causationId: text(200),
  engagementId: Id,
});
export type EventMetadata = z.infer<typeof EventMetadata>;

export type EventEnvelope<E extends DomainEvent = DomainEvent> = E & EventMetadata;

/** An event as read back from the log. `position` is opaque and totally ordered across the log. */
export type RecordedEvent<E extends DomainEvent = DomainEvent> = EventEnvelope<E> & {
  streamId: string;
  /** 0-based revision of the event in its stream. */
  revision: number;
  position: string;
};
