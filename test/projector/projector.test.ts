import t, { type Test } from 'tap';
import { EventStoreUnavailableError, InMemoryEventStore } from '../../infra/event-store/index.js';
import {
  PositionWaitTimeoutError,
  ProjectionFailedError,
  ProjectorStoppedError,
  rebuildProjection,
} from '../../infra/projector/index.js';
import { InMemoryReadModelStore } from '../../infra/read-models/index.js';
import { projectorScenarios } from './scenarios.js';
import {
  activity,
  append,
  appendFindings,
  capturingLogger,
  documentsOf,
  engagementStarted,
  expectedDocuments,
  eventStoreWith,
  failingStore,
  findingRecorded,
  interceptingStore,
  interviewCancelled,
  poisoned,
  projectorFor,
  silentLogger,
  starts,
  unavailable,
  until,
  type Activity,
} from './support.js';

projectorScenarios(t, 'the in-memory store', async () => {
  const store = new InMemoryReadModelStore();
  return { store, close: () => store.close() };
});

const fresh = (t: Test) => {
  const eventStore = new InMemoryEventStore();
  const store = new InMemoryReadModelStore();
  t.teardown(() => eventStore.close());
  return { eventStore, store };
};

t.test('a projection that throws on an event stops there, says which event, and the others go on', async (t) => {
  const { eventStore, store } = fresh(t);
  await appendFindings(eventStore, { run: 'p', engagements: 3, perEngagement: 30 });
  const poison = findingRecorded('p.e2', 999);
  const poisonPosition = await append(eventStore, [poison]);
  await appendFindings(eventStore, { run: 'q', engagements: 2, perEngagement: 10 });
  await append(eventStore, [engagementStarted('p.e9')]);
  const head = (await eventStore.headPosition())!;

  const { logger, lines } = capturingLogger();
  const { projector, registry } = projectorFor(t, {
    eventStore,
    store,
    logger,
    projections: [poisoned((event) => event.eventId === poison.eventId), starts],
  });
  await projector.start();
  await projector.waitForPosition(head, 5_000, ['starts']);
  await until(async () => (await projector.status())[0]?.state === 'failed');

  const [failed, other] = await projector.status();
  t.match(failed, {
    name: 'activity',
    state: 'failed',
    checkpoint: String(BigInt(poisonPosition) - 1n),
    lastError: { eventId: poison.eventId, eventType: 'FindingRecorded', position: poisonPosition, message: /cannot apply FindingRecorded/ },
  });
  t.match(other, { name: 'starts', state: 'live', checkpoint: head }, 'the other projection is not held up');
  const documents = await documentsOf<Activity>(store, 'activity');
  t.equal(
    documents.reduce((sum, document) => sum + document.count, 0),
    90,
    'every event before the poisoned one is applied, none from it on',
  );
  t.notOk(documents.some((document) => document.eventIds.includes(poison.eventId)));
  t.equal(await store.checkpoint('activity'), String(BigInt(poisonPosition) - 1n), 'the stored checkpoint stays before the event');
  t.ok(
    lines.some((line) => line['level'] === 50 && (line['event'] as { id?: string } | undefined)?.id === poison.eventId),
    'the failure is logged as an error with the event',
  );
  t.match(await registry.getSingleMetricAsString('projection_failed'), /projection_failed\{projection="activity"\} 1/);
  t.match(await registry.getSingleMetricAsString('projection_failed'), /projection_failed\{projection="starts"\} 0/);
  await t.rejects(projector.waitForPosition(head, 5_000), ProjectionFailedError, 'read-your-writes on a stopped projection fails at once');
  await t.resolves(projector.waitForPosition(head, 5_000, ['starts']));

  // More events do not move it past the event either.
  await append(eventStore, [findingRecorded('p.e1', 1000)]);
  await projector.waitForPosition((await eventStore.headPosition())!, 5_000, ['starts']);
  t.equal((await projector.status())[0]?.checkpoint, String(BigInt(poisonPosition) - 1n));
});

