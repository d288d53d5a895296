/**
 * From internal domain events to public integration events: one explicit decision per internal
 * event type. The table is typed over every `DomainEventType`, so a new internal event does not
 * compile until someone maps it or declares it internal-only, with the reason.
 */
import type { GateCondition } from '../events/engagement.js';
import type { DomainEventType, EventOfType, RecordedEvent } from '../events/envelope.js';
import type { RequirementStatus } from '../events/requirement.js';
import type { EngagementRole, Phase, RequirementCategory } from '../values.js';
import { SPEC_VERSION } from './envelope.js';
import { integrationEventSchema, type IntegrationEvent, type IntegrationEventOfType, type IntegrationEventType } from './events.js';
import type { PublicEngagementRole, PublicGateRule, PublicPhase, PublicRequirementCategory, PublicRequirementStatus } from './vocabulary.js';

type Mapper<T extends DomainEventType> = (event: RecordedEvent<EventOfType<T>>) => IntegrationEvent;
type Decision<T extends DomainEventType> = { publish: Mapper<T> } | { internalOnly: string };

// Vocabularies map value by value: identical today, and the place to absorb an internal rename.
const PHASE: Record<Phase, PublicPhase> = {
  'concept-introduction': 'concept-introduction',
  'business-survey': 'business-survey',
  'process-solidification': 'process-solidification',
  'system-deployment': 'system-deployment',
  'application-training': 'application-training',
  'go-live': 'go-live',
};
const CATEGORY: Record<RequirementCategory, PublicRequirementCategory> = {
  'customer-data': 'customer-data',
  sales: 'sales',
  marketing: 'marketing',
  service: 'service',
  reporting: 'reporting',
  integration: 'integration',
  other: 'other',
};
const STATUS: Record<RequirementStatus, PublicRequirementStatus> = {
  captured: 'captured',
  prioritized: 'prioritized',
  accepted: 'accepted',
  deferred: 'deferred',
  rejected: 'rejected',
};
/**
 * The rules of `waiver.unmetConditions` in engagement.phase-advanced v1. A new value there would be
 * an incompatible change, so departments not heard are published in a field of their own.
 */
const GATE_RULE: Record<Exclude<GateCondition['rule'], 'department-not-heard'>, PublicGateRule> = {
  'interview-not-confirmed': 'interview-not-confirmed',
  'requirement-not-prioritized': 'requirement-not-prioritized',
  'readiness-item-not-met': 'readiness-item-not-met',
};

const publicWaiver = (waiver: { reason: string; unmetConditions: GateCondition[] } | undefined) => {
  const conditions = waiver?.unmetConditions ?? [];
  const ruled = conditions.flatMap((c) => (c.rule === 'department-not-heard' ? [] : [{ rule: GATE_RULE[c.rule], subjectId: c.subjectId }]));
  const unheardDepartments = conditions.filter((c) => c.rule === 'department-not-heard').map((c) => c.subjectId);
  return {
    waived: ruled.length > 0,
    ...(waiver && ruled.length > 0 && { waiver: { reason: waiver.reason, unmetConditions: ruled } }),
    ...(waiver && unheardDepartments.length > 0 && { departmentsWaiver: { reason: waiver.reason, unheardDepartments } }),
  };
};

const ENGAGEMENT_ROLE: Record<EngagementRole, PublicEngagementRole> = {
  pm: 'pm',
  consultant: 'consultant',
  stakeholder: 'stakeholder',
  observer: 'observer',
};

type TeamMember = { userId: string; name: string; role: EngagementRole; workgroup?: string | undefined; department?: string | undefined };
const publicMember = (m: TeamMember) => ({
  userId: m.userId,
  name: m.name,
  role: ENGAGEMENT_ROLE[m.role],
  ...(m.workgroup !== undefined && { workgroup: m.workgroup }),
  ...(m.department !== undefined && { department: m.department }),
});

