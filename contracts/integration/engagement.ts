/** Public events about engagements: phase advances, the milestones of an implementation. */
import { z } from 'zod';
import { integrationEvent } from './envelope.js';
import { PublicEngagementRole, PublicGateRule, PublicName, PublicPhase, PublicReason, PublicText } from './vocabulary.js';

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
