/**
 * The EventStoreDB adapter: the shared contract against the server at EVENTSTORE_URL (in CI the
 * gRPC protocol test server that `npm run infra:up` starts; a real EventStoreDB works the same),
 * the contract once more against a fresh in-process test server per store (an empty log, so the
 * exclusive-log promises are checked too), and what only this adapter has: outages, and the order
 * of the client's subscription messages.
 *
 * The server at EVENTSTORE_URL keeps its events for its lifetime and may be shared with other test
 * runs; the contract needs no empty log, since each of its subtests works in streams of its own run.
 */
import { PassThrough } from 'node:stream';
import { EventStoreDBClient, type Position } from '@eventstore/db-client';
import t from 'tap';
import type { RecordedEvent } from '../../contracts/index.js';
import { EsdbSubscription } from '../../infra/event-store/esdb-subscription.js';
import { EventStoreUnavailableError, type LogMessage } from '../../infra/event-store/index.js';
import { EsdbEventStore, openEsdbEventStore } from '../../infra/event-store/esdb.js';
import { startEsdbTestServer, type EsdbTestServer } from '../esdb-server/server.js';
import { collect, findings, testRun } from './builders.js';
import { eventStoreContract } from './contract.js';
import { SubscriptionReader } from './subscription-reader.js';

const url = process.env.EVENTSTORE_URL;

/** Nothing listens on port 1 of the loopback interface: connections are refused at once. */
const UNREACHABLE = 'esdb://127.0.0.1:1?tls=false';

t.test('against EVENTSTORE_URL', { skip: !url && 'EVENTSTORE_URL not set' }, async (t) => {
  await eventStoreContract(t, 'EsdbEventStore', async (options) => {
    const store = await openEsdbEventStore(url!, options);
    return { store, close: () => store.close() };
  });
});

t.test('against a fresh in-process test server per store', async (t) => {
  await eventStoreContract(
    t,
    'EsdbEventStore',
    async (options) => {
      const server = await startEsdbTestServer();
      const store = await openEsdbEventStore(server.url, options);
      return {
        store,
        close: async () => {
          await store.close();
          await server.close();
        },
      };
    },
    { exclusiveLog: true },
  );
});

/** Settles `promise`, failing when that takes longer than `ms`; answers how long it took. */
const within = async (ms: number, promise: Promise<unknown>): Promise<{ error: unknown; elapsedMs: number }> => {
  const startedAt = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not settled within ${ms} ms`)), ms);
  });
  try {
    await Promise.race([promise, late]);
    return { error: undefined, elapsedMs: Date.now() - startedAt };
  } catch (error) {
    return { error, elapsedMs: Date.now() - startedAt };
  } finally {
    clearTimeout(timer);
  }
};

/** Resolves once the server has `count` subscriptions open: a subscription connects after its first read. */
const serverSide = async (server: EsdbTestServer, count: number) => {
  for (const deadline = Date.now() + 5_000; server.openSubscriptions !== count; ) {
    if (Date.now() > deadline) throw new Error(`the server has ${server.openSubscriptions} subscriptions open, not ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

/** The error is the port's, not one of the driver's classes. */
const isPortOutage = (error: unknown) =>
  error instanceof EventStoreUnavailableError && error.constructor === EventStoreUnavailableError && error.name === 'EventStoreUnavailableError';

t.test('an unreachable server is unavailable, within a few seconds', async (t) => {
  const store = await openEsdbEventStore(UNREACHABLE, { pingTimeoutMs: 2_000 });
  t.teardown(() => store.close());
  const run = testRun();

  const attempts: [string, () => Promise<unknown>][] = [
    ['ping', () => store.ping()],
    ['appendToStream', () => store.appendToStream(run.streams.interview(), findings(run, 1, 1), 'no-stream')],
    ['readStream', () => collect(store.readStream(run.streams.interview()))],
    ['readAll', () => collect(store.readAll({ filter: run.filter() }))],
    ['readEngagement', () => collect(store.readEngagement(run.engagementId()))],
    ['headPosition', () => store.headPosition()],
    ['a subscription', () => new SubscriptionReader(store.subscribeToAll({ start: 'start' })).next(10_000)],
  ];
  for (const [operation, attempt] of attempts) {
    const { error, elapsedMs } = await within(10_000, attempt());
    t.ok(isPortOutage(error), `${operation} rejects with EventStoreUnavailableError (got ${String(error)})`);
    t.ok(elapsedMs < 5_000, `${operation} fails within 5 s (took ${elapsedMs} ms)`);
  }
});

t.test('a ping that gets no answer in time is unavailable', async (t) => {
  // A TCP listener that accepts and never speaks HTTP/2: the call neither fails nor answers.
  const { createServer } = await import('node:net');
  const sockets = new Set<import('node:net').Socket>();
  const silent = createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  t.teardown(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });
  const { port } = silent.address() as import('node:net').AddressInfo;
  const store = await openEsdbEventStore(`esdb://127.0.0.1:${port}?tls=false`, { pingTimeoutMs: 500 });
  t.teardown(() => store.close());

  const { error, elapsedMs } = await within(5_000, store.ping());
  t.ok(isPortOutage(error), `rejects with EventStoreUnavailableError (got ${String(error)})`);
  t.ok(elapsedMs < 2_000, `after the ping timeout (took ${elapsedMs} ms)`);
});

