import { z } from 'zod';
import { Id, Name, Phase, ReadinessItem, ReadinessStatus, Reason, text } from '../values.js';
import { Sponsor } from '../commands/engagement.js';
import { event } from './event.js';

export const EngagementStarted = event(
  'EngagementStarted',
  z.strictObject({
    engagementId: Id,
    name: Name,
    client: Name,
    sponsor: Sponsor,
    goals: z.array(text(1_000)),
    successCriteria: z.array(text(1_000)),
  }),
);

export const ReadinessRecorded = event(
  'ReadinessRecorded',
  z.strictObject({
    engagementId: Id,
    item: ReadinessItem,
    status: ReadinessStatus,
    evidence: text(5_000).optional(),
    /** The status this assessment replaces, absent for the first assessment of the item. */
    previousStatus: ReadinessStatus.optional(),
  }),
);

/** One unmet condition of a phase gate, named so that a waiver says exactly what it waived. */
export const GateCondition = z.strictObject({
  rule: z.enum(['interview-not-confirmed', 'requirement-not-prioritized', 'readiness-item-not-met']),
  subjectId: z.string(),
});
export type GateCondition = z.infer<typeof GateCondition>;

export const PhaseAdvanced = event(
  'PhaseAdvanced',
  z.strictObject({
    engagementId: Id,
    from: Phase,
    to: Phase,
    /** Present when a project manager passed the gate although conditions were unmet. */
    waiver: z.strictObject({ reason: Reason, unmetConditions: z.array(GateCondition).min(1) }).optional(),
  }),
);

export const EngagementEvent = z.discriminatedUnion('type', [EngagementStarted, ReadinessRecorded, PhaseAdvanced]);
export type EngagementEvent = z.infer<typeof EngagementEvent>;
