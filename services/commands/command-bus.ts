/**
 * Handles a command: load the addressed stream's state (cached), load the facts from other streams
 * the rule needs, decide, and append with the expected revision. Commands on one stream queue in
 * this process; a conflict with another process is retried on fresh state a bounded number of
 * times unless the client pinned a version with If-Match.
 */
import {
  CURRENT_SCHEMA_VERSION,
  type Actor,
  type DomainEvent,
  type EventEnvelope,
  type RecordedEvent,
} from '../../contracts/index.js';
import { DomainError, judge, type EngagementState, type InterviewState, type SurveyFacts } from '../../domain/index.js';
import type { EventStore } from '../../infra/event-store/port.js';
import { AggregateStates } from './aggregate-states.js';
import type { Access } from '../../domain/index.js';
import {
  CATALOGUE,
  deciders,
  engagementIdOf,
  streamOf,
  type AnyCommand,
  type CommandData,
  type CommandType,
  type FactLoader,
} from './catalogue.js';
import type { IdSource } from './ids.js';
import { KeyedQueue } from './keyed-queue.js';
import type { SnapshotStore } from '../../infra/snapshots/store.js';

export type CommandContext = {
  actor: Actor;
  now: string;
  correlationId: string;
  causationId: string;
  ids: IdSource;
  /** The stream revision the client based its command on (If-Match). */
  expectedVersion?: number;
};

export type CommandOutcome = {
  id: string;
  /** Stream revision after the append. */
  version: number;
  position: string;
  created: boolean;
  location?: string;
  answer: Record<string, unknown>;
  /** True when the command had already been carried out and this is its original outcome. */
  replayed: boolean;
};

/** The client's If-Match names a version the stream has moved past. */
export class VersionMismatchError extends Error {
  constructor(readonly expected: number, readonly actual: number) {
    super(`the resource is at version ${actual}, not ${expected}`);
    this.name = 'VersionMismatchError';
  }
}

/** Other writers kept winning the race for the stream. */
export class ContentionError extends Error {
  constructor(readonly stream: string, readonly attempts: number) {
    super(`stream ${stream} changed under ${attempts} attempts in a row`);
    this.name = 'ContentionError';
  }
}

export const MAX_ATTEMPTS = 8;

export class CommandBus {
  private readonly queue = new KeyedQueue();
  readonly states: AggregateStates;
  private readonly facts: FactLoader;

  constructor(private readonly store: EventStore, options: { maxCachedStreams?: number; snapshots?: SnapshotStore } = {}) {
    this.states = new AggregateStates(store, {
      maxStreams: options.maxCachedStreams ?? 20_000,
      ...(options.snapshots ? { snapshots: options.snapshots } : {}),
    });
    this.facts = {
      engagement: async (id) => (await this.states.load(streamOf('engagement', id), deciders.engagement)).state as EngagementState,
      interview: async (id) => (await this.states.load(streamOf('interview', id), deciders.interview)).state as InterviewState,
      survey: (engagementId) => this.surveyFacts(engagementId),
      requirements: (engagementId) => this.requirementsOf(engagementId),
      baselines: async (engagementId) => [...(await this.fold(engagementId, 'baseline', deciders.baseline)).values()].map((s) => s.state),
    };
  }

  /** An interview as the log has it now (the write side's state, with its confirmation links). */
  interview(interviewId: string): Promise<InterviewState> {
    return this.facts.interview(interviewId);
  }

  execute<T extends CommandType>(type: T, data: CommandData<T>, context: CommandContext): Promise<CommandOutcome> {
    const spec = CATALOGUE[type];
    const id = spec.subject(data as never);
    const stream = streamOf(spec.aggregate, id);
    return this.queue.run(stream, () => this.attempt(type, data, context, stream, id, 1));
  }