t.test('a projection fixed after it stopped runs again once rebuilt', async (t) => {
  const { eventStore, store } = fresh(t);
  await appendFindings(eventStore, { run: 'x', engagements: 2, perEngagement: 10 });
  let broken = true;
  const projection = poisoned((event) => broken && event.type === 'FindingRecorded' && event.data.findingId === 'f-5');
  const { projector, registry } = projectorFor(t, { eventStore, store, projections: [projection] });
  await projector.start();
  await until(async () => (await projector.status())[0]?.state === 'failed');
  broken = false;
  const result = await projector.rebuildProjection('activity');
  t.equal(result.position, await eventStore.headPosition());
  t.match((await projector.status())[0], { state: 'live', lastError: undefined });
  t.match(await registry.getSingleMetricAsString('projection_failed'), /projection_failed\{projection="activity"\} 0/);
  const next = await append(eventStore, [findingRecorded('x.e1', 50)]);
  await projector.waitForPosition(next, 5_000);
  t.same(await documentsOf(store, 'activity'), await expectedDocuments(eventStore, activity));
});

t.test('transient store failures are retried with backoff, logged, and end consistent', async (t) => {
  const { eventStore, store } = fresh(t);
  await appendFindings(eventStore, { run: 't', engagements: 8, perEngagement: 50 });
  const flaky = failingStore(store, (operation, call) => {
    if (operation === 'checkpoint' && call <= 2) return unavailable();
    if (operation === 'getStates' && call % 3 === 0 && call < 20) return unavailable();
    if (operation === 'write' && call <= 4) return unavailable();
    if (operation === 'saveCheckpoint' && call % 2 === 0 && call < 10) return unavailable();
    return undefined;
  });
  const { logger, lines } = capturingLogger();
  const { projector } = projectorFor(t, { eventStore, store: flaky, logger, catchUpBatch: { maxEvents: 50 } });
  await projector.start();
  await projector.waitForPosition((await eventStore.headPosition())!, 10_000);
  t.same(await documentsOf(store, 'activity'), await expectedDocuments(eventStore, activity), 'nothing lost, nothing doubled');
  const retries = lines.filter((line) => line['level'] === 40 && /retrying/.test(String(line['msg'])));
  t.ok(retries.length >= 4 + 2, `each retry is logged (${retries.length})`);
  t.match(retries[0], { attempt: 1, retryInMs: Number });
  t.match((await projector.status())[0], { state: /catching-up|live/, lastError: undefined }, 'the projection never counted as failed');
});

t.test('a store that stays down is retried until it is back, with growing waits', async (t) => {
  const { eventStore, store } = fresh(t);
  await appendFindings(eventStore, { run: 'd', engagements: 2, perEngagement: 5 });
  let down = true;
  const outage = failingStore(store, (operation) => (down && operation === 'write' ? unavailable() : undefined));
  const { logger, lines } = capturingLogger();
  const { projector } = projectorFor(t, { eventStore, store: outage, logger, retry: { initialMs: 2, maxMs: 16 } });
  await projector.start();
  await until(() => lines.filter((line) => /retrying/.test(String(line['msg']))).length >= 8);
  const waits = lines.filter((line) => /retrying/.test(String(line['msg']))).map((line) => line['retryInMs'] as number);
  t.ok(waits[3]! > waits[0]!, `waits grow (${waits.join(', ')})`);
  t.ok(waits.every((wait) => wait <= 16), 'up to the bound');
  down = false;
  await projector.waitForPosition((await eventStore.headPosition())!, 5_000);
  t.same(await documentsOf(store, 'activity'), await expectedDocuments(eventStore, activity));
});

t.test('an event store that fails while followed is followed again from where the projection stands', async (t) => {
  const { eventStore, store } = fresh(t);
  await appendFindings(eventStore, { run: 'f', engagements: 3, perEngagement: 20 });
  let subscriptions = 0;
  const failingOnce = eventStoreWith(eventStore, {
    subscribeToAll: (options) => {
      subscriptions++;
      if (subscriptions === 1) throw new EventStoreUnavailableError('down (on purpose)');
      return eventStore.subscribeToAll(options);
    },
  });
  const { projector } = projectorFor(t, { eventStore: failingOnce, store });
  await projector.start();
  await projector.waitForPosition((await eventStore.headPosition())!, 5_000);
  t.equal(subscriptions, 2, 'subscribed again after the failure');
  t.same(await documentsOf(store, 'activity'), await expectedDocuments(eventStore, activity));
});

