/**
 * Realistic event logs for the publisher tests: whole discovery stories per engagement – readiness,
 * an interview with findings and a confirmed summary, phase advances (one with a waiver), requirements
 * captured, prioritized, revised and decided – appended command by command with their real streams
 * and expected revisions, engagements interleaved the way concurrent users would interleave them.
 */
import { randomUUID } from 'node:crypto';
import {
  DomainEvent,
  EventMetadata,
  toIntegrationEvent,
  type Actor,
  type DomainEvent as DomainEventType,
  type EventEnvelope,
  type IntegrationEvent,
} from '../../../contracts/index.js';
import { summaryHash } from '../../../domain/index.js';
import { streamName, type EventStore } from '../../../infra/event-store/index.js';

const pm: Actor = { id: 'u-pat', name: 'Pat Lee', roles: ['pm'] };
const consultant: Actor = { id: 'u-chen', name: 'Chen Wei', roles: ['consultant'] };
const stakeholder: Actor = { id: 'u-li', name: 'Li Na', roles: ['stakeholder'] };

/** The events of one command, for one stream. */
export type CommandAppend = { stream: string; events: EventEnvelope[] };

const command = (stream: string, engagementId: string, actor: Actor, events: DomainEventType[]): CommandAppend => {
  const commandId = `cmd-${randomUUID()}`;
  const occurredAt = new Date().toISOString();
  return {
    stream,
    events: events.map((event) => ({
      ...DomainEvent.parse(event),
      ...EventMetadata.parse({
        eventId: randomUUID(),
        schemaVersion: 1,
        occurredAt,
        actor,
        correlationId: `req-${commandId}`,
        causationId: commandId,
        engagementId,
      }),
    })),
  };
};

/** One engagement's discovery, command by command. About 7 + 4.5 × `requirements` events, 3 + 3.3 × `requirements` of them public. */
export const discoveryStory = (engagementId: string, requirements: number): CommandAppend[] => {
  const engagement = streamName.engagement(engagementId);
  const interviewId = `${engagementId}.i1`;
  const interview = streamName.interview(interviewId);
  const findingIds = ['f-1', 'f-2', 'f-3'];
  const text = `Sales managers of ${engagementId} approve quotes by email; credit checks take two days.`;
  const hash = summaryHash(text, findingIds);
  const appends: CommandAppend[] = [
    command(engagement, engagementId, pm, [
      {
        type: 'EngagementStarted',
        data: {
          engagementId,
          name: 'CRM for Acme',
          client: 'Acme Trading',
          sponsor: { name: 'Zhang San', title: 'CEO' },
          goals: ['one view of the customer'],
          successCriteria: ['quotes out within a day'],
        },
      },
    ]),
    command(engagement, engagementId, pm, [{ type: 'ReadinessRecorded', data: { engagementId, item: 'funding-secured', status: 'met' } }]),
    command(engagement, engagementId, pm, [{ type: 'PhaseAdvanced', data: { engagementId, from: 'concept-introduction', to: 'business-survey' } }]),
    command(interview, engagementId, consultant, [
      {
        type: 'InterviewScheduled',
        data: {
          interviewId,
          engagementId,
          interviewee: { name: 'Li Na', department: 'Sales', position: 'Sales manager', userId: stakeholder.id },
          interviewers: ['Chen Wei'],
          scheduledAt: '2026-03-05T02:00:00.000Z',
          durationMinutes: 90,
          location: 'Room 3',
          method: 'in-person',
          topics: ['business-process', 'reports'],
        },
      },
    ]),
    command(interview, engagementId, consultant, [
      { type: 'InterviewConducted', data: { interviewId, conductedAt: '2026-03-05T02:00:00.000Z', attendees: ['Li Na'] } },
      ...findingIds.map(
        (findingId): DomainEventType => ({
          type: 'FindingRecorded',
          data: { interviewId, findingId, section: 'workflow', text: `Finding ${findingId}: quotes wait for finance.`, pain: 2, frequency: 'daily' },
        }),
      ),
    ]),
    command(interview, engagementId, consultant, [{ type: 'SummaryDrafted', data: { interviewId, summaryVersion: 1, text, findingIds, summaryHash: hash } }]),
    command(interview, engagementId, consultant, [{ type: 'SummarySentForConfirmation', data: { interviewId, summaryVersion: 1, summaryHash: hash } }]),
    command(interview, engagementId, stakeholder, [
      { type: 'SummaryConfirmed', data: { interviewId, summaryVersion: 1, summaryHash: hash, confirmedBy: stakeholder.id } },
    ]),
  ];
  for (let n = 1; n <= requirements; n++) {
    const requirementId = `${engagementId}.q${n}`;
    const requirement = streamName.requirement(requirementId);
    const inputs = { frequency: n % 4, lossIfMismanaged: (n + 1) % 4, urgency: (n + 2) % 4, fundSafety: n % 2 === 0, stakeholderConcern: n % 3 === 0 };
    const score = inputs.frequency + inputs.lossIfMismanaged + inputs.urgency + (inputs.fundSafety ? 3 : 0) + (inputs.stakeholderConcern ? 3 : 0);
    appends.push(
      command(requirement, engagementId, consultant, [
        {
          type: 'RequirementCaptured',
          data: {
            requirementId,
            engagementId,
            title: `Requirement ${n}: credit limit check on quotes`,
            description: 'A quote above the customer credit limit needs finance approval before it goes out. 报价超出信用额度时需要财务审批。',
            category: n % 2 === 0 ? 'sales' : 'reporting',
            departments: ['Sales', 'Finance'],
            sources: [{ interviewId, findingId: findingIds[n % 3]! }],
          },
        },
      ]),
      command(requirement, engagementId, consultant, [
        { type: 'RequirementPrioritized', data: { requirementId, ...inputs, rationale: 'touches credit risk', score, formulaVersion: 1 } },
      ]),
    );
    if (n % 2 === 0) {
      appends.push(
        command(requirement, engagementId, consultant, [
          {
            type: 'RequirementRevised',
            data: { requirementId, changes: { departments: ['Sales', 'Finance', 'Legal'] }, previous: { departments: ['Sales', 'Finance'] }, reason: 'Legal signs off too.' },
          },
        ]),
      );
    }
    const decision: DomainEventType =
      n % 3 === 0
        ? { type: 'RequirementDeferred', data: { requirementId, previousStatus: 'prioritized', reason: 'after go-live' } }
        : n % 3 === 1
          ? { type: 'RequirementAccepted', data: { requirementId, previousStatus: 'prioritized', targetPhase: 'system-deployment' } }
          : { type: 'RequirementRejected', data: { requirementId, previousStatus: 'prioritized', reason: 'out of scope' } };
    appends.push(command(requirement, engagementId, pm, [decision]));
  }
  appends.push(
    command(engagement, engagementId, pm, [
      {
        type: 'PhaseAdvanced',
        data: {
          engagementId,
          from: 'business-survey',
          to: 'process-solidification',
          waiver: { reason: 'sponsor accepts the open readiness items', unmetConditions: [{ rule: 'readiness-item-not-met', subjectId: 'environment-ready' }] },
        },
      },
    ]),
  );
  return appends;
};