  private async attempt<T extends CommandType>(
    type: T,
    data: CommandData<T>,
    context: CommandContext,
    stream: string,
    id: string,
    attempt: number,
  ): Promise<CommandOutcome> {
    const spec = CATALOGUE[type];
    const decider = deciders[spec.aggregate] as unknown as {
      decide: (command: unknown, state: unknown) => DomainEvent[];
      evolve: (state: unknown, event: never) => unknown;
      initialState: () => unknown;
      fromSnapshot?: (stored: unknown) => unknown;
    };
    // The first attempt trusts the cached state: an append on a stale one conflicts and is retried
    // on the state read fresh.
    let loaded = await this.states.load(stream, decider, { trustCache: attempt === 1 });
    if (context.expectedVersion !== undefined && attempt === 1 && loaded.revision !== context.expectedVersion) {
      // The client may know a revision another process appended; judge If-Match on the log's.
      this.states.forget(stream);
      loaded = await this.states.load(stream, decider);
    }
    const engagementId = engagementIdOf(spec.aggregate, data as Record<string, unknown>, loaded.state as { status: string });
    // A command that creates something in an engagement is refused as if the engagement did not exist.
    const hiddenName = loaded.revision < 0 && spec.aggregate !== 'engagement' && engagementId !== undefined ? `engagement ${engagementId}` : `${spec.aggregate} ${id}`;
    await this.authorize(spec.access, context.actor, hiddenName, spec.aggregate, engagementId, loaded.state);
    const outcomeOf = (events: readonly RecordedEvent[], replayed: boolean): CommandOutcome => {
      const last = events.at(-1)!;
      return {
        id,
        version: last.revision,
        position: last.position,
        created: spec.location !== undefined && (spec.created?.(events) ?? true),
        ...(spec.location ? { location: spec.location(data as never) } : {}),
        answer: spec.answer?.of(events) ?? {},
        replayed,
      };
    };

    const earlier = context.ids.deterministic ? recordedRun(loaded.recent, context.ids) : [];
    if (earlier.length > 0) return outcomeOf(earlier, true);

    if (context.expectedVersion !== undefined && loaded.revision >= 0 && loaded.revision !== context.expectedVersion) {
      throw new VersionMismatchError(context.expectedVersion, loaded.revision);
    }
    const facts = (await spec.facts?.(this.facts, data as never, loaded.state as never)) ?? {};
    const command = { type, data, metadata: { actor: context.actor, now: context.now }, ...facts } as AnyCommand;
    let events: DomainEvent[];
    try {
      events = decider.decide(command, loaded.state);
    } catch (error) {
      // A rule judged on the cached state is judged again on the log's before the client hears it.
      if (!(error instanceof DomainError) || attempt > 1) throw error;
      this.states.forget(stream);
      return this.attempt(type, data, context, stream, id, attempt + 1);
    }
    const envelopes: EventEnvelope[] = events.map((event, index) => ({
      ...event,
      eventId: context.ids.event(index),
      schemaVersion: CURRENT_SCHEMA_VERSION,
      occurredAt: context.now,
      actor: context.actor,
      correlationId: context.correlationId,
      causationId: context.causationId,
      engagementId,
    }));

    const result = await this.store.appendToStream(stream, envelopes, loaded.revision < 0 ? 'no-stream' : loaded.revision);
    if (!result.ok) {
      this.states.forget(stream);
      if (context.expectedVersion !== undefined) {
        throw new VersionMismatchError(context.expectedVersion, result.actualRevision === 'no-stream' ? -1 : result.actualRevision);
      }
      if (attempt >= MAX_ATTEMPTS) throw new ContentionError(stream, attempt);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
      return this.attempt(type, data, context, stream, id, attempt + 1);
    }
    const firstRevision = result.revision - envelopes.length + 1;
    const recorded = envelopes.map((envelope, index) => ({
      ...envelope,
      streamId: stream,
      revision: firstRevision + index,
      // Only the last position is reported by the store; earlier events of a batch precede it.
      position: result.position,
    })) as RecordedEvent[];
    if (result.revision === loaded.revision + envelopes.length) {
      this.states.appended(stream, decider, loaded, recorded);
    } else {
      // The store recognised a retried append and answered with the original result.
      this.states.forget(stream);
    }
    return outcomeOf(recorded, result.revision !== loaded.revision + envelopes.length);
  }