/** The envelope of `type` around `data`, taken field by field from the recorded event. */
const publicEvent = <T extends IntegrationEventType>(
  type: T,
  event: RecordedEvent,
  subjectId: string,
  data: IntegrationEventOfType<T>['data'],
): IntegrationEventOfType<T> => {
  const shape = integrationEventSchema(type).shape;
  return {
    specVersion: SPEC_VERSION,
    id: event.eventId,
    type,
    schemaVersion: shape.schemaVersion.value,
    occurredAt: event.occurredAt,
    engagementId: event.engagementId,
    subject: { type: shape.subject.shape.type.value, id: subjectId },
    actor: { id: event.actor.id, name: event.actor.name },
    correlationId: event.correlationId,
    causationId: event.causationId,
    data,
  } as IntegrationEventOfType<T>;
};

type Revisable = { title?: string; description?: string; category?: RequirementCategory; departments?: string[]; goalIds?: string[] };
const revisable = (fields: Revisable) => ({
  ...(fields.title !== undefined && { title: fields.title }),
  ...(fields.description !== undefined && { description: fields.description }),
  ...(fields.category !== undefined && { category: CATEGORY[fields.category] }),
  ...(fields.departments !== undefined && { departments: [...fields.departments] }),
  ...(fields.goalIds !== undefined && { goalIds: [...fields.goalIds] }),
});

const priorityInputs = (p: { frequency: number; lossIfMismanaged: number; urgency: number; fundSafety: boolean; stakeholderConcern: boolean }) => ({
  frequency: p.frequency,
  lossIfMismanaged: p.lossIfMismanaged,
  urgency: p.urgency,
  fundSafety: p.fundSafety,
  stakeholderConcern: p.stakeholderConcern,
});

