/**
 * What the projector tests share: envelopes to append, a small projection that makes a lost or a
 * doubled event visible (it counts the events per engagement and lists their ids), store
 * wrappers that fail on purpose, a logger whose lines can be read back, and a runtime factory.
 */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { Registry } from 'prom-client';
import type { Actor, EventEnvelope, RecordedEvent } from '../../contracts/index.js';
import type { EventStore } from '../../infra/event-store/index.js';
import { Projector, type AnyProjection, type ProjectorOptions } from '../../infra/projector/index.js';
import {
  ReadModelStoreUnavailableError,
  type ReadModelCollection,
  type ReadModelStore,
} from '../../infra/read-models/index.js';
import type { Projection, ReadDocument } from '../../projections/projection.js';

export const actor: Actor = { id: 'u-chen', name: 'Chen Wei', roles: ['consultant'] };

const metadata = (engagementId: string, occurredAt: string) => ({
  eventId: randomUUID(),
  schemaVersion: 1,
  occurredAt,
  actor,
  correlationId: `req-${randomUUID()}`,
  causationId: `cmd-${randomUUID()}`,
  engagementId,
});

export const findingRecorded = (engagementId: string, n: number, occurredAt = '2026-03-02T09:00:00.000Z'): EventEnvelope => ({
  type: 'FindingRecorded',
  data: {
    interviewId: `${engagementId}.i1`,
    findingId: `f-${n}`,
    section: 'workflow',
    text: `Finding ${n}: quotes above the credit limit wait two days for a sign-off.`,
    pain: 2,
    frequency: 'daily',
  },
  ...metadata(engagementId, occurredAt),
});

export const interviewCancelled = (engagementId: string, occurredAt = '2026-03-02T09:00:00.000Z'): EventEnvelope => ({
  type: 'InterviewCancelled',
  data: { interviewId: `${engagementId}.i1`, reason: 'the department head is on leave' },
  ...metadata(engagementId, occurredAt),
});

export const engagementStarted = (engagementId: string): EventEnvelope => ({
  type: 'EngagementStarted',
  data: {
    engagementId,
    name: 'CRM for Acme',
    client: 'Acme Trading',
    sponsor: { name: 'Zhang San', title: 'CEO' },
    goals: ['one view of the customer'],
    successCriteria: ['quotes out within a day'],
  },
  ...metadata(engagementId, '2026-03-01T09:00:00.000Z'),
});

/** Appends `perEngagement` findings to each of `engagements` engagements, interleaved; returns the last position. */
export const appendFindings = async (
  eventStore: EventStore,
  options: { run: string; engagements: number; perEngagement: number; chunk?: number; occurredAt?: string },
): Promise<string> => {
  const chunk = options.chunk ?? 10;
  let position = '0';
  for (let first = 0; first < options.perEngagement; first += chunk) {
    for (let e = 1; e <= options.engagements; e++) {
      const engagementId = `${options.run}.e${e}`;
      const events = Array.from({ length: Math.min(chunk, options.perEngagement - first) }, (_, i) =>
        findingRecorded(engagementId, first + i + 1, options.occurredAt),
      );
      const result = await eventStore.appendToStream(`interview-${engagementId}.i1`, events, 'any');
      if (!result.ok) throw new Error('append refused');
      position = result.position;
    }
  }
  return position;
};

export const append = async (eventStore: EventStore, events: readonly EventEnvelope[]): Promise<string> => {
  let position = '0';
  for (const event of events) {
    const stream = event.type === 'EngagementStarted' ? `engagement-${event.engagementId}` : `interview-${event.engagementId}.i1`;
    const result = await eventStore.appendToStream(stream, [event], 'any');
    if (!result.ok) throw new Error('append refused');
    position = result.position;
  }
  return position;
};

export type Activity = ReadDocument & { count: number; eventIds: string[] };

/**
 * Per engagement: how many findings were recorded and which events they were, in order. A
 * cancelled interview deletes the document (a later finding starts it again), so deletes and
 * their tombstones get exercised too.
 */
export const activity: Projection<Activity> = {
  name: 'activity',
  eventTypes: ['FindingRecorded', 'InterviewCancelled'],
  route: (event) => [event.engagementId],
  apply: (document, event, id) =>
    event.type === 'InterviewCancelled'
      ? undefined
      : {
          id,
          engagementId: event.engagementId,
          position: event.position,
          count: (document?.count ?? 0) + 1,
          eventIds: [...(document?.eventIds ?? []), event.eventId],
        },
};

export type Starts = ReadDocument & { names: string[] };

/** A second projection, on other event types, to show that projections go on independently. */
export const starts: Projection<Starts> = {
  name: 'starts',
  eventTypes: ['EngagementStarted'],
  route: (event) => (event.type === 'EngagementStarted' ? ['all'] : []),
  apply: (document, event, id) => ({
    id,
    engagementId: event.engagementId,
    position: event.position,
    names: [...(document?.names ?? []), event.engagementId],
  }),
};

