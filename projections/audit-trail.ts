/**
 * The audit trail (DOMAIN.md, "What the history must answer"): one entry per event, of every
 * type (id = eventId) – audit data is never skipped. An entry is a function of its event alone,
 * so applying an event again yields the same entry.
 *
 * - `action`: the event type in kebab-case (`SummaryConfirmed` → `summary-confirmed`), one rule
 *   for all types; `AUDIT_ACTIONS` lists them for the `action` filter.
 * - `subject`: the engagement, member, goal, success target, business case (named by its
 *   engagement's id), interview, finding (for
 *   `finding-recorded`) or requirement acted on. `relatedIds` adds the ids the event ties it to – the interview of a finding, the findings a
 *   summary cites, the interviews and findings a requirement was captured from – for "everything
 *   that touched X".
 * - `reason`: the person's justification where the event has one: `reason`, the waiver's reason,
 *   the priority `rationale`, the revision request's `comments`, the readiness `evidence`.
 * - `changes`: `{ field: { from, to } }`. `from` is what the event says was there before
 *   (`previousStatus`, `previous`, `previousScheduledAt`, the phase left) or what the lifecycle
 *   fixes (only a scheduled interview is conducted or cancelled; only a sent summary is confirmed);
 *   `null` means nothing was there. An event that creates something lists its initial values from
 *   `null`. A readiness assessment is keyed by its item: `{ 'funding-secured': { from, to } }`.
 *   Re-prioritizing and rescheduling list only the values that differ. A field whose earlier value
 *   neither the event nor the lifecycle tells is left out rather than guessed.
 * - `summaryVersion` / `summaryHash` on every summary event: which version, with which content
 *   hash, was drafted, sent, confirmed or sent back. `waiver` on a phase advance that passed its gate
 *   anyway: the reason and the unmet conditions it waived. `via` on a confirmation or revision
 *   request: signed in, or through which confirmation link and who issued it. Issued and revoked
 *   links are entries about their interview (the link id among the related ids; never the secret).
 * - Change requests are their own subject, related to their requirement; an approval also lists the
 *   baselines it made suspect. Baseline events carry `baselineHash`: what was frozen, signed or
 *   rejected; a sign-off records its meaning and when the signer had signed in.
 */
import {
  EVENT_TYPES,
  type Actor,
  type AnswerVia,
  type DomainEvent,
  type DomainEventType,
  type GateCondition,
  type RecordedEvent,
} from '../contracts/index.js';
import { actorOf, defineProjection, type Update, type Updates } from './define.js';
import type { ReadDocument } from './projection.js';

export const actionOf = (type: DomainEventType): string => type.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
export const AUDIT_ACTIONS: readonly string[] = EVENT_TYPES.map(actionOf);

export const SUBJECT_TYPES = ['engagement', 'member', 'goal', 'success-target', 'business-case', 'interview', 'finding', 'requirement', 'change-request', 'baseline'] as const;
export type SubjectType = (typeof SUBJECT_TYPES)[number];

export type Change = {
  /** The value before, or null when nothing was there: any JSON value, since every changed field has a type of its own. */
  from: unknown;
  /** The value after, or null when it was removed: any JSON value, like `from`. */
  to: unknown;
};

export type AuditEntry = ReadDocument & {
  eventId: string;
  eventType: DomainEventType;
  action: string;
  at: string;
  actor: Actor;
  subject: { type: SubjectType; id: string };
  relatedIds: string[];
  reason: string | null;
  /** The changed fields by their names, which depend on the action (a readiness assessment is keyed by its item). */
  changes: { [field: string]: Change };
  summaryVersion?: number;
  summaryHash?: string;
  /** The hash of the frozen content a baseline event concerns: what was created, signed or rejected. */
  baselineHash?: string;
  /** How an answer to a summary was given: signed in, or through which confirmation link issued by whom. */
  via?: AnswerVia;
  waiver?: { reason: string; unmetConditions: GateCondition[] };
  correlationId: string;
  causationId: string;
};

/** What the entry says about its event beyond the envelope. */
type Account = Pick<AuditEntry, 'subject' | 'reason' | 'changes'> &
  Partial<Pick<AuditEntry, 'summaryVersion' | 'summaryHash' | 'baselineHash' | 'waiver' | 'via'>> & { related?: readonly string[] };

const copy = <T>(value: T): T => (typeof value === 'object' && value !== null ? structuredClone(value) : value);

const change = (from: unknown, to: unknown): Change => ({ from: copy(from ?? null), to: copy(to ?? null) });

/** Initial values of something new, each from `null`; values the event leaves out are not listed. */
const created = (fields: Record<string, unknown>): Record<string, Change> =>
  Object.fromEntries(Object.entries(fields).filter(([, to]) => to !== undefined).map(([field, to]) => [field, change(null, to)]));