/** Round-robin over the stories, so that engagements interleave in the log. */
export const interleave = (stories: CommandAppend[][]): CommandAppend[] => {
  const result: CommandAppend[] = [];
  for (let i = 0; stories.some((story) => i < story.length); i++) {
    for (const story of stories) if (i < story.length) result.push(story[i]!);
  }
  return result;
};

/** `engagements` interleaved stories with ids unique to this run. */
export const scenario = (engagements: number, requirements: number, run = `r${randomUUID().slice(0, 8)}`): CommandAppend[] =>
  interleave(Array.from({ length: engagements }, (_, i) => discoveryStory(`${run}.e${i + 1}`, requirements)));

/** Appends command by command with the expected revision each stream is at. */
export const appendAll = async (store: EventStore, appends: readonly CommandAppend[]): Promise<void> => {
  const revisions = new Map<string, number>();
  for (const { stream, events } of appends) {
    const expected = revisions.get(stream) ?? 'no-stream';
    const result = await store.appendToStream(stream, events, expected);
    if (!result.ok) throw new Error(`append to ${stream} failed: ${JSON.stringify(result)}`);
    revisions.set(stream, result.revision);
  }
};

/** The integration events the log should produce, in log order. */
export const expectedIntegrationEvents = async (store: EventStore): Promise<IntegrationEvent[]> => {
  const expected: IntegrationEvent[] = [];
  for await (const event of store.readAll()) {
    const integration = toIntegrationEvent(event);
    if (integration) expected.push(integration);
  }
  return expected;
};

/** Event ids per engagement, in order. */
export const idsByEngagement = (events: readonly { engagementId: string; id: string }[]): Map<string, string[]> => {
  const byEngagement = new Map<string, string[]>();
  for (const event of events) {
    const ids = byEngagement.get(event.engagementId) ?? [];
    ids.push(event.id);
    byEngagement.set(event.engagementId, ids);
  }
  return byEngagement;
};
