import { z } from 'zod';
import { EngagementRole, Id, Instant, Name, Phase, ReadinessItem, ReadinessStatus, Reason, text, UserId } from '../values.js';
import { GateOptionName, GoalText, MemberFields, RevisableTargetFields, SuccessTargetFields, Sponsor } from '../commands/engagement.js';
import {
  BusinessCaseFigures,
  BusinessCaseGroup,
  BusinessCaseLine,
  CashFlowFigures,
  Currency,
  PeriodLength,
} from '../commands/business-case.js';
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

/**
 * The id of the goal at `index` of an `EngagementStarted`, which records its goals as plain texts.
 * Derived, not stored, so that events written before goals had ids stay valid and every fold of
 * them (decider, projections, any process) names the same goal the same way.
 */
export const startingGoalId = (engagementId: string, index: number): string => `${engagementId}:goal-${index + 1}`;

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
  rule: z.enum(['interview-not-confirmed', 'requirement-not-prioritized', 'readiness-item-not-met', 'department-not-heard']),
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

export const GoalAdded = event('GoalAdded', z.strictObject({ engagementId: Id, goalId: Id, text: GoalText }));

/** From the baseline towards the target value (docs/domain.md#goals). */
export const TargetDirection = z.enum(['increase', 'decrease']);
export type TargetDirection = z.infer<typeof TargetDirection>;
/** A target's place on the success scorecard, decided when the event is (docs/domain.md#goals). */
export const SCORECARD_STATUSES = ['met', 'not-met', 'pending'] as const;
export const ScorecardStatus = z.enum(SCORECARD_STATUSES);
export type ScorecardStatus = z.infer<typeof ScorecardStatus>;

export const SuccessTargetAdded = event(
  'SuccessTargetAdded',
  z.strictObject({ engagementId: Id, goalId: Id, targetId: Id, ...SuccessTargetFields, direction: TargetDirection }),
);

export const SuccessTargetRevised = event(
  'SuccessTargetRevised',
  z.strictObject({
    engagementId: Id,
    goalId: Id,
    targetId: Id,
    /** Only the fields that changed, with their new values … */
    changes: RevisableTargetFields,
    /** … and the values they replaced. */
    previous: RevisableTargetFields,
    reason: Reason,
    /** The direction and scorecard status after the revision. */
    direction: TargetDirection,
    status: ScorecardStatus,
  }),
);

export const MeasurementRecorded = event(
  'MeasurementRecorded',
  z.strictObject({
    engagementId: Id,
    goalId: Id,
    targetId: Id,
    measurementId: Id,
    value: z.number().finite(),
    measuredAt: Instant,
    note: Reason.optional(),
    /** The target's direction, and its scorecard status once this measurement is taken into account. */
    direction: TargetDirection,
    status: ScorecardStatus,
  }),
);

const BusinessCaseInputChanges = z.strictObject({
  currency: Currency.optional(),
  periodLength: PeriodLength.optional(),
  discountRate: z.number().finite().optional(),
  groups: z.array(BusinessCaseGroup).optional(),
  lines: z.array(BusinessCaseLine).optional(),
});

/**
 * The business case as a whole after it was drawn up (`revision` 1) or revised, with the figures
 * the decider computed from it – read models and consumers never recompute them.
 */
export const BusinessCaseSet = event(
  'BusinessCaseSet',
  z.strictObject({
    engagementId: Id,
    revision: z.number().int().min(1),
    currency: Currency,
    periodLength: PeriodLength,
    discountRate: z.number().finite(),
    groups: z.array(BusinessCaseGroup),
    lines: z.array(BusinessCaseLine),
    figures: BusinessCaseFigures,
    reason: Reason,
    /** For a revision: the inputs that changed, with the values they replaced (empty for the first) … */
    previous: BusinessCaseInputChanges,
    /** … and the total figures of the revision it replaced. */
    previousTotal: CashFlowFigures.optional(),
  }),
);

/** The optional conditions that gate leaving `phase` from now on, with those they replace. */
export const GateConditionsChosen = event(
  'GateConditionsChosen',
  z.strictObject({ engagementId: Id, phase: Phase, require: z.array(GateOptionName), previous: z.array(GateOptionName), reason: Reason }),
);

export const EngagementEvent = z.discriminatedUnion('type', [
  EngagementStarted,
  ReadinessRecorded,
  PhaseAdvanced,
  MemberAdded,
  MemberRoleChanged,
  MemberRemoved,
  GoalAdded,
  SuccessTargetAdded,
  SuccessTargetRevised,
  MeasurementRecorded,
  BusinessCaseSet,
  GateConditionsChosen,
]);
export type EngagementEvent = z.infer<typeof EngagementEvent>;