/** The pairs whose value differs. */
const differing = (pairs: Record<string, [from: unknown, to: unknown]>): Record<string, Change> =>
  Object.fromEntries(
    Object.entries(pairs)
      .filter(([, [from, to]]) => JSON.stringify(from ?? null) !== JSON.stringify(to ?? null))
      .map(([field, [from, to]]) => [field, change(from, to)]),
  );

const viaOf = (via: AnswerVia | undefined): { via?: AnswerVia } => (via === undefined ? {} : { via: copy(via) });

const instant = (value: string): number => Date.parse(value);

export const accountOf = (event: DomainEvent): Account => {
  switch (event.type) {
    case 'EngagementStarted': {
      const { engagementId, name, client, sponsor, goals, successCriteria } = event.data;
      return {
        subject: { type: 'engagement', id: engagementId },
        reason: null,
        changes: created({ name, client, sponsor, goals, successCriteria, phase: 'concept-introduction' }),
      };
    }
    case 'ReadinessRecorded': {
      const { engagementId, item, status, evidence, previousStatus } = event.data;
      return {
        subject: { type: 'engagement', id: engagementId },
        reason: evidence ?? null,
        changes: { [item]: change(previousStatus, status) },
      };
    }
    case 'PhaseAdvanced': {
      const { engagementId, from, to, waiver } = event.data;
      return {
        subject: { type: 'engagement', id: engagementId },
        reason: waiver?.reason ?? null,
        changes: { phase: change(from, to) },
        ...(waiver === undefined ? {} : { waiver: copy(waiver) }),
      };
    }
    case 'MemberAdded': {
      const { engagementId, userId, name, role, workgroup, department, reason } = event.data;
      return {
        subject: { type: 'member', id: userId },
        reason: reason ?? null,
        changes: created({ name, role, workgroup, department }),
        related: [engagementId],
      };
    }
    case 'MemberRoleChanged': {
      const { engagementId, userId, name, role, workgroup, department, previous, reason } = event.data;
      return {
        subject: { type: 'member', id: userId },
        reason: reason ?? null,
        changes: differing({
          name: [previous.name, name],
          role: [previous.role, role],
          workgroup: [previous.workgroup, workgroup],
          department: [previous.department, department],
        }),
        related: [engagementId],
      };
    }
    case 'MemberRemoved': {
      const { engagementId, userId, role, reason } = event.data;
      return { subject: { type: 'member', id: userId }, reason, changes: { role: change(role, null) }, related: [engagementId] };
    }
    case 'GoalAdded': {
      const { engagementId, goalId, text } = event.data;
      return { subject: { type: 'goal', id: goalId }, reason: null, changes: created({ text }), related: [engagementId] };
    }
    case 'SuccessTargetAdded': {
      const { engagementId, goalId, targetId, metric, unit, baseline, target, horizon, owner } = event.data;
      return {
        subject: { type: 'success-target', id: targetId },
        reason: null,
        changes: created({ metric, unit, baseline, target, horizon, owner }),
        related: [engagementId, goalId],
      };
    }
    case 'SuccessTargetRevised': {
      const { engagementId, goalId, targetId, changes, previous, reason } = event.data;
      return {
        subject: { type: 'success-target', id: targetId },
        reason,
        changes: Object.fromEntries(
          Object.entries(changes).map(([field, to]) => [field, change(previous[field as keyof typeof previous], to)]),
        ),
        related: [engagementId, goalId],
      };
    }
    case 'MeasurementRecorded': {
      const { engagementId, goalId, targetId, measurementId, value, measuredAt, note } = event.data;
      return {
        subject: { type: 'success-target', id: targetId },
        // The note says what was measured and how: the closest this event has to a justification.
        reason: note ?? null,
        changes: created({ value, measuredAt }),
        related: [engagementId, goalId, measurementId],
      };
    }
    case 'BusinessCaseSet': {
      const { engagementId, currency, periodLength, discountRate, groups, lines, figures, previous, previousTotal, reason } = event.data;
      const inputs = { currency, periodLength, discountRate, groups, lines };
      const { npv, irr, paybackPeriods } = figures.total;
      return {
        subject: { type: 'business-case', id: engagementId },
        reason,
        changes:
          previousTotal === undefined
            ? created({ ...inputs, npv, irr, paybackPeriods })
            : {
                ...Object.fromEntries(Object.entries(previous).map(([field, from]) => [field, change(from, inputs[field as keyof typeof inputs])])),
                ...differing({ npv: [previousTotal.npv, npv], irr: [previousTotal.irr, irr], paybackPeriods: [previousTotal.paybackPeriods, paybackPeriods] }),
              },
        related: [engagementId, ...groups.flatMap((g) => g.requirementIds ?? [])],
      };
    }
    case 'GateConditionsChosen': {
      const { engagementId, phase, require, previous, reason } = event.data;
      return { subject: { type: 'engagement', id: engagementId }, reason, changes: { [`gate:${phase}`]: change(previous, require) } };
    }
    case 'InterviewScheduled': {
      const { interviewId, engagementId: _, ...fields } = event.data;
      return {
        subject: { type: 'interview', id: interviewId },
        reason: null,
        changes: created({ status: 'scheduled', ...fields }),
      };
    }
    case 'InterviewRescheduled': {
      const { interviewId, scheduledAt, location, previousScheduledAt, previousLocation, reason } = event.data;
      const moved = instant(scheduledAt) !== instant(previousScheduledAt);
      return {
        subject: { type: 'interview', id: interviewId },
        reason,
        changes: {
          ...(moved ? { scheduledAt: change(previousScheduledAt, scheduledAt) } : {}),
          ...differing({ location: [previousLocation, location] }),
        },
      };
    }
    case 'InterviewCancelled':
      return {
        subject: { type: 'interview', id: event.data.interviewId },
        reason: event.data.reason,
        changes: { status: change('scheduled', 'cancelled') },
      };
    case 'InterviewConducted': {
      const { interviewId, conductedAt, attendees, notes } = event.data;
      return {
        subject: { type: 'interview', id: interviewId },
        reason: null,
        changes: { status: change('scheduled', 'conducted'), ...created({ conductedAt, attendees, notes }) },
      };
    }
    case 'FindingRecorded': {
      const { interviewId, findingId, section, text, pain, frequency } = event.data;
      return {
        subject: { type: 'finding', id: findingId },
        related: [interviewId],
        reason: null,
        changes: created({ section, text, pain, frequency }),
      };
    }
    case 'SummaryDrafted': {
      const { interviewId, summaryVersion, summaryHash, findingIds } = event.data;
      return {
        subject: { type: 'interview', id: interviewId },
        related: findingIds,
        reason: null,
        // Versions are consecutive: a draft's predecessor is the version before it.
        changes: { summaryVersion: change(summaryVersion > 1 ? summaryVersion - 1 : null, summaryVersion) },
        summaryVersion,
        summaryHash,
      };
    }
    case 'SummarySentForConfirmation': {
      const { interviewId, summaryVersion, summaryHash } = event.data;
      return {
        subject: { type: 'interview', id: interviewId },
        reason: null,
        changes: { status: change('summary-drafted', 'summary-sent') },
        summaryVersion,
        summaryHash,
      };
    }
    case 'SummaryConfirmed': {
      const { interviewId, summaryVersion, summaryHash, via } = event.data;
      return {
        subject: { type: 'interview', id: interviewId },
        reason: null,
        changes: { status: change('summary-sent', 'confirmed') },
        summaryVersion,
        summaryHash,
        ...viaOf(via),
      };
    }
    case 'SummaryRevisionRequested': {
      const { interviewId, summaryVersion, summaryHash, comments, via } = event.data;
      return {
        subject: { type: 'interview', id: interviewId },
        reason: comments,
        changes: { status: change('summary-sent', 'revision-requested') },
        summaryVersion,
        summaryHash,
        ...viaOf(via),
      };
    }
    case 'ConfirmationLinkIssued': {
      const { interviewId, summaryVersion, summaryHash, linkId, expiresAt, email, language } = event.data;
      return {
        subject: { type: 'interview', id: interviewId },
        related: [linkId],
        reason: null,
        changes: created({ linkId, expiresAt, email, language }),
        summaryVersion,
        summaryHash,
      };
    }
    case 'ConfirmationLinkRevoked': {
      const { interviewId, linkId, reason } = event.data;
      return {
        subject: { type: 'interview', id: interviewId },
        related: [linkId],
        reason,
        changes: { [`link ${linkId}`]: change('issued', 'revoked') },
      };
    }
    case 'RequirementCaptured': {
      const { requirementId, engagementId: _, ...fields } = event.data;
      return {
        subject: { type: 'requirement', id: requirementId },
        related: fields.sources.flatMap(({ interviewId, findingId }) => [interviewId, findingId]),
        reason: null,
        changes: created({ status: 'captured', ...fields }),
      };
    }
    case 'RequirementRevised': {
      const { requirementId, changes, previous, reason } = event.data;
      return {
        subject: { type: 'requirement', id: requirementId },
        reason,
        changes: Object.fromEntries(
          Object.entries(changes).map(([field, to]) => [field, change(previous[field as keyof typeof previous], to)]),
        ),
      };
    }
    case 'RequirementPrioritized': {
      const { requirementId, rationale, previous, frequency, lossIfMismanaged, urgency, fundSafety, stakeholderConcern, score } =
        event.data;
      return {
        subject: { type: 'requirement', id: requirementId },
        reason: rationale,
        changes: {
          // Only a first prioritization changes the status, and only a captured requirement has none.
          ...(previous === undefined ? { status: change('captured', 'prioritized') } : {}),
          ...differing({
            frequency: [previous?.frequency, frequency],
            lossIfMismanaged: [previous?.lossIfMismanaged, lossIfMismanaged],
            urgency: [previous?.urgency, urgency],
            fundSafety: [previous?.fundSafety, fundSafety],
            stakeholderConcern: [previous?.stakeholderConcern, stakeholderConcern],
            score: [previous?.score, score],
          }),
        },
      };
    }
    case 'RequirementAccepted': {
      const { requirementId, previousStatus, targetPhase, reason } = event.data;
      return {
        subject: { type: 'requirement', id: requirementId },
        reason: reason ?? null,
        // A requirement holds a target phase only while accepted, so there is none before.
        changes: { status: change(previousStatus, 'accepted'), targetPhase: change(null, targetPhase) },
      };
    }
    case 'RequirementDeferred':
    case 'RequirementRejected': {
      const { requirementId, previousStatus, reason } = event.data;
      return {
        subject: { type: 'requirement', id: requirementId },
        reason,
        changes: { status: change(previousStatus, event.type === 'RequirementDeferred' ? 'deferred' : 'rejected') },
      };
    }
    case 'ChangeRequestRaised': {
      const { requirementId, changeRequestId, description, reason, impact, changes } = event.data;
      return {
        subject: { type: 'change-request', id: changeRequestId },
        related: [requirementId],
        reason,
        changes: created({ status: 'raised', description, impact, changes }),
      };
    }
    case 'ChangeRequestApproved': {
      const { requirementId, changeRequestId, reason, suspectBaselineIds } = event.data;
      return {
        subject: { type: 'change-request', id: changeRequestId },
        related: [requirementId, ...suspectBaselineIds],
        reason: reason ?? null,
        changes: {
          status: change('raised', 'approved'),
          ...(suspectBaselineIds.length > 0 ? { suspectBaselineIds: change(null, suspectBaselineIds) } : {}),
        },
      };
    }
    case 'ChangeRequestRejected': {
      const { requirementId, changeRequestId, reason } = event.data;
      return { subject: { type: 'change-request', id: changeRequestId }, related: [requirementId], reason, changes: { status: change('raised', 'rejected') } };
    }
    case 'BaselineCreated': {
      const { baselineId, name, signatories, requirements, baselineHash } = event.data;
      return {
        subject: { type: 'baseline', id: baselineId },
        related: requirements.map((r) => r.requirementId),
        reason: null,
        changes: created({
          status: 'awaiting-signatures',
          name,
          signatories: signatories.map((s) => s.userId),
          requirements: requirements.map((r) => ({ requirementId: r.requirementId, version: r.version })),
        }),
        baselineHash,
      };
    }
    case 'BaselineSignedOff': {
      const { baselineId, signer, meaning, baselineHash, authenticatedAt } = event.data;
      return {
        subject: { type: 'baseline', id: baselineId },
        reason: null,
        changes: { [`sign-off ${signer.id}`]: change(null, { meaning, authenticatedAt }) },
        baselineHash,
      };
    }
    case 'BaselineSigned': {
      const { baselineId, baselineHash, supersedes } = event.data;
      return {
        subject: { type: 'baseline', id: baselineId },
        related: supersedes,
        reason: null,
        changes: { status: change('awaiting-signatures', 'signed'), ...(supersedes.length > 0 ? { supersedes: change(null, supersedes) } : {}) },
        baselineHash,
      };
    }
    case 'BaselineRejected': {
      const { baselineId, comments } = event.data;
      return { subject: { type: 'baseline', id: baselineId }, reason: comments, changes: { status: change('awaiting-signatures', 'rejected') } };
    }
  }
};

export const auditEntryOf = (event: RecordedEvent): AuditEntry => {
  const { related = [], ...account } = accountOf(event);
  return {
    id: event.eventId,
    engagementId: event.engagementId,
    position: event.position,
    eventId: event.eventId,
    eventType: event.type,
    action: actionOf(event.type),
    at: event.occurredAt,
    actor: actorOf(event),
    ...account,
    relatedIds: [...new Set([account.subject.id, ...related])],
    correlationId: event.correlationId,
    causationId: event.causationId,
  };
};

const record: Update<AuditEntry, DomainEvent> = (_, event) => auditEntryOf(event);

export const auditTrail = defineProjection<AuditEntry>({
  name: 'audit-trail',
  route: (event) => [event.eventId],
  on: Object.fromEntries(EVENT_TYPES.map((type) => [type, record])) as Updates<AuditEntry>,
});
