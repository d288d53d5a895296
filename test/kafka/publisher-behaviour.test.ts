/**
 * The publisher's rules with a sink the test controls (no broker needed): the checkpoint moves only
 * after an acknowledgement, failures are retried with backoff and reported, `stop()` finishes the
 * batch in flight, batches stay under their size limit; and the file checkpoint store.
 */
import t from 'tap';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import pino from 'pino';
import type { IntegrationEvent } from '../../contracts/index.js';
import { InMemoryEventStore } from '../../infra/event-store/index.js';
import { CheckpointStoreError, InMemoryCheckpointer } from '../../infra/consumer/index.js';
import { EventPublisher, FileCheckpointStore } from '../../infra/publisher/index.js';
import { FakeSink, gate } from './support/fake-sink.js';
import { appendAll, expectedIntegrationEvents, idsByEngagement, scenario } from './support/scenario.js';

const logger = pino({ level: 'silent' });
const waitFor = async (condition: () => Promise<boolean> | boolean, what: string, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};
const fast = { initialMs: 5, maxMs: 40 };

t.test('the checkpoint moves only after the broker acknowledged the batch', async (t) => {
  const store = new InMemoryEventStore();
  const checkpoints = new InMemoryCheckpointer();
  const sink = new FakeSink();
  const hold = gate();
  sink.gate = hold.promise;
  await appendAll(store, scenario(2, 2));
  const publisher = new EventPublisher({ store, checkpoints, sink, logger, maxBatchEvents: 1_000 });
  t.teardown(() => publisher.stop());
  await publisher.start();

  await waitFor(() => sink.sending === 1, 'a send');
  await new Promise((resolve) => setTimeout(resolve, 50));
  t.equal(await checkpoints.load('kafka-publisher'), undefined, 'no checkpoint while the batch waits for its acknowledgement');
  t.equal((await publisher.status()).state, 'catching-up');

  hold.open();
  await waitFor(async () => (await checkpoints.load('kafka-publisher')) === (await store.headPosition()), 'the checkpoint');
  t.equal(sink.acknowledged.length, (await expectedIntegrationEvents(store)).length, 'everything acknowledged');
  await waitFor(async () => (await publisher.status()).state === 'live', 'live');
});

t.test('failures are retried with backoff, reported, and end with everything delivered in order', async (t) => {
  const store = new InMemoryEventStore();
  const sink = new FakeSink();
  const registry = new Registry();
  sink.down = true;
  await appendAll(store, scenario(3, 3));
  const publisher = new EventPublisher({ store, checkpoints: new InMemoryCheckpointer(), sink, logger, registry, backoff: fast, maxBatchEvents: 7 });
  t.teardown(() => publisher.stop());
  await publisher.start();

  await waitFor(() => sink.opens >= 4, 'a few attempts');
  const down = await publisher.status();
  t.match(down, { state: 'retrying', checkpoint: undefined, lastError: { stage: 'broker', message: /down/ } });
  t.ok(down.lagEvents! > 0 && down.lagSeconds! > 0, 'lag in events and seconds is reported');
  const errors = (await registry.getSingleMetric('publisher_errors_total')!.get()).values.find((v) => v.labels['stage'] === 'broker');
  t.ok(errors && errors.value >= 3, 'publisher_errors_total{stage="broker"} counts the failures');

  // Heal, append, fail again mid-way, heal again.
  sink.down = false;
  await waitFor(async () => (await publisher.status()).state === 'live', 'live');
  sink.down = true;
  await appendAll(store, scenario(2, 2));
  await waitFor(async () => (await publisher.status()).state === 'retrying', 'retrying');
  sink.down = false;
  await appendAll(store, scenario(1, 2));

  const expected = await expectedIntegrationEvents(store);
  await waitFor(async () => (await publisher.status()).checkpoint === (await store.headPosition()), 'everything');
  const delivered = sink.acknowledged.map((m) => JSON.parse(m.value) as IntegrationEvent);
  const firstSeen = delivered.filter((event, i) => delivered.findIndex((e) => e.id === event.id) === i);
  t.same(idsByEngagement(firstSeen), idsByEngagement(expected), 'every event, first deliveries in log order per engagement');
  t.match(await publisher.status(), { state: 'live', lagEvents: 0 });
});

