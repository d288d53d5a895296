/** Public events about engagements: phase advances, the milestones of an implementation. */
import { z } from 'zod';
import { integrationEvent } from './envelope.js';
import { PublicEngagementRole, PublicGateRule, PublicId, PublicInstant, PublicName, PublicPhase, PublicReason, PublicText } from './vocabulary.js';

export const EngagementPhaseAdvancedV1 = integrationEvent(
  {
    type: 'engagement.phase-advanced',
    schemaVersion: 1,
    subjectType: 'engagement',
    summary: 'The engagement passed a phase gate; `waived` tells whether a project manager passed it with unmet conditions.',
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