  /**
   * Membership is judged on the engagement's stream as it stands now, like the gates: someone
   * removed from the team a moment ago can no longer act in it. An engagement the caller may not see
   * answers exactly as one that does not exist.
   */
  private async authorize(access: Access | 'link-holder', actor: Actor, hiddenName: string, aggregate: string, engagementId: string | undefined, state: unknown) {
    // The link is the credential: the decider checks it against the links issued on the stream.
    if (access === 'link-holder') return;
    let verdict;
    if (access === 'start-engagement') {
      verdict = judge(access, actor);
    } else {
      const engagement = engagementId === undefined ? undefined : await this.facts.engagement(engagementId);
      const team = engagement?.status === 'active' ? (engagement.team ?? {}) : undefined;
      const interview = aggregate === 'interview' ? (state as InterviewState) : undefined;
      verdict = judge(access, actor, { team, intervieweeId: interview?.status === 'none' ? undefined : interview?.interviewee.userId });
    }
    if (verdict.allowed) return;
    if (verdict.code === 'not-found') throw new DomainError('not-found', `${hiddenName} does not exist`);
    throw new DomainError('forbidden', verdict.reason);
  }

  /** The engagement's streams of one aggregate, each folded from the log as it stands, with its revision. */
  private async fold<S>(
    engagementId: string,
    aggregate: 'requirement' | 'baseline',
    decider: { initialState: () => S; evolve: (state: S, event: never) => S },
  ): Promise<Map<string, { state: S; revision: number }>> {
    const folded = new Map<string, { state: S; revision: number }>();
    for await (const event of this.store.readEngagement(engagementId, { streamPrefixes: [streamOf(aggregate, '')] })) {
      const state = folded.get(event.streamId)?.state ?? decider.initialState();
      folded.set(event.streamId, { state: decider.evolve(state, event as never), revision: event.revision });
    }
    return folded;
  }

  private async requirementsOf(engagementId: string) {
    const folded = await this.fold(engagementId, 'requirement', deciders.requirement);
    return [...folded.values()].flatMap(({ state, revision }) => (state.status === 'none' ? [] : [{ ...state, version: revision }]));
  }

  /** The gate facts of one engagement, folded from its interview and requirement streams as they stand. */
  private async surveyFacts(engagementId: string): Promise<SurveyFacts> {
    const interviews = new Map<string, InterviewState>();
    const requirements = new Map<string, ReturnType<typeof deciders.requirement.initialState>>();
    for await (const event of this.store.readEngagement(engagementId, { streamPrefixes: ['interview-', 'requirement-'] })) {
      if (event.streamId.startsWith('interview-')) {
        const state = interviews.get(event.streamId) ?? deciders.interview.initialState();
        interviews.set(event.streamId, deciders.interview.evolve(state, event as never));
      } else {
        const state = requirements.get(event.streamId) ?? deciders.requirement.initialState();
        requirements.set(event.streamId, deciders.requirement.evolve(state, event as never));
      }
    }
    return {
      interviews: [...interviews.values()].flatMap((s) =>
        s.status === 'none' ? [] : [{ interviewId: s.interviewId, status: s.status, department: s.interviewee.department }],
      ),
      requirements: [...requirements.values()].flatMap((s) =>
        s.status === 'none' ? [] : [{ requirementId: s.requirementId, status: s.status, departments: s.departments }],
      ),
    };
  }
}

/** The events an earlier run of this very command appended, found by their deterministic ids. */
const recordedRun = (recent: Map<string, RecordedEvent>, ids: IdSource): RecordedEvent[] => {
  const run: RecordedEvent[] = [];
  for (let index = 0; ; index++) {
    const event = recent.get(ids.event(index));
    if (!event) return run;
    run.push(event);
  }
};
