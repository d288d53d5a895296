/**
 * What changed in an engagement between two instants (docs/domain.md#what-changed): computed from
 * the log, never from a baseline kept beforehand, so any two instants can be compared. Requirements
 * are compared as they stood at both instants – added, revised, re-scored, decided, and re-tiered
 * (the tier depends on the whole cohort, so the events behind a new tier may be on other
 * requirements); everything else that changes an engagement's course is listed event by event.
 * Each change carries the events behind it; codes and values only, for readers of every language.
 */
import { z } from 'zod';
import {
  EngagementRole,
  GateCondition,
  Phase,
  ReadinessItem,
  ReadinessStatus,
  ScorecardStatus,
  type DomainEventType,
  type RecordedEvent,
  RequirementStatus,
} from '../../contracts/index.js';
import { comparePositions, rankBacklog, requirementBacklog, TIERS, type Ranking } from '../../projections/index.js';
import { backlogAsOf } from './backlog.js';
import { EventRef, eventRef } from './event-ref.js';
import { occurredBy, UNRANKED, walkRanking } from './ranking-walk.js';

const Events = z.array(EventRef).min(1).describe('The events behind the change, in log order');
const Tier = z.enum(TIERS).nullable();
const fromTo = <T extends z.ZodType>(value: T) => z.object({ from: value, to: value });
const RequirementChange = { requirementId: z.string(), title: z.string().describe('The title at `to`') };
const RequirementField = z.enum(['title', 'description', 'category', 'departments', 'goalIds']);

export const Change = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('requirement-added'), ...RequirementChange, events: Events }),
  z.object({ kind: z.literal('requirement-revised'), ...RequirementChange, fields: z.array(RequirementField), events: Events }),
  z.object({ kind: z.literal('requirement-rescored'), ...RequirementChange, score: fromTo(z.number().int().nullable()), events: Events }),
  z.object({ kind: z.literal('requirement-decided'), ...RequirementChange, status: fromTo(RequirementStatus.nullable()), events: Events }),
  z.object({
    kind: z.literal('requirement-retiered'),
    ...RequirementChange,
    tier: fromTo(Tier),
    rank: fromTo(z.number().int().nullable()),
    events: Events.describe('The events after which its tier changed, on it or on other requirements'),
  }),
  z.object({ kind: z.literal('readiness-recorded'), item: ReadinessItem, status: fromTo(ReadinessStatus.nullable()), events: Events }),
  z.object({
    kind: z.literal('phase-advanced'),
    phase: fromTo(Phase),
    waiver: z.object({ reason: z.string(), unmetConditions: z.array(GateCondition) }).nullable().describe('Present when the gate was passed with unmet conditions'),
    events: Events,
  }),
  z.object({ kind: z.literal('summary-confirmed'), interviewId: z.string(), summaryVersion: z.number().int(), summaryHash: z.string(), events: Events }),
  z.object({ kind: z.literal('summary-revision-requested'), interviewId: z.string(), summaryVersion: z.number().int(), events: Events }),
  z.object({ kind: z.enum(['member-added', 'member-changed', 'member-removed']), userId: z.string(), name: z.string(), role: fromTo(EngagementRole.nullable()), events: Events }),
  z.object({ kind: z.literal('goal-added'), goalId: z.string(), text: z.string(), events: Events }),
  z.object({
    kind: z.enum(['target-added', 'target-revised', 'measurement-recorded']),
    goalId: z.string(),
    targetId: z.string(),
    status: ScorecardStatus.nullable().describe('The scorecard status after the change (null when a target is added)'),
    events: Events,
  }),
]);
export type Change = z.infer<typeof Change>;

const ref = (subjectId: string, position: string, at: string, type: string) => ({
  eventId: `0195a7e2-0000-7000-8000-0000000000${position}`,
  type,
  position,
  at,
  actor: { id: 'u-pat', name: 'Pat Lee' },
  subjectId,
});

export const Changes = z
  .object({
    engagementId: z.string(),
    from: z.string(),
    to: z.string(),
    changes: z.array(Change).describe('Oldest first, by the last event behind each'),
  })
  .meta({
    description: 'What changed between two instants, each change with the events behind it',
    examples: [
      {
        engagementId: 'eng-1',
        from: '2026-04-01T00:00:00.000Z',
        to: '2026-04-02T00:00:00.000Z',
        changes: [
          { kind: 'requirement-rescored', requirementId: 'req-b', title: 'Credit limit check on quotes', score: { from: 6, to: 9 }, events: [ref('req-b', '41', '2026-04-01T09:00:00.000Z', 'RequirementPrioritized')] },
          {
            kind: 'requirement-retiered',
            requirementId: 'req-a',
            title: 'Duplicate customer warning',
            tier: { from: 'vital-few', to: 'trivial-many' },
            rank: { from: 1, to: 2 },
            events: [ref('req-b', '41', '2026-04-01T09:00:00.000Z', 'RequirementPrioritized')],
          },
          { kind: 'requirement-decided', requirementId: 'req-b', title: 'Credit limit check on quotes', status: { from: 'prioritized', to: 'accepted' }, events: [ref('req-b', '42', '2026-04-01T10:00:00.000Z', 'RequirementAccepted')] },
          {
            kind: 'phase-advanced',
            phase: { from: 'business-survey', to: 'process-solidification' },
            waiver: { reason: 'the last interview is confirmed by mail next week', unmetConditions: [{ rule: 'interview-not-confirmed', subjectId: 'int-7' }] },
            events: [ref('eng-1', '43', '2026-04-01T11:00:00.000Z', 'PhaseAdvanced')],
          },
        ],
      },
    ],
  });
