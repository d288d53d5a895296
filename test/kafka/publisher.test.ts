/**
 * The publisher against the real broker: every public event of the log appears on the topic
 * exactly once in a clean run, keyed by engagement, in log order per engagement, with the
 * contract's headers, valid against the published schema; the checkpoint follows; the topic is
 * created with the contract's settings.
 */
import t from 'tap';
import { Registry } from 'prom-client';
// Default import: Node's named-export detection for kafkajs stops before `ConfigResourceTypes`.
import kafkajs from 'kafkajs';
import { CONTENT_TYPE, IntegrationEvent, TOPIC_SETTINGS } from '../../contracts/index.js';
import { InMemoryEventStore } from '../../infra/event-store/index.js';
import { InMemoryCheckpointer } from '../../infra/consumer/index.js';
import { createPublisher, type EventPublisher } from '../../infra/publisher/index.js';
import { brokerList, deleteTopic, kafkaClient, quietLogger, skip, TopicReader, uniqueTopic } from './support/kafka.js';
import { appendAll, expectedIntegrationEvents, idsByEngagement, scenario } from './support/scenario.js';
import { publishedValidator } from './support/published-schema.js';

const waitFor = async (condition: () => Promise<boolean> | boolean, timeoutMs = 30_000, what = 'condition') => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

t.test('a clean run publishes every public event exactly once, in log order per engagement', { skip }, async (t) => {
  const topic = uniqueTopic('clean');
  const store = new InMemoryEventStore();
  const checkpoints = new InMemoryCheckpointer();
  const registry = new Registry();
  const publisher = createPublisher({ store, checkpoints, brokers: brokerList(), topic, logger: quietLogger(), registry, maxBatchEvents: 50 });
  const reader = new TopicReader(topic);
  t.teardown(async () => {
    await publisher.stop();
    await reader.stop();
    await deleteTopic(topic);
  });

  // History before the publisher starts, then appends while it is live.
  const [history, live] = [scenario(4, 12), scenario(3, 8)];
  await appendAll(store, history);
  await publisher.start();
  await waitFor(async () => (await publisher.status()).state === 'live', 30_000, 'the publisher to catch up');
  await appendAll(store, live);

  const expected = await expectedIntegrationEvents(store);
  await reader.start();
  await reader.until((messages) => messages.length >= expected.length);
  await new Promise((resolve) => setTimeout(resolve, 500)); // anything extra would show up now

  t.equal(reader.messages.length, expected.length, `${expected.length} messages, no more`);
  t.equal(reader.distinctIds().size, expected.length, 'no duplicates');

  const received = reader.messages.map((m) => JSON.parse(m.value) as IntegrationEvent);
  t.same(idsByEngagement(received), idsByEngagement(expected), 'per engagement, the order of the log');
  const expectedById = new Map(expected.map((e) => [e.id, e]));
  t.ok(received.every((event) => JSON.stringify(event) === JSON.stringify(expectedById.get(event.id))), 'values are the mapped events');

  const validate = await publishedValidator();
  const invalid = reader.messages.flatMap((m) => {
    const problems = validate(m);
    return problems.length ? [{ offset: m.offset, problems }] : [];
  });
  t.same(invalid, [], 'every message validates against the published JSON schema (headers and value)');
  t.ok(received.every((event) => IntegrationEvent.safeParse(event).success), 'and against the strict zod schema');

  const message = reader.messages[0]!;
  const event = JSON.parse(message.value) as IntegrationEvent;
  t.equal(message.key, event.engagementId, 'key = engagement id');
  t.same(
    message.headers,
    {
      'event-id': event.id,
      'event-type': event.type,
      'schema-version': String(event.schemaVersion),
      'correlation-id': event.correlationId,
      'causation-id': event.causationId,
      'content-type': CONTENT_TYPE,
    },
    'headers',
  );
  const partitions = new Map<string, Set<number>>();
  for (const m of reader.messages) partitions.set(m.key, (partitions.get(m.key) ?? new Set()).add(m.partition));
  t.ok([...partitions.values()].every((p) => p.size === 1), 'each engagement on one partition');

  await waitFor(async () => (await publisher.status()).checkpoint === (await store.headPosition()), 10_000, 'the checkpoint');
  const status = await publisher.status();
  t.match(status, { state: 'live', lagEvents: 0, lagSeconds: 0, published: expected.length, lastError: undefined });
  t.equal(await checkpoints.load('kafka-publisher'), await store.headPosition(), 'the stored checkpoint is at the head');
  const metrics = await registry.getMetricsAsJSON();
  const value = (name: string) => metrics.find((m) => m.name === name)?.values[0]?.value;
  t.equal(value('publisher_published_total'), expected.length, 'publisher_published_total');
  t.equal(value('publisher_lag_events'), 0, 'publisher_lag_events');
});

