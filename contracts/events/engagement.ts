import { z } from 'zod';
import { EngagementRole, Id, Name, Phase, ReadinessItem, ReadinessStatus, Reason, text, UserId } from '../values.js';
import { MemberFields, Sponsor } from '../commands/engagement.js';
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

/** Someone joined the engagement's team. The person who starts an engagement joins as its first `pm`. */
export const MemberAdded = event(
  'MemberAdded',
  z.strictObject({ engagementId: Id, ...MemberFields, reason: Reason.optional() }),
);

/** A member's role, workgroup or department changed; `previous` holds what the event replaced. */
export const MemberRoleChanged = event(
  'MemberRoleChanged',
  z.strictObject({
    engagementId: Id,
    ...MemberFields,
    previous: z.strictObject({ name: Name, role: EngagementRole, workgroup: Name.optional(), department: Name.optional() }),
    reason: Reason.optional(),
  }),
);

export const MemberRemoved = event(
  'MemberRemoved',
  z.strictObject({
    engagementId: Id,
    userId: UserId,
    name: Name,
    /** The role the member held until now. */
    role: EngagementRole,
    reason: Reason,
  }),
);

export const EngagementEvent = z.discriminatedUnion('type', [
  EngagementStarted,
  ReadinessRecorded,
  PhaseAdvanced,
  MemberAdded,
  MemberRoleChanged,
  MemberRemoved,
]);
export type EngagementEvent = z.infer<typeof EngagementEvent>;