export type Changes = z.infer<typeof Changes>;

const DECISIONS: ReadonlySet<DomainEventType> = new Set(['RequirementAccepted', 'RequirementDeferred', 'RequirementRejected']);

/** A change read from one event alone, for the events that are a change by themselves. */
const eventChange = (event: RecordedEvent): Change | undefined => {
  const events = [eventRef(event)];
  switch (event.type) {
    case 'ReadinessRecorded':
      return { kind: 'readiness-recorded', item: event.data.item, status: { from: event.data.previousStatus ?? null, to: event.data.status }, events };
    case 'PhaseAdvanced':
      return { kind: 'phase-advanced', phase: { from: event.data.from, to: event.data.to }, waiver: event.data.waiver ?? null, events };
    case 'SummaryConfirmed':
      return { kind: 'summary-confirmed', interviewId: event.data.interviewId, summaryVersion: event.data.summaryVersion, summaryHash: event.data.summaryHash, events };
    case 'SummaryRevisionRequested':
      return { kind: 'summary-revision-requested', interviewId: event.data.interviewId, summaryVersion: event.data.summaryVersion, events };
    case 'MemberAdded':
      return { kind: 'member-added', userId: event.data.userId, name: event.data.name, role: { from: null, to: event.data.role }, events };
    case 'MemberRoleChanged':
      return { kind: 'member-changed', userId: event.data.userId, name: event.data.name, role: { from: event.data.previous.role, to: event.data.role }, events };
    case 'MemberRemoved':
      return { kind: 'member-removed', userId: event.data.userId, name: event.data.name, role: { from: event.data.role, to: null }, events };
    case 'GoalAdded':
      return { kind: 'goal-added', goalId: event.data.goalId, text: event.data.text, events };
    case 'SuccessTargetAdded':
      return { kind: 'target-added', goalId: event.data.goalId, targetId: event.data.targetId, status: null, events };
    case 'SuccessTargetRevised':
      return { kind: 'target-revised', goalId: event.data.goalId, targetId: event.data.targetId, status: event.data.status, events };
    case 'MeasurementRecorded':
      return { kind: 'measurement-recorded', goalId: event.data.goalId, targetId: event.data.targetId, status: event.data.status, events };
    default:
      return undefined;
  }
};

const revisedFields = (events: readonly RecordedEvent[]) =>
  [...new Set(events.flatMap((event) => (event.type === 'RequirementRevised' ? (Object.keys(event.data.changes) as z.infer<typeof RequirementField>[]) : [])))].sort();

/** The changes between `from` and `to` (from < to) in an engagement's events (log order). */
export const changesBetween = (events: readonly RecordedEvent[], from: string, to: string): Change[] => {
  const byFrom = occurredBy(from);
  const byTo = occurredBy(to);
  const window = events.filter((event) => byTo(event) && !byFrom(event));
  const before = new Map(rankBacklog(backlogAsOf(events, from)).map((item) => [item.id, item]));
  const after = walkRanking(events, to);
  const changes: Change[] = [];

  const eventsOf = new Map<string, RecordedEvent[]>();
  for (const event of window) for (const id of requirementBacklog.route(event)) eventsOf.set(id, [...(eventsOf.get(id) ?? []), event]);
  const movesOf = new Map<string, RecordedEvent[]>();
  for (const move of after.moves) if (!byFrom(move.event)) movesOf.set(move.requirementId, [...(movesOf.get(move.requirementId) ?? []), move.event]);

  for (const [requirementId, item] of after.items) {
    const own = eventsOf.get(requirementId) ?? [];
    const was = before.get(requirementId);
    const common = { requirementId, title: item.title };
    const refs = (selected: readonly RecordedEvent[]) => selected.map(eventRef);
    const captured = own.filter((event) => event.type === 'RequirementCaptured');
    if (captured.length > 0) changes.push({ kind: 'requirement-added', ...common, events: refs(captured) });
    const revised = own.filter((event) => event.type === 'RequirementRevised');
    if (revised.length > 0) changes.push({ kind: 'requirement-revised', ...common, fields: revisedFields(revised), events: refs(revised) });
    const prioritized = own.filter((event) => event.type === 'RequirementPrioritized');
    if (prioritized.length > 0) {
      changes.push({ kind: 'requirement-rescored', ...common, score: { from: was?.priority?.score ?? null, to: item.priority?.score ?? null }, events: refs(prioritized) });
    }
    const decided = own.filter((event) => DECISIONS.has(event.type));
    if (decided.length > 0) changes.push({ kind: 'requirement-decided', ...common, status: { from: was?.status ?? null, to: item.status }, events: refs(decided) });
    const then: Ranking = was ?? UNRANKED;
    const now = after.rankings.get(requirementId) ?? UNRANKED;
    if (then.tier !== now.tier) {
      changes.push({ kind: 'requirement-retiered', ...common, tier: { from: then.tier, to: now.tier }, rank: { from: then.rank, to: now.rank }, events: refs(movesOf.get(requirementId) ?? []) });
    }
  }
  for (const event of window) {
    const change = eventChange(event);
    if (change) changes.push(change);
  }
  const last = (change: Change) => change.events.at(-1)!;
  // Among changes of one event, what it did to its own subject comes before what it did to others.
  const byOthers = (change: Change) => Number('requirementId' in change && last(change).subjectId !== change.requirementId);
  return changes.sort((a, b) => comparePositions(last(a).position, last(b).position) || byOthers(a) - byOthers(b));
};