t.test('checkpoint messages advance the stored checkpoint past internal-only events', async (t) => {
  const store = new InMemoryEventStore({ checkpointEvery: 10 });
  const checkpoints = new InMemoryCheckpointer();
  const sink = new FakeSink();
  const story = scenario(1, 1);
  await appendAll(store, story);
  const publisher = new EventPublisher({ store, checkpoints, sink, logger });
  t.teardown(() => publisher.stop());
  await publisher.start();
  await waitFor(async () => (await checkpoints.load('kafka-publisher')) === (await store.headPosition()), 'caught up');
  const published = sink.acknowledged.length;

  // Only internal-only events from now on: findings of the story's interview.
  const interview = story.find((append) => append.events.some((event) => event.type === 'FindingRecorded'))!;
  const finding = interview.events.find((event) => event.type === 'FindingRecorded')!;
  const findings = Array.from({ length: 45 }, (_, i) => ({ ...finding, eventId: randomUUID(), data: { ...finding.data, findingId: `f-x${i}` } }));
  const head = Number(await store.headPosition());
  let revision = 0;
  for await (const _ of store.readStream(interview.stream)) revision++;
  for (const event of findings) {
    const result = await store.appendToStream(interview.stream, [event], revision - 1);
    t.ok(result.ok);
    revision++;
  }
  await waitFor(async () => Number(await checkpoints.load('kafka-publisher')) >= head + 40, 'the checkpoint to follow the log');
  t.equal(sink.acknowledged.length, published, 'nothing published for internal-only events');
  t.match(await publisher.status(), { lagEvents: 0 });
});

t.test('stop() lets the batch in flight finish and saves its checkpoint', async (t) => {
  const store = new InMemoryEventStore();
  const checkpoints = new InMemoryCheckpointer();
  const sink = new FakeSink();
  const hold = gate();
  sink.gate = hold.promise;
  await appendAll(store, scenario(1, 4));
  const publisher = new EventPublisher({ store, checkpoints, sink, logger, maxBatchEvents: 5 });
  await publisher.start();
  await waitFor(() => sink.sending === 1, 'a send');
  const stopping = publisher.stop();
  setTimeout(hold.open, 50);
  await stopping;
  t.equal(sink.sends.length, 1, 'no batch after the one in flight');
  const sent = sink.sends[0]!;
  t.equal(sink.acknowledged.length, sent, 'the batch in flight was acknowledged');
  const last = (await expectedIntegrationEvents(store))[sent - 1]!;
  let lastPosition: string | undefined;
  for await (const event of store.readAll()) if (event.eventId === last.id) lastPosition = event.position;
  t.equal(await checkpoints.load('kafka-publisher'), lastPosition, 'the checkpoint is at the last acknowledged event');
  t.equal((await publisher.status()).state, 'stopped');
});

t.test('batches stay within their byte limit', async (t) => {
  const store = new InMemoryEventStore();
  const sink = new FakeSink();
  await appendAll(store, scenario(2, 10));
  const publisher = new EventPublisher({ store, checkpoints: new InMemoryCheckpointer(), sink, logger, maxBatchBytes: 8_000 });
  t.teardown(() => publisher.stop());
  await publisher.start();
  await waitFor(async () => (await publisher.status()).state === 'live', 'live');
  const sizes = sink.sends;
  t.ok(sizes.length > 3, `${sizes.length} sends`);
  t.ok(Math.max(...sizes) < 15, 'each holds only as many messages as fit');
});

t.test('the file checkpoint store saves atomically and refuses a damaged file', async (t) => {
  const directory = await mkdtemp(join(tmpdir(), 'checkpoints-'));
  t.teardown(() => rm(directory, { recursive: true, force: true }));
  const store = await FileCheckpointStore.open(join(directory, 'checkpoints'));
  t.equal(await store.load('kafka-publisher'), undefined, 'none yet');
  await store.save('kafka-publisher', '42');
  await store.save('kafka-publisher', '43');
  t.equal(await store.load('kafka-publisher'), '43');
  t.equal(await (await FileCheckpointStore.open(join(directory, 'checkpoints'))).load('kafka-publisher'), '43', 'survives reopening');
  t.same(await readdir(join(directory, 'checkpoints')), ['kafka-publisher.json'], 'no temporary files left');
  await writeFile(join(directory, 'checkpoints', 'kafka-publisher.json'), '{"posi');
  await t.rejects(store.load('kafka-publisher'), CheckpointStoreError, 'a damaged checkpoint stops the consumer instead of starting over');
  await t.rejects(store.save('../escape', '1'), CheckpointStoreError, 'names cannot leave the directory');
});
