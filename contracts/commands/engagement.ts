import { z } from 'zod';
import { EngagementRole, GATE_OPTION_NAMES, GATE_OPTIONS, Id, Instant, Name, Phase, ReadinessItem, ReadinessStatus, Reason, revisesOneOf, text, UserId } from '../values.js';
import { SetBusinessCaseData } from './business-case.js';
import { command } from './command.js';

export const Sponsor = z.strictObject({ name: Name, title: Name });

export const StartEngagementBody = z.strictObject({
  name: Name,
  client: Name,
  sponsor: Sponsor,
  goals: z.array(text(1_000)).max(100).default([]),
  successCriteria: z.array(text(1_000)).max(100).default([]),
});
export const StartEngagement = command('StartEngagement', StartEngagementBody.extend({ engagementId: Id }));

export const RecordReadinessBody = z.strictObject({
  item: ReadinessItem,
  status: ReadinessStatus,
  evidence: text(5_000).optional(),
});
export const RecordReadiness = command('RecordReadiness', RecordReadinessBody.extend({ engagementId: Id }));

export const AdvancePhaseBody = z.strictObject({
  to: Phase,
  waiverReason: Reason.optional(),
});
export const AdvancePhase = command('AdvancePhase', AdvancePhaseBody.extend({ engagementId: Id }));

/** Who a member of the team is, as commands and events state it. */
export const MemberFields = {
  userId: UserId,
  name: Name,
  role: EngagementRole,
  /** Seed 002's workgroups: business modelling, process design, IT implementation, training and promotion (free text). */
  workgroup: Name.optional(),
  department: Name.optional(),
};

/** Adds a member to the team, or changes the role, workgroup or department of one. */
export const AddMemberBody = z.strictObject({ ...MemberFields, reason: Reason.optional() });
export const AddMember = command('AddMember', AddMemberBody.extend({ engagementId: Id }));

export const RemoveMemberBody = z.strictObject({ reason: Reason });
export const RemoveMember = command('RemoveMember', RemoveMemberBody.extend({ engagementId: Id, userId: UserId }));

/** A business goal of the engagement (docs/domain.md#goals). */
export const GoalText = text(1_000);
export const AddGoalBody = z.strictObject({ text: GoalText });
export const AddGoal = command('AddGoal', AddGoalBody.extend({ engagementId: Id, goalId: Id }));

/** A measurable success target of a goal: from `baseline` towards `target` by the `horizon` date. */
export const SuccessTargetFields = {
  metric: Name,
  unit: text(50),
  baseline: z.number().finite(),
  target: z.number().finite(),
  horizon: z.iso.date(),
  owner: Name,
};
export const AddSuccessTargetBody = z.strictObject(SuccessTargetFields);
/** What a success target says: metric, unit, baseline, target value, horizon date, owner. */
export type SuccessTargetValues = z.infer<typeof AddSuccessTargetBody>;
export const AddSuccessTarget = command(
  'AddSuccessTarget',
  AddSuccessTargetBody.extend({ engagementId: Id, goalId: Id, targetId: Id }),
);

/** The fields of a target a revision may change (each optional). */
export const RevisableTargetFields = z.strictObject({
  metric: SuccessTargetFields.metric.optional(),
  unit: SuccessTargetFields.unit.optional(),
  baseline: SuccessTargetFields.baseline.optional(),
  target: SuccessTargetFields.target.optional(),
  horizon: SuccessTargetFields.horizon.optional(),
  owner: SuccessTargetFields.owner.optional(),
});
const TargetRevision = RevisableTargetFields.extend({ reason: Reason });
const TARGET_FIELDS = ['metric', 'unit', 'baseline', 'target', 'horizon', 'owner'] as const;
export const ReviseSuccessTargetBody = revisesOneOf(TargetRevision, TARGET_FIELDS);
export const ReviseSuccessTarget = command(
  'ReviseSuccessTarget',
  revisesOneOf(TargetRevision.extend({ engagementId: Id, targetId: Id }), TARGET_FIELDS),
);

export const RecordMeasurementBody = z.strictObject({
  value: z.number().finite(),
  measuredAt: Instant,
  note: Reason.optional(),
});
export const RecordMeasurement = command(
  'RecordMeasurement',
  RecordMeasurementBody.extend({ engagementId: Id, targetId: Id, measurementId: Id }),
);

/** Draws up the business case, or revises it as a whole, with the reason (docs/domain.md#business-case). */
export const SetBusinessCase = command('SetBusinessCase', SetBusinessCaseData);

export const GateOptionName = z.enum(GATE_OPTION_NAMES);
/** Each option gates the phase it belongs to; the list is the whole choice (empty: none). */
const GateConditionsFields = z.strictObject({
  phase: Phase,
  require: z.array(GateOptionName).max(GATE_OPTION_NAMES.length),
  reason: Reason,
});
const ofThePhase = (body: { phase: Phase; require: Array<keyof typeof GATE_OPTIONS> }, ctx: z.core.$RefinementCtx) => {
  if (new Set(body.require).size !== body.require.length) ctx.addIssue({ code: 'custom', path: ['require'], message: 'require must not repeat' });
  body.require.forEach((option, index) => {
    if (GATE_OPTIONS[option] !== body.phase) {
      ctx.addIssue({ code: 'custom', path: ['require', index], message: `${option} gates leaving ${GATE_OPTIONS[option]}, not ${body.phase}` });
    }
  });
};
export const ChooseGateConditionsBody = GateConditionsFields.superRefine(ofThePhase);
/** Chooses which optional conditions gate leaving a phase (docs/domain.md#departments-heard). */
export const ChooseGateConditions = command('ChooseGateConditions', GateConditionsFields.extend({ engagementId: Id }).superRefine(ofThePhase));

export const EngagementCommand = z.discriminatedUnion('type', [
  StartEngagement,
  RecordReadiness,
  AdvancePhase,
  AddMember,
  RemoveMember,
  AddGoal,
  AddSuccessTarget,
  ReviseSuccessTarget,
  RecordMeasurement,
  SetBusinessCase,
  ChooseGateConditions,
]);
export type EngagementCommand = z.infer<typeof EngagementCommand>;
