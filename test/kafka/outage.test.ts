/**
 * A broker outage while events are appended ends with everything delivered. The publisher reaches
 * the shared broker only through a TCP proxy on loopback; switching the proxy off is the outage
 * (the broker itself keeps serving everyone else). The publisher reports it (state, last error,
 * lag), retries with backoff, and once the proxy is back delivers every event, in order per
 * engagement, the checkpoint never having run ahead of the broker.
 */
import t from 'tap';
import { InMemoryEventStore } from '../../infra/event-store/index.js';
import { InMemoryCheckpointer } from '../../infra/consumer/index.js';
import { createPublisher } from '../../infra/publisher/index.js';
import type { IntegrationEvent } from '../../contracts/index.js';
import { brokers, deleteTopic, quietLogger, skip, TopicReader, uniqueTopic } from './support/kafka.js';
import { appendAll, expectedIntegrationEvents, idsByEngagement, scenario } from './support/scenario.js';
import { TcpProxy } from './support/tcp-proxy.js';

const waitFor = async (condition: () => Promise<boolean> | boolean, what: string, timeoutMs = 30_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

t.test('a broker outage during appends ends with everything delivered', { skip, timeout: 120_000 }, async (t) => {
  const topic = uniqueTopic('outage');
  const proxy = new TcpProxy(brokers!.split(',')[0]!);
  await proxy.start();
  const store = new InMemoryEventStore();
  const checkpoints = new InMemoryCheckpointer();
  const publisher = createPublisher({
    store,
    checkpoints,
    brokers: [proxy.address],
    topic,
    logger: quietLogger(),
    kafka: { socketFactory: proxy.socketFactory(), requestTimeout: 5_000 },
    backoff: { initialMs: 100, maxMs: 1_000 },
    maxBatchEvents: 25,
  });
  const reader = new TopicReader(topic);
  t.teardown(async () => {
    await proxy.start().catch(() => {});
    await publisher.stop();
    await reader.stop();
    await proxy.stop();
    await deleteTopic(topic);
  });

  await appendAll(store, scenario(3, 6));
  await publisher.start();
  await waitFor(async () => (await publisher.status()).state === 'live', 'live');

  // Appends keep coming, command by command, through the outage.
  let appending = true;
  const appender = (async () => {
    while (appending) {
      await appendAll(store, scenario(1, 1));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();

  await new Promise((resolve) => setTimeout(resolve, 300));
  await proxy.stop();
  await waitFor(async () => (await publisher.status()).state === 'retrying', 'the publisher to notice the outage');
  const down = await publisher.status();
  t.equal(down.lastError?.stage, 'broker', `reported: ${down.lastError?.message}`);
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const during = await publisher.status();
  t.ok(during.lagEvents! > 0, `lag grows during the outage: ${during.lagEvents} events, ${during.lagSeconds?.toFixed(1)} s`);
  const checkpointDuring = during.checkpoint;

  await proxy.start();
  appending = false;
  await appender;
  await waitFor(async () => (await publisher.status()).checkpoint === (await store.headPosition()), 'the publisher to catch up', 60_000);
  t.match(await publisher.status(), { state: 'live', lagEvents: 0 }, 'live again, nothing waiting');
  t.not(checkpointDuring, await store.headPosition(), 'the checkpoint had stayed behind during the outage');

  const expected = await expectedIntegrationEvents(store);
  await reader.start();
  await reader.until(() => reader.distinctIds().size >= expected.length);
  await new Promise((resolve) => setTimeout(resolve, 300));
  t.same([...reader.distinctIds()].sort(), expected.map((e) => e.id).sort(), `all ${expected.length} events delivered`);
  const received = reader.messages.map((m) => JSON.parse(m.value) as IntegrationEvent);
  const firstSeen = received.filter((event, i) => received.findIndex((e) => e.id === event.id) === i);
  t.same(idsByEngagement(firstSeen), idsByEngagement(expected), 'in log order per engagement (first deliveries)');
  t.pass(`${reader.messages.length - expected.length} redeliveries`);
});
