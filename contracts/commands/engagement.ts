import { z } from 'zod';
import { EngagementRole, Id, Name, Phase, ReadinessItem, ReadinessStatus, Reason, text, UserId } from '../values.js';
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

export const EngagementCommand = z.discriminatedUnion('type', [StartEngagement, RecordReadiness, AdvancePhase, AddMember, RemoveMember]);
export type EngagementCommand = z.infer<typeof EngagementCommand>;
