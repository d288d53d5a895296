/** Public events about engagements: phase advances, the milestones of an implementation. */
import { z } from 'zod';
import { integrationEvent } from './envelope.js';
import { PublicGateRule, PublicPhase, PublicReason } from './vocabulary.js';

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
