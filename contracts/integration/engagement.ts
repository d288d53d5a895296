/** Public events about engagements: phase advances, the milestones of an implementation. */
import { z } from 'zod';
import { integrationEvent } from './envelope.js';
import {
  PublicEngagementRole,
  PublicGateRule,
  PublicId,
  PublicInstant,
  PublicName,
  PublicPhase,
  PublicReason,
  PublicRequirementCategory,
  PublicText,
} from './vocabulary.js';

export const EngagementPhaseAdvancedV1 = integrationEvent(
  {
    type: 'engagement.phase-advanced',
    schemaVersion: 1,
    subjectType: 'engagement',
    summary:
      'The engagement passed a phase gate; `waived` tells whether a project manager passed it with unmet conditions of the rules ' +
      'listed in `waiver.unmetConditions`. Departments not heard that a waiver passed (a condition a team may choose for leaving ' +
      'the business survey) are in `departmentsWaiver`.',
  },
  z.strictObject({
    from: PublicPhase,
    to: PublicPhase,
    waived: z.boolean(),
    waiver: z
      .strictObject({
        reason: PublicReason,
        unmetConditions: z.array(z.strictObject({ rule: PublicGateRule, subjectId: z.string() })).min(1),
      })
      .optional()
      .meta({ description: 'Present exactly when `waived` is true.' }),
    departmentsWaiver: z
      .strictObject({
        reason: PublicReason,
        unheardDepartments: z.array(PublicName).min(1),
      })
      .optional()
      .meta({
        description:
          'Present when the project manager passed the gate although departments named by the team, the interviews or the ' +
          'requirements had not been heard (a condition the team chose for its gate). Independent of `waived`, which speaks of ' +
          'the conditions listed in `waiver.unmetConditions` only.',
      }),
  }),
);

const PublicMember = z.strictObject({
  userId: PublicText(200).meta({ description: 'The user id (`sub`) the member signs in with.' }),
  name: PublicName,
  role: PublicEngagementRole,
  workgroup: PublicName.optional(),
  department: PublicName.optional(),
});

export const EngagementTeamChangedV1 = integrationEvent(
  {
    type: 'engagement.team-changed',
    schemaVersion: 1,
    subjectType: 'engagement',
    summary:
      "The engagement's team changed: a member was added, their role, workgroup or department changed, or they were removed. " +
      '`member` is the member as they are now (as they were, for `removed`); apply the events in order to mirror the team.',
  },
  z.strictObject({
    change: z.enum(['added', 'changed', 'removed']),
    member: PublicMember,
    previousRole: PublicEngagementRole.optional().meta({ description: 'Present for `changed`: the role before the change.' }),
    reason: PublicReason.optional(),
  }),
);

const PublicTargetFields = {
  metric: PublicName,
  unit: PublicText(50),
  baseline: z.number(),
  target: z.number(),
  horizon: z.iso.date().meta({ description: 'The date (YYYY-MM-DD) by which the target is to be reached.' }),
  owner: PublicName,
};
const PublicTargetRevision = z.strictObject({
  metric: PublicTargetFields.metric.optional(),
  unit: PublicTargetFields.unit.optional(),
  baseline: PublicTargetFields.baseline.optional(),
  target: PublicTargetFields.target.optional(),
  horizon: PublicTargetFields.horizon.optional(),
  owner: PublicTargetFields.owner.optional(),
});

export const EngagementSuccessScorecardChangedV1 = integrationEvent(
  {
    type: 'engagement.success-scorecard-changed',
    schemaVersion: 1,
    subjectType: 'engagement',
    summary:
      "A line of the engagement's success scorecard changed: a goal got a measurable target, a target was revised (with the " +
      'values it replaced and why), or an actual value was measured after go-live. `status` is the target’s verdict after the change: ' +
      '`met` when the latest measurement reaches the target value in its `direction`, `not-met` when it does not and was taken on or ' +
      'after the horizon, `pending` otherwise.',
  },
  z.strictObject({
    change: z.enum(['target-added', 'target-revised', 'measured']),
    goalId: PublicId,
    targetId: PublicId,
    direction: z.enum(['increase', 'decrease']).meta({ description: 'From the baseline towards the target value.' }),
    status: z.enum(['met', 'not-met', 'pending']),
    target: z.strictObject(PublicTargetFields).optional().meta({ description: 'Present for `target-added`: the target as set.' }),
    changes: PublicTargetRevision.optional().meta({ description: 'Present for `target-revised`: the fields that changed, new values.' }),
    previous: PublicTargetRevision.optional().meta({ description: 'Present for `target-revised`: the values they replaced.' }),
    reason: PublicReason.optional().meta({ description: 'Present for `target-revised`.' }),
    measurement: z
      .strictObject({ measurementId: PublicId, value: z.number(), measuredAt: PublicInstant, note: PublicReason.optional() })
      .optional()
      .meta({ description: 'Present for `measured`.' }),
  }),
);