t.test('a server dropping a running subscription ends it with EventStoreUnavailableError', async (t) => {
  const server = await startEsdbTestServer();
  const store = await openEsdbEventStore(server.url);
  t.teardown(async () => {
    await store.close();
    await server.close();
  });
  const run = testRun();
  await store.appendToStream(run.streams.interview(), findings(run, 1, 2), 'no-stream');
  const reader = new SubscriptionReader(store.subscribeToAll({ start: 'start', filter: run.filter() }));
  t.teardown(() => reader.subscription.close());
  await reader.untilCaughtUp();
  await serverSide(server, 1);

  const outcome = within(5_000, reader.next(5_000));
  t.equal(server.dropSubscriptions(), 1);
  const { error } = await outcome;
  t.ok(isPortOutage(error), `the waiting read rejects with EventStoreUnavailableError (got ${String(error)})`);
  t.match(await reader.subscription[Symbol.asyncIterator]().next(), { done: true }, 'and the subscription is over');

  await t.resolves(store.ping(), 'the store itself reconnects');
  const resumed = new SubscriptionReader(store.subscribeToAll({ start: 'start', filter: run.filter() }));
  t.teardown(() => resumed.subscription.close());
  t.equal((await resumed.events(2)).events.length, 2, 'and a new subscription works');
});

t.test('a server that ends a subscription on its own makes it unavailable, not finished', async (t) => {
  const server = await startEsdbTestServer();
  const store = await openEsdbEventStore(server.url);
  t.teardown(() => store.close());
  const reader = new SubscriptionReader(store.subscribeToAll({ start: 'end' }));
  await reader.untilCaughtUp();
  await serverSide(server, 1);
  const outcome = within(5_000, reader.next(5_000));
  await server.close(); // ends open subscriptions with status OK, unlike a real server going away
  const { error } = await outcome;
  t.ok(isPortOutage(error), `rejects with EventStoreUnavailableError (got ${String(error)})`);
});

t.test('closing the store ends its subscriptions and makes it unavailable', async (t) => {
  const server = await startEsdbTestServer();
  t.teardown(() => server.close());
  const store = await openEsdbEventStore(server.url);
  const reader = new SubscriptionReader(store.subscribeToAll({ start: 'start' }));
  await reader.untilCaughtUp();
  await serverSide(server, 1);
  const next = reader.next(1_000);
  await store.close();
  t.equal(await next, 'done', 'the subscription ends');
  await serverSide(server, 0);
  const run = testRun();
  await t.rejects(store.appendToStream(run.streams.interview(), findings(run, 1, 1), 'no-stream'), EventStoreUnavailableError);
  await t.rejects(store.ping(), EventStoreUnavailableError);
});

t.test('a subscription catching up through a server-side filter gets checkpoints and the server’s caught-up', async (t) => {
  // A small checkpoint interval (1 × 32 events), a filter that the server applies to stream names
  // while the event type is matched here, and a log that ends with another run's event, which the
  // server filters out: the caught-up is the server's, not derived from an event at the head.
  const server = await startEsdbTestServer();
  const store = await openEsdbEventStore(server.url, { checkpointInterval: 1 });
  t.teardown(async () => {
    await store.close();
    await server.close();
  });
  const run = testRun();
  for (let interview = 1; interview <= 5; interview++) {
    await store.appendToStream(run.streams.interview(interview), findings(run, interview, 40), 'no-stream');
    await store.appendToStream(run.streams.requirement(interview), [run.requirementCaptured(interview)], 'no-stream');
  }
  const other = testRun();
  await store.appendToStream(other.streams.interview(), findings(other, 1, 1), 'no-stream');
  const head = await store.headPosition();
  const reader = new SubscriptionReader(store.subscribeToAll({ start: 'start', filter: run.filter({ eventTypes: ['RequirementCaptured'] }) }));
  t.teardown(() => reader.subscription.close());
  const messages = await reader.untilCaughtUp();
  t.strictSame(
    messages.flatMap((message) => (message.kind === 'event' ? [message.event.type] : [])),
    Array(5).fill('RequirementCaptured'),
    'the matching events',
  );
  t.ok(messages.filter((message) => message.kind === 'checkpoint').length >= 5, 'checkpoints while catching up');
  const positions = messages.map((message) => BigInt(message.kind === 'event' ? message.event.position : message.position!));
  t.ok(positions.every((position, i) => i === 0 || positions[i - 1]! < position), 'every message is further on in the log than the one before');
  t.strictSame(messages.at(-1), { kind: 'caught-up', position: head }, 'caught up at the head');
});

