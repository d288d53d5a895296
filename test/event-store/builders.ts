/**
 * Realistic envelopes for event store tests. Every name is scoped to one test run, so that the
 * contract holds on a log shared with other tests (an EventStoreDB server) as well as on a fresh one.
 */
import { randomUUID } from 'node:crypto';
import {
  DomainEvent,
  EventMetadata,
  type Actor,
  type DomainEvent as DomainEventType,
  type EventEnvelope,
} from '../../contracts/index.js';
import { streamName, type LogFilter } from '../../infra/event-store/index.js';
import { consultant, NOW, pm } from '../support/fixtures.js';

/** Who, when and why: the metadata a command handler puts on the events of one command. */
export type CommandContext = { engagementId: string; actor?: Actor; occurredAt?: string; commandId?: string };

/** Wraps a decider's event the way a command handler does, validating both parts as the handler would. */
export const envelope = <E extends DomainEventType>(event: E, context: CommandContext): EventEnvelope<E> => {
  const commandId = context.commandId ?? `cmd-${randomUUID()}`;
  const metadata = EventMetadata.parse({
    eventId: randomUUID(),
    schemaVersion: 1,
    occurredAt: context.occurredAt ?? NOW,
    actor: context.actor ?? consultant,
    correlationId: `req-${commandId}`,
    causationId: commandId,
    engagementId: context.engagementId,
  });
  return { ...(DomainEvent.parse(event) as E), ...metadata };
};

export type TestRun = ReturnType<typeof testRun>;

export const testRun = () => {
  const run = `r${randomUUID().slice(0, 8)}`;
  const engagementId = (n = 1) => `${run}.e${n}`;
  const interviewId = (n = 1) => `${run}.i${n}`;
  const requirementId = (n = 1) => `${run}.q${n}`;
  const streams = {
    engagement: (n = 1) => streamName.engagement(engagementId(n)),
    interview: (n = 1) => streamName.interview(interviewId(n)),
    requirement: (n = 1) => streamName.requirement(requirementId(n)),
  };
  /** Every stream of this run, and only those. */
  const streamPrefixes = [streamName.engagement(`${run}.`), streamName.interview(`${run}.`), streamName.requirement(`${run}.`)];

  return {
    id: run,
    engagementId,
    interviewId,
    requirementId,
    streams,
    streamPrefixes,
    filter: (narrower: LogFilter = {}): LogFilter => ({ streamPrefixes, ...narrower }),

    engagementStarted: (engagement = 1, context: Partial<CommandContext> = {}) =>
      envelope(
        {
          type: 'EngagementStarted',
          data: {
            engagementId: engagementId(engagement),
            name: 'CRM for Acme',
            client: 'Acme Trading',
            sponsor: { name: 'Zhang San', title: 'CEO' },
            goals: ['one view of the customer'],
            successCriteria: ['quotes out within a day'],
          },
        },
        { engagementId: engagementId(engagement), actor: pm, ...context },
      ),

    findingRecorded: (interview = 1, finding = 1, context: Partial<CommandContext> = {}) =>
      envelope(
        {
          type: 'FindingRecorded',
          data: {
            interviewId: interviewId(interview),
            findingId: `f-${finding}`,
            section: 'workflow',
            text: `Finding ${finding}: quotes above the credit limit wait two days for a finance sign-off by email.`,
            pain: 2,
            frequency: 'daily',
          },
        },
        { engagementId: engagementId(1), ...context },
      ),

    requirementCaptured: (requirement = 1, context: Partial<CommandContext> = {}) =>
      envelope(
        {
          type: 'RequirementCaptured',
          data: {
            requirementId: requirementId(requirement),
            engagementId: context.engagementId ?? engagementId(1),
            title: 'Credit limit check on quotes',
            description: 'A quote above the customer credit limit needs finance approval.',
            category: 'sales',
            departments: ['Sales', 'Finance'],
            sources: [{ interviewId: interviewId(1), findingId: 'f-1' }],
          },
        },
        { engagementId: engagementId(1), ...context },
      ),
  };
};

/** `n` findings on one interview, recorded by one command. */
export const findings = (run: TestRun, interview: number, n: number, firstFinding = 1, context: Partial<CommandContext> = {}) => {
  const commandId = context.commandId ?? `cmd-${randomUUID()}`;
  return Array.from({ length: n }, (_, i) => run.findingRecorded(interview, firstFinding + i, { ...context, commandId }));
};

/** Everything an async iterable yields. */
export const collect = async <T>(iterable: AsyncIterable<T>): Promise<T[]> => {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
};

/** The items of a paged read, in order. */
export const collectPages = async <T>(pages: AsyncIterable<readonly T[]>): Promise<T[]> => (await collect(pages)).flat() as T[];