t.test('waitForPosition: resolves once every projection has passed the position, rejects on timeout', async (t) => {
  const { eventStore, store } = fresh(t);
  const { projector } = projectorFor(t, { eventStore, store, projections: [activity, starts] });
  await projector.start();
  // An event only `starts` reads: `activity` must still count as having passed it.
  const position = await append(eventStore, [engagementStarted('w.e1')]);
  await t.resolves(projector.waitForPosition(position, 2_000));
  const later = await append(eventStore, [findingRecorded('w.e1', 1)]);
  await t.resolves(projector.waitForPosition(later, 2_000));
  await t.resolves(projector.waitForPosition('1', 2_000), 'an earlier position resolves at once');

  const beyond = String(BigInt(later) + 5n);
  const started = Date.now();
  const error = await projector.waitForPosition(beyond, 100).catch((e: unknown) => e);
  t.type(error, PositionWaitTimeoutError);
  t.same((error as PositionWaitTimeoutError).behind, ['activity', 'starts']);
  t.ok(Date.now() - started >= 95, 'after the timeout');

  const waiting = projector.waitForPosition(String(BigInt(later) + 2n), 5_000);
  await append(eventStore, [findingRecorded('w.e1', 2)]);
  await append(eventStore, [findingRecorded('w.e2', 1)]);
  await t.resolves(waiting, 'a waiter resolves when the position arrives');

  t.throws(() => projector.waitForPosition('not-a-position', 10), RangeError);
  const pending = projector.waitForPosition(String(BigInt(later) + 100n), 5_000);
  await projector.stop();
  await t.rejects(pending, ProjectorStoppedError, 'stopping rejects whoever still waits');
});

t.test('read-your-writes right after an append does not wait for the batch timer', async (t) => {
  const { eventStore, store } = fresh(t);
  const { projector } = projectorFor(t, { eventStore, store, batch: { maxWaitMs: 5_000 } });
  await projector.start();
  await until(async () => (await projector.status())[0]?.state === 'live');
  const started = Date.now();
  const position = await append(eventStore, [findingRecorded('l.e1', 1)]);
  await projector.waitForPosition(position, 4_000);
  t.ok(Date.now() - started < 1_000, `a live event is applied at once (${Date.now() - started} ms)`);
});

t.test('lag: events and seconds behind while a projection is held up, zero at the head', async (t) => {
  const { eventStore, store } = fresh(t);
  await appendFindings(eventStore, { run: 'g', engagements: 1, perEngagement: 10, occurredAt: '2026-03-02T09:00:00.000Z' });
  let now = Date.parse('2026-03-02T09:00:30.000Z');
  let release!: () => void;
  let held = false;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const holding = interceptingStore(store, async (operation) => {
    if (held && operation === 'write') await gate;
  });
  const { projector, registry } = projectorFor(t, { eventStore, store: holding, now: () => now });

  const [before] = await projector.status();
  t.match(before, { state: 'stopped', checkpoint: undefined, lagEvents: 10, lagSeconds: 30 }, 'before it starts: the whole log, waiting since its first event');
  await projector.start();
  await projector.waitForPosition('10', 5_000);
  t.match((await projector.status())[0], { lagEvents: 0, lagSeconds: 0 });

  held = true;
  await appendFindings(eventStore, { run: 'g', engagements: 1, perEngagement: 5, occurredAt: '2026-03-02T09:01:00.000Z' });
  now = Date.parse('2026-03-02T09:02:00.000Z');
  await new Promise((resolve) => setTimeout(resolve, 300));
  const [behind] = await projector.status();
  t.match(behind, { checkpoint: '10', lagEvents: 5, lagSeconds: 60 }, 'seconds since the oldest waiting event occurred');
  const metrics = await registry.metrics();
  t.match(metrics, /projection_lag_events\{projection="activity"\} 5/);
  t.match(metrics, /projection_lag_seconds\{projection="activity"\} 60/);
  release();
  await projector.waitForPosition('15', 5_000);
  await new Promise((resolve) => setTimeout(resolve, 300));
  t.match((await projector.status())[0], { checkpoint: '15', lagEvents: 0, lagSeconds: 0 });
  t.match(await registry.metrics(), /projection_events_applied_total\{projection="activity"\} 15/);
});

t.test('stop is clean: it waits for the batch in hand, and start again carries on from the checkpoint', async (t) => {
  const { eventStore, store } = fresh(t);
  await appendFindings(eventStore, { run: 's', engagements: 4, perEngagement: 100 });
  const { projector } = projectorFor(t, { eventStore, store, catchUpBatch: { maxEvents: 20 } });
  await projector.start();
  await until(async () => ((await projector.status())[0]?.checkpoint ?? '0') !== '0');
  await projector.stop();
  t.equal((await projector.status())[0]?.state, 'stopped');
  const checkpoint = await store.checkpoint('activity');
  const documents = await documentsOf<Activity>(store, 'activity');
  t.equal(
    documents.reduce((sum, document) => sum + document.count, 0),
    Number(checkpoint),
    'the documents hold exactly the events up to the checkpoint: nothing was half-written',
  );
  await projector.start();
  await projector.waitForPosition('400', 5_000);
  t.same(await documentsOf(store, 'activity'), await expectedDocuments(eventStore, activity));
});