const PublicIrr = z
  .discriminatedUnion('status', [
    z.strictObject({ status: z.literal('unique'), rate: z.number().meta({ description: 'Per period, as a fraction (0.12 is 12 %).' }) }),
    z.strictObject({ status: z.literal('none') }),
    z.strictObject({ status: z.literal('not-determined') }),
  ])
  .meta({
    description:
      'The internal rate of return: `unique` when the net cash flows change sign once; `none` when they never do (no rate makes ' +
      'them worth zero); `not-determined` when they change sign more than once (there may be none or several rates).',
  });

const PublicCashFlowFigures = z.strictObject({
  netCashFlows: z.array(z.number()).meta({ description: 'Gains less costs per period; index 0 is the start.' }),
  presentValueOfGains: z.number(),
  presentValueOfCosts: z.number(),
  npv: z.number().meta({ description: 'Net present value at the discount rate, in the currency.' }),
  roi: z.number().nullable().meta({ description: 'npv ÷ present value of the costs; null without costs.' }),
  irr: PublicIrr,
  paybackPeriods: z.number().nullable().meta({ description: 'Periods until the cumulative net cash flow stays non-negative; null if it never does.' }),
  discountedPaybackPeriods: z.number().nullable(),
});

export const EngagementBusinessCaseRevisedV1 = integrationEvent(
  {
    type: 'engagement.business-case-revised',
    schemaVersion: 1,
    subjectType: 'engagement',
    summary:
      "The engagement's business case was drawn up (`revision` 1) or revised, with the reason: the expected gains and costs per " +
      'period, per group of requirements where the team split them, the discount rate, and the figures computed from them – NPV, ' +
      'ROI, IRR and payback for the whole case, for each group (its contribution) and for the lines shared by all. Each event ' +
      'carries the whole case; `changedInputs` names what this revision changed.',
  },
  z.strictObject({
    revision: z.number().int().min(1),
    currency: z.string().regex(/^[A-Z]{3}$/).meta({ description: 'ISO 4217 code of every amount.' }),
    periodLength: z.enum(['year', 'quarter', 'month']),
    discountRate: z.number().meta({ description: 'Per period, as a fraction.' }),
    groups: z.array(
      z.strictObject({
        groupId: PublicId,
        name: PublicName,
        category: PublicRequirementCategory.optional(),
        requirementIds: z.array(PublicId).optional(),
      }),
    ),
    lines: z.array(
      z.strictObject({
        kind: z.enum(['gain', 'cost']),
        label: PublicName,
        groupId: PublicId.optional(),
        amounts: z.array(z.number()).meta({ description: 'Per period from the start (index 0, not discounted).' }),
      }),
    ),
    figures: z.strictObject({
      total: PublicCashFlowFigures,
      groups: z.array(PublicCashFlowFigures.extend({ groupId: PublicId })),
      shared: PublicCashFlowFigures.nullable().meta({ description: 'The lines of no group; null if there are none.' }),
    }),
    changedInputs: z
      .array(z.enum(['currency', 'periodLength', 'discountRate', 'groups', 'lines']))
      .meta({ description: 'The inputs this revision changed; empty for the first revision.' }),
    reason: PublicReason,
  }),
);

const Digest = z.string().regex(/^[0-9a-f]{64}$/).meta({ description: 'A SHA-256 digest, hex.' });

export const EngagementHistoryAnchoredV1 = integrationEvent(
  {
    type: 'engagement.history-anchored',
    schemaVersion: 1,
    subjectType: 'engagement',
    summary:
      "A signed anchor of the engagement's chained history: its head, the head of each of its streams and the log position they were read at. " +
      'Keep the latest per engagement: a later verification of the history that no longer reaches this anchor shows that the log was rolled back ' +
      'or cut. `anchor.signature` is a JWS (EdDSA) with a detached payload over the RFC 8785 canonical JSON of `anchor` without `signature`; ' +
      "the public keys are at the service's /.well-known/jwks.json.",
  },
  z.strictObject({
    anchor: z.strictObject({
      anchorVersion: z.literal(1),
      kind: z.literal('engagement-history-anchor'),
      engagementId: PublicId,
      head: Digest.meta({ description: 'The engagement head: SHA-256 over its stream heads.' }),
      events: z.number().int().min(0).meta({ description: 'Events of the engagement the anchor covers.' }),
      streams: z
        .array(z.tuple([PublicText(300), z.number().int().min(0), Digest]))
        .meta({ description: '`[streamId, revision, digest]` of each stream of the engagement, sorted by stream.' }),
      position: z.string().regex(/^\d+$/).meta({ description: 'The log position up to which the history was read.' }),
      anchoredAt: PublicInstant,
      signature: PublicText(2000).meta({ description: 'JWS with detached payload: header..signature.' }),
    }),
  }),
);

/** Public types published by the anchoring (a witness of the log), not mapped from a domain event. */
export const WITNESS_EVENT_TYPES = ['engagement.history-anchored'] as const;