export const INTEGRATION_MAPPING: { [T in DomainEventType]: Decision<T> } = {
  EngagementStarted: {
    internalOnly:
      'carries sponsor names, goals and success criteria meant for the project team; downstream systems key on the engagement id. To be published when a consumer needs it (additive).',
  },
  ReadinessRecorded: { internalOnly: 'a self-assessment that feeds the phase gate; the gate outcome is published as engagement.phase-advanced.' },
  PhaseAdvanced: {
    publish: (e) =>
      publicEvent('engagement.phase-advanced', e, e.data.engagementId, {
        from: PHASE[e.data.from],
        to: PHASE[e.data.to],
        ...publicWaiver(e.data.waiver),
      }),
  },
  MemberAdded: {
    publish: (e) =>
      publicEvent('engagement.team-changed', e, e.data.engagementId, {
        change: 'added',
        member: publicMember(e.data),
        ...(e.data.reason !== undefined && { reason: e.data.reason }),
      }),
  },
  MemberRoleChanged: {
    publish: (e) =>
      publicEvent('engagement.team-changed', e, e.data.engagementId, {
        change: 'changed',
        member: publicMember(e.data),
        previousRole: ENGAGEMENT_ROLE[e.data.previous.role],
        ...(e.data.reason !== undefined && { reason: e.data.reason }),
      }),
  },
  MemberRemoved: {
    publish: (e) =>
      publicEvent('engagement.team-changed', e, e.data.engagementId, {
        change: 'removed',
        member: { userId: e.data.userId, name: e.data.name, role: ENGAGEMENT_ROLE[e.data.role] },
        reason: e.data.reason,
      }),
  },
  GoalAdded: {
    internalOnly:
      'a goal in the words of the project team, like the goals of EngagementStarted; the public scorecard names goals by id.',
  },
  SuccessTargetAdded: {
    publish: (e) => {
      const { goalId, targetId, direction, metric, unit, baseline, target, horizon, owner } = e.data;
      return publicEvent('engagement.success-scorecard-changed', e, e.data.engagementId, {
        change: 'target-added',
        goalId,
        targetId,
        direction,
        // A new target has no measurement yet (docs/domain.md#goals).
        status: 'pending',
        target: { metric, unit, baseline, target, horizon, owner },
      });
    },
  },
  SuccessTargetRevised: {
    publish: (e) =>
      publicEvent('engagement.success-scorecard-changed', e, e.data.engagementId, {
        change: 'target-revised',
        goalId: e.data.goalId,
        targetId: e.data.targetId,
        direction: e.data.direction,
        status: e.data.status,
        changes: { ...e.data.changes },
        previous: { ...e.data.previous },
        reason: e.data.reason,
      }),
  },
  MeasurementRecorded: {
    publish: (e) =>
      publicEvent('engagement.success-scorecard-changed', e, e.data.engagementId, {
        change: 'measured',
        goalId: e.data.goalId,
        targetId: e.data.targetId,
        direction: e.data.direction,
        status: e.data.status,
        measurement: {
          measurementId: e.data.measurementId,
          value: e.data.value,
          measuredAt: e.data.measuredAt,
          ...(e.data.note !== undefined && { note: e.data.note }),
        },
      }),
  },
  BusinessCaseSet: {
    publish: (e) => {
      const { revision, currency, periodLength, discountRate, groups, lines, figures, previous, reason } = e.data;
      return publicEvent('engagement.business-case-revised', e, e.data.engagementId, {
        revision,
        currency,
        periodLength,
        discountRate,
        groups: groups.map((g) => ({ ...g, ...(g.category === undefined ? {} : { category: CATEGORY[g.category] }) })),
        lines: lines.map((l) => ({ ...l })),
        figures,
        changedInputs: (['currency', 'periodLength', 'discountRate', 'groups', 'lines'] as const).filter((field) => field in previous),
        reason,
      });
    },
  },
  GateConditionsChosen: {
    internalOnly: 'how the team set up its own gate; what the gate let pass is published as engagement.phase-advanced.',
  },
  InterviewScheduled: { internalOnly: 'scheduling of discovery work, with interviewee contact details.' },
  InterviewRescheduled: { internalOnly: 'scheduling of discovery work.' },
  InterviewCancelled: { internalOnly: 'scheduling of discovery work.' },
  InterviewConducted: { internalOnly: 'attendance and raw notes of an interview.' },
  FindingRecorded: { internalOnly: 'raw, unconfirmed interview notes; public requirements cite findings by id.' },
  SummaryDrafted: { internalOnly: 'a draft the interviewee has not confirmed yet.' },
  SummarySentForConfirmation: { internalOnly: 'a step of the confirmation workflow.' },
  SummaryRevisionRequested: { internalOnly: 'a step of the confirmation workflow; only the confirmed outcome is published.' },
  SummaryConfirmed: {
    publish: (e) =>
      publicEvent('interview.summary-confirmed', e, e.data.interviewId, {
        interviewId: e.data.interviewId,
        summaryVersion: e.data.summaryVersion,
        summaryHash: e.data.summaryHash,
        confirmedBy: e.data.confirmedBy,
        ...(e.data.via === undefined ? {} : { confirmedVia: e.data.via.method }),
      }),
  },
  ConfirmationLinkIssued: {
    internalOnly: 'a step of the confirmation workflow, carrying the hash of a credential and maybe an email address.',
  },
  ConfirmationLinkRevoked: { internalOnly: 'a step of the confirmation workflow.' },
  RequirementCaptured: {
    publish: (e) =>
      publicEvent('requirement.captured', e, e.data.requirementId, {
        requirementId: e.data.requirementId,
        title: e.data.title,
        description: e.data.description,
        category: CATEGORY[e.data.category],
        departments: [...e.data.departments],
        sources: e.data.sources.map((s) => ({ interviewId: s.interviewId, findingId: s.findingId })),
        ...(e.data.goalIds !== undefined && { goalIds: [...e.data.goalIds] }),
      }),
  },
  RequirementRevised: {
    publish: (e) =>
      publicEvent('requirement.revised', e, e.data.requirementId, {
        requirementId: e.data.requirementId,
        changes: revisable(e.data.changes),
        previous: revisable(e.data.previous),
        reason: e.data.reason,
      }),
  },
  RequirementPrioritized: {
    publish: (e) =>
      publicEvent('requirement.prioritized', e, e.data.requirementId, {
        requirementId: e.data.requirementId,
        score: e.data.score,
        formulaVersion: e.data.formulaVersion,
        inputs: priorityInputs(e.data),
        rationale: e.data.rationale,
        ...(e.data.previous && { previous: { score: e.data.previous.score, inputs: priorityInputs(e.data.previous) } }),
      }),
  },
  RequirementAccepted: {
    publish: (e) =>
      publicEvent('requirement.accepted', e, e.data.requirementId, {
        requirementId: e.data.requirementId,
        status: 'accepted',
        previousStatus: STATUS[e.data.previousStatus],
        targetPhase: PHASE[e.data.targetPhase],
        ...(e.data.reason !== undefined && { reason: e.data.reason }),
      }),
  },
  RequirementDeferred: {
    publish: (e) =>
      publicEvent('requirement.deferred', e, e.data.requirementId, {
        requirementId: e.data.requirementId,
        status: 'deferred',
        previousStatus: STATUS[e.data.previousStatus],
        reason: e.data.reason,
      }),
  },
  RequirementRejected: {
    publish: (e) =>
      publicEvent('requirement.rejected', e, e.data.requirementId, {
        requirementId: e.data.requirementId,
        status: 'rejected',
        previousStatus: STATUS[e.data.previousStatus],
        reason: e.data.reason,
      }),
  },
  ChangeRequestRaised: { internalOnly: 'a proposal under discussion; only an approved change is published (requirement.change-approved).' },
  ChangeRequestApproved: {
    publish: (e) =>
      publicEvent('requirement.change-approved', e, e.data.requirementId, {
        requirementId: e.data.requirementId,
        changeRequestId: e.data.changeRequestId,
        ...(e.data.reason !== undefined && { reason: e.data.reason }),
        suspectBaselineIds: [...e.data.suspectBaselineIds],
      }),
  },
  ChangeRequestRejected: { internalOnly: 'a proposal turned down changes nothing downstream.' },
  BaselineCreated: { internalOnly: 'a draft specification awaiting signatures; downstream systems act on the signed one (baseline.signed).' },
  BaselineSignedOff: { internalOnly: 'one signature of several; the outcome is published as baseline.signed.' },
  BaselineSigned: {
    publish: (e) =>
      publicEvent('baseline.signed', e, e.data.baselineId, {
        baselineId: e.data.baselineId,
        name: e.data.name,
        baselineHash: e.data.baselineHash,
        requirements: e.data.requirements.map((r) => ({ requirementId: r.requirementId, version: r.version })),
        supersedes: [...e.data.supersedes],
      }),
  },
  BaselineRejected: { internalOnly: 'a specification that never came into force; the team follows it with a new baseline.' },
};

const decisions = Object.entries(INTEGRATION_MAPPING) as [DomainEventType, Decision<DomainEventType>][];

/** The internal event types that become integration events: the publisher's subscription filter. */
export const PUBLISHED_DOMAIN_EVENT_TYPES: readonly DomainEventType[] = decisions.filter(([, d]) => 'publish' in d).map(([type]) => type);
export const INTERNAL_ONLY_DOMAIN_EVENT_TYPES: readonly DomainEventType[] = decisions
  .filter(([, d]) => 'internalOnly' in d)
  .map(([type]) => type);

/** The public event for a recorded internal event, or undefined when the type is internal-only (or unknown). */
export const toIntegrationEvent = (event: RecordedEvent): IntegrationEvent | undefined => {
  const decision = INTEGRATION_MAPPING[event.type] as Decision<DomainEventType> | undefined;
  return decision && 'publish' in decision ? (decision.publish as Mapper<DomainEventType>)(event) : undefined;
};
