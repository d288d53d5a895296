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
import { DomainError, judge, type InterviewState } from '../../domain/index.js';
import type { AppendResult, EventStore } from '../../infra/event-store/port.js';
import { AggregateStates, type Loaded } from './aggregate-states.js';
import { LogFacts } from './facts.js';
import type { IdSource } from './ids.js';
import { KeyedQueue } from './keyed-queue.js';
import type { CommandData, CommandSpec, CommandType, StateOf } from './spec.js';
import { COMMANDS } from './specs/index.js';
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
  private readonly facts: LogFacts;

  constructor(private readonly store: EventStore, options: { maxCachedStreams?: number; snapshots?: SnapshotStore } = {}) {
    this.states = new AggregateStates(store, {
      maxStreams: options.maxCachedStreams ?? 20_000,
      ...(options.snapshots ? { snapshots: options.snapshots } : {}),
    });
    this.facts = new LogFacts(store, this.states);
  }

  /** An interview as the log has it now (the write side's state, with its confirmation links). */
  interview(interviewId: string): Promise<InterviewState> {
    return this.facts.interview(interviewId);
  }

  execute<T extends CommandType>(type: T, data: CommandData<T>, context: CommandContext): Promise<CommandOutcome> {
    const spec: CommandSpec<T> = COMMANDS[type];
    const id = spec.subject(data);
    const stream = spec.of.stream(id);
    return this.queue.run(stream, (release) => this.attempt(type, spec, data, context, stream, id, release, 1));
  }

  private async attempt<T extends CommandType>(
    type: T,
    spec: CommandSpec<T>,
    data: CommandData<T>,
    context: CommandContext,
    stream: string,
    id: string,
    /** Lets the next command on the stream start: once this one's append is committed, before its sync. */
    release: () => void,
    attempt: number,
  ): Promise<CommandOutcome> {
    const { decider } = spec.of;
    // The first attempt trusts the cached state: an append on a stale one conflicts and is retried
    // on the state read fresh.
    let loaded = await this.states.load(stream, decider, { trustCache: attempt === 1 });
    if (context.expectedVersion !== undefined && attempt === 1 && loaded.revision !== context.expectedVersion) {
      // The client may know a revision another process appended; judge If-Match on the log's.
      this.states.forget(stream);
      loaded = await this.states.load(stream, decider);
    }
    const engagementId = spec.of.engagementOf(loaded.state, data);
    // A command that creates something in an engagement is refused as if the engagement did not exist.
    const hiddenName = loaded.revision < 0 && spec.of.name !== 'engagement' && engagementId !== undefined ? `engagement ${engagementId}` : `${spec.of.name} ${id}`;
    await this.authorize(spec, context.actor, hiddenName, engagementId, loaded.state);
    const outcomeOf = (events: readonly RecordedEvent[], replayed: boolean): CommandOutcome => {
      const last = events.at(-1)!;
      return {
        id,
        version: last.revision,
        position: last.position,
        created: spec.location !== undefined && (spec.created?.(events) ?? true),
        ...(spec.location ? { location: spec.location(data) } : {}),
        answer: spec.answer?.of(events) ?? {},
        replayed,
      };
    };

    const earlier = context.ids.deterministic ? recordedRun(loaded.recent, context.ids) : [];
    if (earlier.length > 0) {
      // Found in the kept state, the earlier run may be committed but not yet synced: it is only
      // answered once it is durable, as it would be by the store.
      await this.syncing.get(stream);
      return outcomeOf(earlier, true);
    }

    if (context.expectedVersion !== undefined && loaded.revision >= 0 && loaded.revision !== context.expectedVersion) {
      throw new VersionMismatchError(context.expectedVersion, loaded.revision);
    }
    const command = await spec.judged({ type, data, metadata: { actor: context.actor, now: context.now } }, this.facts, loaded.state);
    let events: DomainEvent[];
    try {
      events = decider.decide(command, loaded.state);
    } catch (error) {
      // A rule judged on the cached state is judged again on the log's before the client hears it.
      if (!(error instanceof DomainError) || attempt > 1) throw error;
      this.states.forget(stream);
      return this.attempt(type, spec, data, context, stream, id, release, attempt + 1);
    }
    // Every event belongs to an engagement: a stream that does not exist and names none has nothing to record.
    if (engagementId === undefined) throw new DomainError('not-found', `${spec.of.name} ${id} does not exist`);
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

    let appended: Loaded<StateOf<T>> | undefined;
    const recordedAs = (result: Extract<AppendResult, { ok: true }>) => {
      const firstRevision = result.revision - envelopes.length + 1;
      const recorded = envelopes.map((envelope, index): RecordedEvent => ({
        ...envelope,
        streamId: stream,
        revision: firstRevision + index,
        // Only the last position is reported by the store; earlier events of a batch precede it.
        position: result.position,
      }));
      if (result.revision === loaded.revision + envelopes.length) {
        appended = this.states.appended(stream, decider, loaded, recorded);
      } else {
        // The store recognised a retried append and answered with the original result.
        this.states.forget(stream);
      }
      return recorded;
    };
    let committed: RecordedEvent[] | undefined;
    const appending = this.store.appendToStream(stream, envelopes, loaded.revision < 0 ? 'no-stream' : loaded.revision, {
      onCommitted: (result) => {
        committed = recordedAs(result);
        release();
      },
    });
    this.whileSyncing(stream, appending);
    const result = await appending.catch((error: unknown) => {
      // The append may have been committed before it failed: the kept state no longer vouches for the stream.
      this.states.forget(stream);
      throw error;
    });
    if (!result.ok) {
      this.states.forget(stream);
      if (context.expectedVersion !== undefined) {
        throw new VersionMismatchError(context.expectedVersion, result.actualRevision === 'no-stream' ? -1 : result.actualRevision);
      }
      if (attempt >= MAX_ATTEMPTS) throw new ContentionError(stream, attempt);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
      return this.attempt(type, spec, data, context, stream, id, release, attempt + 1);
    }
    const recorded = committed ?? recordedAs(result);
    if (appended !== undefined) this.states.durable(stream, appended);
    return outcomeOf(recorded, result.revision !== loaded.revision + envelopes.length);
  }

  /** The last append on each stream until it is durable or failed (see the replay above): later appends can only be durable after it. */
  private readonly syncing = new Map<string, Promise<unknown>>();

  private whileSyncing(stream: string, appending: Promise<unknown>): void {
    this.syncing.set(stream, appending);
    const done = () => {
      if (this.syncing.get(stream) === appending) this.syncing.delete(stream);
    };
    void appending.then(done, done);
  }

  /**
   * Membership is judged on the engagement's stream as it stands now, like the gates: someone
   * removed from the team a moment ago can no longer act in it. An engagement the caller may not see
   * answers exactly as one that does not exist.
   */
  private async authorize<T extends CommandType>(spec: CommandSpec<T>, actor: Actor, hiddenName: string, engagementId: string | undefined, state: StateOf<T>) {
    const { access } = spec;
    // The link is the credential: the decider checks it against the links issued on the stream.
    if (access === 'link-holder') return;
    let verdict;
    if (access === 'start-engagement') {
      verdict = judge(access, actor);
    } else {
      const engagement = engagementId === undefined ? undefined : await this.facts.engagement(engagementId);
      const team = engagement?.status === 'active' ? (engagement.team ?? {}) : undefined;
      verdict = judge(access, actor, { team, intervieweeId: spec.of.intervieweeOf?.(state) });
    }
    if (verdict.allowed) return;
    if (verdict.code === 'not-found') throw new DomainError('not-found', `${hiddenName} does not exist`);
    throw new DomainError('forbidden', verdict.reason);
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
