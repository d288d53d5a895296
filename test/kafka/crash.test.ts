/**
 * Killing the publisher loses nothing. A publisher process (SQLite log, file checkpoints) is
 * SIGKILLed once between a batch's acknowledgement and its checkpoint, and once at a random moment
 * mid-stream, while events keep being appended; a last run finishes. The topic then holds every
 * public event, some more than once, and the example consumer, deduping by event id, applies each
 * exactly once and in log order per engagement.
 */
import t from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { SqliteEventStore } from '../../infra/event-store/index.js';
import { ensureTopic } from '../../infra/kafka/index.js';
import { brokerList, brokers, deleteTopic, kafkaClient, skip, TopicReader, uniqueTopic } from './support/kafka.js';
import { loadExample, type ReceivedEvent } from './support/example-consumer.js';
import { ASYNCAPI_PATH } from './support/published-schema.js';
import { appendAll, expectedIntegrationEvents, idsByEngagement, scenario } from './support/scenario.js';

const CHILD = resolve(import.meta.dirname, 'support/publisher-process.ts');

type Child = { process: ChildProcess; facts: Record<string, unknown>[]; waitFor: (fact: string, timeoutMs?: number) => Promise<Record<string, unknown>> };

const startPublisher = (env: Record<string, string>): Child => {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const facts: Record<string, unknown>[] = [];
  const listeners = new Set<() => void>();
  createInterface({ input: child.stdout! }).on('line', (line) => {
    facts.push(JSON.parse(line) as Record<string, unknown>);
    for (const listener of listeners) listener();
  });
  const waitFor = (fact: string, timeoutMs = 30_000) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const check = () => {
        const found = facts.find((f) => f['fact'] === fact);
        if (!found) return;
        listeners.delete(check);
        clearTimeout(timer);
        resolve(found);
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`the publisher process did not report ${fact} within ${timeoutMs} ms (facts: ${JSON.stringify(facts.slice(-5))})`));
      }, timeoutMs);
      listeners.add(check);
      check();
    });
  return { process: child, facts, waitFor };
};

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => child.once('exit', () => resolve()));

const kill = async (child: Child) => {
  child.process.kill('SIGKILL');
  await exited(child.process);
};

t.test('a publisher killed mid-batch loses nothing; the example consumer dedupes the redeliveries', { skip, timeout: 180_000 }, async (t) => {
  const directory = await mkdtemp(join(tmpdir(), 'publisher-crash-'));
  const topic = uniqueTopic('crash');
  const eventsFile = join(directory, 'events.sqlite3');
  const store = SqliteEventStore.open(eventsFile);
  const env = { EVENTS_FILE: eventsFile, CHECKPOINT_DIR: join(directory, 'checkpoints'), KAFKA_BROKERS: brokers!, KAFKA_TOPIC: topic, BATCH: '20' };

  const admin = kafkaClient().admin();
  await admin.connect();
  await ensureTopic(admin, topic);
  await admin.disconnect();

  const { DownstreamConsumer, ProcessedStore, loadAsyncApiDocument, publishedSchema } = await loadExample();
  const applied: ReceivedEvent[] = [];
  const processed = new ProcessedStore(join(directory, 'consumer.sqlite3'));
  const consumer = new DownstreamConsumer({
    brokers: brokerList(),
    topic,
    groupId: `example-${topic}`,
    schema: publishedSchema(await loadAsyncApiDocument(ASYNCAPI_PATH)),
    store: processed,
    handle: (event) => void applied.push(event),
  });
  const reader = new TopicReader(topic);
  const children: Child[] = [];
  t.teardown(async () => {
    for (const child of children) if (child.process.exitCode === null && child.process.signalCode === null) await kill(child);
    await consumer.stop();
    await reader.stop();
    processed.close();
    await store.close();
    await deleteTopic(topic);
    await rm(directory, { recursive: true, force: true });
  });
  await consumer.start();

  await appendAll(store, scenario(5, 10));

  // 1. Killed after the broker acknowledged a batch, before its checkpoint was saved.
  const first = startPublisher({ ...env, BLOCK_AT_SAVE: '2' });
  children.push(first);
  await first.waitFor('save-blocked');
  await kill(first);
  t.pass(`killed while the checkpoint save of ${JSON.stringify((await first.waitFor('save-blocked'))['position'])} hung`);

  // 2. Killed at a random moment while it sends, with appends going on.
  const second = startPublisher(env);
  children.push(second);
  await second.waitFor('started');
  const appending = appendAll(store, scenario(3, 10));
  await second.waitFor('saved');
  await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 150));
  await kill(second);
  await appending;

  // 3. A last run, with more appends while it is live, then a clean stop.
  const third = startPublisher(env);
  children.push(third);
  await third.waitFor('started');
  await appendAll(store, scenario(2, 5));

  const expected = await expectedIntegrationEvents(store);
  const deadline = Date.now() + 60_000;
  while (processed.isProcessed(expected.at(-1)!.id) === false || applied.length < expected.length) {
    if (Date.now() > deadline) throw new Error(`the consumer applied ${applied.length} of ${expected.length} events`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  third.process.kill('SIGTERM');
  await third.waitFor('stopped');

  await reader.start();
  await reader.until((messages) => reader.distinctIds().size >= expected.length && messages.length > expected.length, 30_000);
  const duplicates = reader.messages.length - reader.distinctIds().size;
  t.ok(duplicates > 0, `the topic holds ${reader.messages.length} messages for ${expected.length} events: ${duplicates} redeliveries`);
  t.same([...reader.distinctIds()].sort(), expected.map((e) => e.id).sort(), 'every public event is on the topic');

  await new Promise((resolve) => setTimeout(resolve, 300));
  t.equal(applied.length, expected.length, 'the consumer applied each event once');
  t.equal(new Set(applied.map((e) => e.id)).size, expected.length, 'no event applied twice');
  t.ok(consumer.counts.duplicate > 0, `the consumer dropped ${consumer.counts.duplicate} redeliveries`);
  t.same(idsByEngagement(applied), idsByEngagement(expected), 'in log order per engagement');
  t.same(processed.parked(), [], 'nothing parked: every message met the published contract');
});