/** `activity` that throws on the events `isPoison` picks (a bug, or an event it did not expect). */
export const poisoned = (isPoison: (event: RecordedEvent) => boolean, name = 'activity'): Projection<Activity> => ({
  ...activity,
  name,
  apply: (document, event, id) => {
    if (isPoison(event)) throw new Error(`cannot apply ${event.type} ${event.eventId}`);
    return activity.apply(document, event, id);
  },
});

export const collect = async <T>(iterable: AsyncIterable<T>): Promise<T[]> => {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
};

/** Every document of a collection, by id. */
export const documentsOf = async <D extends { id: string }>(store: ReadModelStore, name: string): Promise<D[]> =>
  collect(store.collection<D>(name).find({}, { sort: [['id', 1]] }));

/** What a projection must hold after the whole log: the projections' own fold over every event. */
export const expectedDocuments = async <D extends ReadDocument>(eventStore: EventStore, projection: Projection<D>): Promise<D[]> => {
  const { project } = await import('../../projections/apply.js');
  const events = (await collect(eventStore.readAll())).filter((event) => projection.eventTypes.includes(event.type));
  return [...project(projection, events).values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
};

/** A pino logger writing JSON lines into an array. */
export const capturingLogger = (): { logger: Logger; lines: Array<Record<string, unknown>> } => {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, destination), lines };
};

export const silentLogger = (): Logger => pino({ level: 'silent' });

export const FAST_RETRY = { initialMs: 1, maxMs: 20 };

/** A runtime with fast retries and a registry of its own; stopped at the end of the test. */
export const projectorFor = (
  t: { teardown(fn: () => unknown): void },
  options: Omit<ProjectorOptions, 'logger' | 'projections'> & { projections?: readonly AnyProjection[]; logger?: Logger },
): { projector: Projector; registry: Registry } => {
  const registry = options.registry ?? new Registry();
  const projector = new Projector({
    retry: FAST_RETRY,
    ...options,
    projections: options.projections ?? [activity],
    logger: options.logger ?? silentLogger(),
    registry,
  });
  t.teardown(() => projector.stop());
  return { projector, registry };
};

type Operation = 'getStates' | 'write' | 'saveCheckpoint' | 'checkpoint';

/**
 * A store that lets a test step into chosen operations: `hook(operation, call)` runs before each
 * (calls counted per operation) and may throw to fail it or return a promise to hold it up.
 * Collections are wrapped too, so document reads and writes can be stepped into as well.
 */
export const interceptingStore = (inner: ReadModelStore, hook: (operation: Operation, call: number) => void | Promise<void>): ReadModelStore => {
  const calls = new Map<Operation, number>();
  const enter = async (operation: Operation) => {
    const call = (calls.get(operation) ?? 0) + 1;
    calls.set(operation, call);
    await hook(operation, call);
  };
  const wrap = <D extends { id: string }>(collection: ReadModelCollection<D>): ReadModelCollection<D> => ({
    get: (id) => collection.get(id),
    getMany: (ids) => collection.getMany(ids),
    getStates: async (ids) => {
      await enter('getStates');
      return collection.getStates(ids);
    },
    find: (filter, options) => collection.find(filter, options),
    count: (filter) => collection.count(filter),
    write: async (writes) => {
      await enter('write');
      return collection.write(writes);
    },
    clear: () => collection.clear(),
  });
  return {
    collection: (name) => wrap(inner.collection(name)),
    checkpoint: async (projection) => {
      await enter('checkpoint');
      return inner.checkpoint(projection);
    },
    saveCheckpoint: async (projection, position, fence) => {
      await enter('saveCheckpoint');
      return inner.saveCheckpoint(projection, position, fence);
    },
    fenceCheckpoints: (names, fence) => inner.fenceCheckpoints(names, fence),
    staging: async <D extends { id: string }>(name: string) => {
      const staged = await inner.staging<D>(name);
      return Object.assign(wrap(staged), { name: staged.name });
    },
    swap: (name, staged) => inner.swap(name, staged),
    ensureIndexes: (name, indexes) => inner.ensureIndexes(name, indexes),
    ping: () => inner.ping(),
    close: () => inner.close(),
  };
};

/** A store whose operations throw what `fail(operation, call)` returns. */
export const failingStore = (inner: ReadModelStore, fail: (operation: Operation, call: number) => Error | undefined): ReadModelStore =>
  interceptingStore(inner, (operation, call) => {
    const error = fail(operation, call);
    if (error !== undefined) throw error;
  });

/** An event store that delegates to `inner`, except for what `overrides` replaces. */
export const eventStoreWith = (inner: EventStore, overrides: Partial<EventStore>): EventStore => ({
  appendToStream: (...args) => inner.appendToStream(...args),
  readStream: (...args) => inner.readStream(...args),
  readAll: (...args) => inner.readAll(...args),
  readEngagement: (...args) => inner.readEngagement(...args),
  readEngagementAsStored: (...args) => inner.readEngagementAsStored(...args),
  subscribeToAll: (...args) => inner.subscribeToAll(...args),
  headPosition: () => inner.headPosition(),
  ping: () => inner.ping(),
  close: () => inner.close(),
  ...overrides,
});

export const unavailable = () => new ReadModelStoreUnavailableError('the store is down (on purpose)');

export const until = async (condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> => {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};