t.test('rebuildProjection on its own (the CLI path) builds, swaps and sets the checkpoint', async (t) => {
  const { eventStore, store } = fresh(t);
  await appendFindings(eventStore, { run: 'o', engagements: 5, perEngagement: 30 });
  await store.collection<Activity>('activity').write([
    { kind: 'upsert', id: 'stale', document: { id: 'stale', engagementId: 'x', position: '1', count: 1, eventIds: [] }, ifPositionBelow: '1' },
  ]);
  const result = await rebuildProjection({ eventStore, store, projection: activity, logger: silentLogger() });
  t.match(result, { projection: 'activity', position: '150', eventsApplied: 150 });
  t.equal(await store.checkpoint('activity'), '150');
  t.same(await documentsOf(store, 'activity'), await expectedDocuments(eventStore, activity), 'built from scratch: the stale document is gone');
});

t.test('a rebuild whose documents do not fit its cache writes them out as it goes and still equals the fold', async (t) => {
  const { eventStore, store } = fresh(t);
  await appendFindings(eventStore, { run: 'v', engagements: 12, perEngagement: 15, chunk: 3 });
  await append(eventStore, [interviewCancelled('v.e3'), findingRecorded('v.e4', 100), interviewCancelled('v.e5'), findingRecorded('v.e5', 101)]);
  await appendFindings(eventStore, { run: 'v', engagements: 12, perEngagement: 4, chunk: 2 });
  const staged: number[] = [];
  const counting = interceptingStore(store, (operation) => {
    if (operation === 'write') staged.push(1);
  });
  const result = await rebuildProjection({
    eventStore,
    store: counting,
    projection: activity,
    logger: silentLogger(),
    batch: { maxEvents: 7 },
    maxCachedDocuments: 3,
  });
  t.equal(result.position, await eventStore.headPosition());
  t.ok(staged.length > 5, `the cache was written out many times (${staged.length})`);
  t.same(await documentsOf(store, 'activity'), await expectedDocuments(eventStore, activity));
});

t.test('a rebuild that hits a throwing projection fails and leaves the live read model alone', async (t) => {
  const { eventStore, store } = fresh(t);
  await appendFindings(eventStore, { run: 'h', engagements: 2, perEngagement: 10 });
  const { projector } = projectorFor(t, { eventStore, store });
  await projector.start();
  await projector.waitForPosition('20', 5_000);
  const before = await documentsOf(store, 'activity');
  const broken = poisoned((event) => event.position === '7');
  await t.rejects(rebuildProjection({ eventStore, store, projection: broken, logger: silentLogger() }), ProjectionFailedError);
  t.same(await documentsOf(store, 'activity'), before);
  t.equal(await store.checkpoint('activity'), '20');
});

t.test('metrics are registered on the registry given, labelled by projection', async (t) => {
  const { eventStore, store } = fresh(t);
  const { projector, registry } = projectorFor(t, { eventStore, store, projections: [activity, starts] });
  await projector.start();
  const position = await append(eventStore, [findingRecorded('m.e1', 1), findingRecorded('m.e1', 2), engagementStarted('m.e1')]);
  await projector.waitForPosition(position, 5_000);
  const text = await registry.metrics();
  for (const name of ['projection_lag_events', 'projection_lag_seconds', 'projection_events_applied_total', 'projection_failed']) {
    t.match(text, new RegExp(`${name}\\{projection="activity"\\}`), `${name} for activity`);
    t.match(text, new RegExp(`${name}\\{projection="starts"\\}`), `${name} for starts`);
  }
  t.match(text, /projection_events_applied_total\{projection="activity"\} 2/);
  t.match(text, /projection_events_applied_total\{projection="starts"\} 1/);
});

t.test('two projections with one name are refused', async (t) => {
  const { eventStore, store } = fresh(t);
  t.throws(() => projectorFor(t, { eventStore, store, projections: [activity, activity] }), RangeError);
});