t.test('the topic is created with the contract settings when it is missing', { skip }, async (t) => {
  const topic = uniqueTopic('settings');
  const store = new InMemoryEventStore();
  await appendAll(store, scenario(1, 1));
  const publisher = createPublisher({ store, checkpoints: new InMemoryCheckpointer(), brokers: brokerList(), topic, logger: quietLogger() });
  const admin = kafkaClient().admin();
  await admin.connect();
  t.teardown(async () => {
    await publisher.stop();
    await admin.disconnect();
    await deleteTopic(topic);
  });
  await publisher.start();
  await waitFor(async () => (await publisher.status()).state === 'live', 30_000, 'the publisher to catch up');

  const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
  t.equal(metadata?.partitions.length, TOPIC_SETTINGS.partitions, 'partitions');
  t.equal(metadata?.partitions[0]?.replicas.length, 1, 'replication factor min(3, brokers) = 1 on the one test broker');
  const { resources } = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name: topic, configNames: ['cleanup.policy', 'retention.ms', 'min.insync.replicas'] }],
  });
  const config = Object.fromEntries(resources[0]!.configEntries.map((entry) => [entry.configName, entry.configValue]));
  t.same(config, { 'cleanup.policy': 'delete', 'retention.ms': String(TOPIC_SETTINGS.retentionMs), 'min.insync.replicas': '1' });
  t.ok(TOPIC_SETTINGS.retentionMs >= 7 * 24 * 3_600_000, 'retention at least 7 days');
});

t.test('a restarted publisher continues after its checkpoint', { skip }, async (t) => {
  const topic = uniqueTopic('restart');
  const store = new InMemoryEventStore();
  const checkpoints = new InMemoryCheckpointer();
  const reader = new TopicReader(topic);
  const start = async () => {
    const publisher = createPublisher({ store, checkpoints, brokers: brokerList(), topic, logger: quietLogger() });
    await publisher.start();
    await waitFor(async () => (await publisher.status()).state === 'live', 30_000, 'the publisher to catch up');
    return publisher;
  };
  let publisher: EventPublisher | undefined;
  t.teardown(async () => {
    await publisher?.stop();
    await reader.stop();
    await deleteTopic(topic);
  });

  await appendAll(store, scenario(2, 3));
  publisher = await start();
  const first = (await expectedIntegrationEvents(store)).length;
  await waitFor(async () => (await publisher!.status()).published === first, 30_000, 'the first events');
  await publisher.stop();
  t.equal(await checkpoints.load('kafka-publisher'), await store.headPosition(), 'stop() saved the checkpoint');

  await appendAll(store, scenario(2, 3));
  publisher = await start();
  const expected = await expectedIntegrationEvents(store);
  await reader.start();
  await reader.until((messages) => messages.length >= expected.length);
  await new Promise((resolve) => setTimeout(resolve, 500));
  t.equal(reader.messages.length, expected.length, 'nothing published twice');
  t.equal((await publisher.status()).published, expected.length - first, 'the second run sent only the new events');
});
