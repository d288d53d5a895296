/** How the proof reads (changes, explanations) cite the events behind what they say. */
import { z } from 'zod';
import type { RecordedEvent } from '../../contracts/index.js';

export const EventRef = z
  .object({
    eventId: z.string(),
    type: z.string().describe('The event type, e.g. RequirementPrioritized'),
    position: z.string().describe('Its position in the global log'),
    at: z.string().describe('When it happened (ISO 8601)'),
    actor: z.object({ id: z.string(), name: z.string() }),
    subjectId: z.string().describe('The engagement, interview or requirement the event belongs to'),
  })
  .describe('An event of the log, as the audit trail lists it');
export type EventRef = z.infer<typeof EventRef>;

const subjectOf = (event: RecordedEvent): string => {
  const data = event.data as { requirementId?: string; interviewId?: string };
  return data.requirementId ?? data.interviewId ?? event.engagementId;
};

export const eventRef = (event: RecordedEvent): EventRef => ({
  eventId: event.eventId,
  type: event.type,
  position: event.position,
  at: event.occurredAt,
  actor: { id: event.actor.id, name: event.actor.name },
  subjectId: subjectOf(event),
});
