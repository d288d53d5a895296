import { z } from 'zod';
import { Id, Name, Phase, ReadinessItem, ReadinessStatus, Reason, text } from '../values.js';
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

export const EngagementCommand = z.discriminatedUnion('type', [StartEngagement, RecordReadiness, AdvancePhase]);
export type EngagementCommand = z.infer<typeof EngagementCommand>;