t.test('an append answered without a position gets the position of its last event', async (t) => {
  // The position in the server's answer is optional (`no_position`); the test server always sends
  // one, so the client here loses it on the way.
  const server = await startEsdbTestServer();
  const client = EventStoreDBClient.connectionString(server.url);
  const withoutPositions = new Proxy(client, {
    get: (target, key) => {
      const value: unknown = Reflect.get(target, key, target);
      if (key === 'appendToStream') {
        return async (...args: Parameters<EventStoreDBClient['appendToStream']>) => ({ ...(await target.appendToStream(...args)), position: undefined });
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const store = new EsdbEventStore(withoutPositions);
  t.teardown(async () => {
    await store.close();
    await server.close();
  });
  const run = testRun();
  const stream = run.streams.interview();
  const batch = findings(run, 1, 3);

  const appended = await store.appendToStream(stream, batch, 'no-stream');
  const stored = await collect(store.readStream(stream));
  t.strictSame(appended, { ok: true, revision: 2, position: stored.at(-1)!.position }, 'the first append');
  t.strictSame(await store.appendToStream(stream, batch, 'no-stream'), appended, 'its retry');
});

/**
 * An `EsdbSubscription` over a stand-in for the client's subscription stream, which the test feeds
 * by hand: the order in which the client processes the server's messages is then exact.
 */
const handFedSubscription = async (head: string | undefined) => {
  let driver: (PassThrough & { unsubscribe(): Promise<void> }) | undefined;
  let checkpointReached: ((subscription: unknown, position: Position) => void) | undefined;
  const client = {
    subscribeToAll: (options: { filter: { checkpointReached: typeof checkpointReached } }) => {
      checkpointReached = options.filter.checkpointReached;
      driver = Object.assign(new PassThrough({ objectMode: true }), { unsubscribe: async () => undefined });
      return driver;
    },
  } as unknown as EventStoreDBClient;
  const subscription = new EsdbSubscription(
    {
      client,
      headPosition: async () => head,
      decode: (event) => ({ position: event.position.commit.toString() }) as RecordedEvent,
      checkpointInterval: 1,
    },
    'start',
    undefined,
    () => undefined,
  );
  while (!driver) await new Promise((resolve) => setImmediate(resolve));
  const fed = driver;
  const position = (commit: number): Position => ({ commit: BigInt(commit), prepare: BigInt(commit) });
  return {
    reader: new SubscriptionReader(subscription),
    event: (commit: number) => fed.write({ event: { streamId: 'interview-x', type: 'FindingRecorded', position: position(commit) } }),
    checkpoint: (commit: number) => checkpointReached!(fed, position(commit)),
    caughtUp: () => fed.emit('caughtUp'),
  };
};

const describe = (messages: LogMessage[]) =>
  messages.map((message) => `${message.kind} ${message.kind === 'event' ? message.event.position : message.position}`);

t.test('caught-up and checkpoints keep their place among events still buffered in the client', async (t) => {
  const { reader, event, checkpoint, caughtUp } = await handFedSubscription('300');
  t.teardown(() => reader.subscription.close());
  // Nothing is read yet: every event waits in the client's buffer when the other messages come.
  event(100);
  event(200);
  checkpoint(250);
  event(280);
  caughtUp();
  event(400);
  const messages = await reader.until((message) => message.kind === 'event' && message.event.position === '400');
  t.strictSame(describe(messages), ['event 100', 'event 200', 'checkpoint 250', 'event 280', 'caught-up 300', 'event 400']);
});

t.test('without the server’s caught-up (before 23.10) it is derived from the head read at the start', async (t) => {
  const byEvent = await handFedSubscription('200');
  t.teardown(() => byEvent.reader.subscription.close());
  byEvent.event(100);
  byEvent.event(200);
  byEvent.event(300);
  t.strictSame(describe((await byEvent.reader.events(3)).messages), ['event 100', 'event 200', 'caught-up 200', 'event 300'], 'at the event at the head');

  const byCheckpoint = await handFedSubscription('300');
  t.teardown(() => byCheckpoint.reader.subscription.close());
  byCheckpoint.event(100);
  byCheckpoint.checkpoint(320);
  t.strictSame(describe(await byCheckpoint.reader.untilCaughtUp()), ['event 100', 'checkpoint 320', 'caught-up 320'], 'at a checkpoint past the head');

  const empty = await handFedSubscription(undefined);
  t.teardown(() => empty.reader.subscription.close());
  t.strictSame(describe(await empty.reader.untilCaughtUp()), ['caught-up undefined'], 'at once on a log without events');
});
