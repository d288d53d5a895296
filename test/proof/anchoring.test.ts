/**
 * Anchoring: which engagements are due, what an anchor states and signs, that a broken history is
 * never anchored, and – against the real broker – that anchors reach the topic as the contract says.
 */
import t from 'tap';
import { IntegrationEvent, type IntegrationEventOfType } from '../../contracts/index.js';
import { InMemoryEventStore } from '../../infra/event-store/index.js';
import { createKafkaClient, KafkaSink } from '../../infra/kafka/index.js';
import { Anchoring, type AnchoringOptions } from '../../infra/proof/anchoring.js';
import { dueForAnchoring, InMemoryAnchorStore, MongoAnchorStore, SqliteAnchorStore, type AnchorStore } from '../../infra/proof/anchors.js';
import { MongoReadModelStore } from '../../infra/read-models/index.js';
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { checkSignature, generateSigningKey, ProofSigner } from '../../infra/proof/signing.js';
import { verifyEngagement } from '../../infra/proof/verify.js';
import { toOutgoingMessage } from '../../infra/publisher/outgoing-message.js';
import { findings, testRun } from '../event-store/builders.js';
import { brokerList, deleteTopic, quietLogger, skip, TopicReader, uniqueTopic } from '../kafka/support/kafka.js';
import { publishedValidator } from '../kafka/support/published-schema.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { pino } from 'pino';
import type { RecordedEvent } from '../../contracts/index.js';
import type { EventStore } from '../../infra/event-store/port.js';
import { InMemoryCheckpointer, LeaseLostError } from '../../infra/consumer/index.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Anchored = IntegrationEventOfType<'engagement.history-anchored'>;

/** An anchoring over `store` that publishes into `published`, with stores in memory unless given. */
const anchoringOf = async (store: EventStore, options: Partial<AnchoringOptions> & Pick<AnchoringOptions, 'intervalMs'>) => {
  const published: Anchored[] = [];
  const parts = {
    anchors: options.anchors ?? new InMemoryAnchorStore(),
    checkpoints: options.checkpoints ?? new InMemoryCheckpointer(),
  };
  const anchoring = new Anchoring({
    store,
    signer: await ProofSigner.fromJwks(await generateSigningKey('k-test')),
    publish: async (event) => void published.push(event),
    logger: pino({ level: 'silent' }),
    ...options,
    ...parts,
  });
  return { anchoring, published, ...parts };
};

const collect = async (store: EventStore): Promise<RecordedEvent[]> => {
  const events: RecordedEvent[] = [];
  for await (const event of store.readAll({ start: 'start' })) events.push(event);
  return events;
};

t.test('due: engagements with events after their last anchor, those waiting longest first', async (t) => {
  const touched = new Map([['a', '10'], ['b', '4'], ['c', '7'], ['d', '12']]);
  const anchoredAt = new Map([['a', '10'], ['c', '5']]);
  t.strictSame(dueForAnchoring(touched, anchoredAt, 10), ['b', 'c', 'd'], 'a is anchored up to its last event');
  t.strictSame(dueForAnchoring(touched, anchoredAt, 2), ['b', 'c'], 'at most the limit');
});

t.test('a round anchors what changed, signed; a broken history is reported and never anchored', async (t) => {
  const store = new InMemoryEventStore();
  const anchors = new InMemoryAnchorStore();
  const signer = await ProofSigner.fromJwks(await generateSigningKey('k-anchors'));
  const published: Anchored[] = [];
  const errors: unknown[] = [];
  const logger = pino({ level: 'error' }, { write: (line: string) => void errors.push(JSON.parse(line)) });
  let now = new Date('2026-03-02T09:00:00Z');
  const anchoring = new Anchoring({
    store,
    anchors,
    signer,
    checkpoints: new InMemoryCheckpointer(),
    intervalMs: 60_000,
    publish: async (event) => void published.push(event),
    clock: () => now,
    logger,
  });
  t.teardown(() => anchoring.close());
  /** The log as a batch, an interval after the session opened: what it anchored. */
  const follow = async () => {
    await anchoring.open();
    now = new Date(now.getTime() + 60_000);
    const before = published.length;
    await anchoring.handle({ events: await collect(store), through: await store.headPosition(), caughtUp: true });
    return published.slice(before).map((event) => event.engagementId);
  };
  const [one, two] = [testRun(), testRun()];
  await store.appendToStream(one.streams.interview(), findings(one, 1, 3), 'no-stream');
  await store.appendToStream(two.streams.interview(), findings(two, 1, 2), 'no-stream');

  t.strictSame((await follow()).sort(), [one.engagementId(), two.engagementId()].sort());
  const anchor = (await anchors.latest(one.engagementId()))!;
  const verified = await verifyEngagement(one.engagementId(), store.readEngagementAsStored(one.engagementId()));
  t.match(anchor, { kind: 'engagement-history-anchor', head: verified.head, events: 3, position: '5', anchoredAt: '2026-03-02T09:01:00.000Z' });
  t.strictSame(anchor.streams, verified.streams, 'the stream heads it vouches for');
  t.match(await checkSignature(anchor, signer.jwks), { valid: true, kid: 'k-anchors' });
  t.ok(published.every((event) => IntegrationEvent.safeParse(event).success), 'published as valid engagement.history-anchored events');
  t.strictSame(await follow(), [], 'nothing changed: nothing anchored');

  await store.appendToStream(one.streams.interview(), findings(one, 1, 1, 4), 2);
  store.tamper((log) => {
    const entry = log.find((e) => e.streamId === two.streams.interview())!;
    entry.serialized = { ...entry.serialized, data: entry.serialized.data.replace('quotes', 'quotez') };
  });
  await store.appendToStream(two.streams.interview(), findings(two, 1, 1, 3), 1);
  t.strictSame(await follow(), [one.engagementId()], 'only the engagement whose history verifies');
  t.match(errors, [{ engagementId: two.engagementId(), firstBreak: { reason: 'digest-mismatch' } }], 'the other is reported');
  t.equal((await anchors.latest(two.engagementId()))!.events, 2, 'and keeps its last good anchor');
});

t.test('following the log: a change waits at most the interval, even when the log stays quiet; the checkpoint passes only what is anchored', async (t) => {
  const store = new InMemoryEventStore();
  const { anchoring, anchors, checkpoints, published } = await anchoringOf(store, { intervalMs: 300 });
  t.teardown(() => anchoring.stop());
  const run = testRun();
  await store.appendToStream(run.streams.interview(), findings(run, 1, 2), 'no-stream');
  const appendedAt = Date.now();
  anchoring.start();
  await until(() => published.length === 1);
  t.ok(Date.now() - appendedAt >= 300, 'not before the interval ended');
  t.equal(published[0]!.data.anchor.events, 2);
  await until(async () => (await checkpoints.load('anchoring')) === (await store.headPosition()));
  t.pass('the checkpoint reached the head once the change was anchored');

  await store.appendToStream(run.streams.interview(), findings(run, 1, 1, 3), 1);
  await until(() => published.length === 2);
  t.equal(published[1]!.data.anchor.events, 3, 'the next change, anchored with no further event to wake it');
  t.strictSame((await anchors.latest(run.engagementId()))?.head, published[1]!.data.anchor.head, 'kept as the latest');
});

t.test('a process that takes over anchors what was left, and nothing twice', async (t) => {
  const store = new InMemoryEventStore();
  const anchors = new InMemoryAnchorStore();
  const checkpoints = new InMemoryCheckpointer();
  const signer = await ProofSigner.fromJwks(await generateSigningKey('k-handover'));
  const published: Anchored[] = [];
  let now = new Date('2026-03-02T09:00:00Z');
  const anchoringProcess = () =>
    new Anchoring({ store, anchors, checkpoints, signer, intervalMs: 60_000, clock: () => now, publish: async (event) => void published.push(event), logger: pino({ level: 'silent' }) });
  const batchAfter = async (position: string | undefined) => {
    const events: RecordedEvent[] = [];
    for await (const event of store.readAll({ start: position === undefined ? 'start' : { after: position } })) events.push(event);
    return { events, through: await store.headPosition(), caughtUp: true };
  };
  const [one, two] = [testRun(), testRun()];
  await store.appendToStream(one.streams.interview(), findings(one, 1, 2), 'no-stream');

  const first = anchoringProcess();
  const from = await first.open();
  now = new Date(now.getTime() + 60_000);
  await first.handle(await batchAfter(from));
  t.equal(published.length, 1, 'the first holder anchors the first engagement');
  const anchoredThrough = await checkpoints.load('anchoring');
  await store.appendToStream(two.streams.interview(), findings(two, 1, 2), 'no-stream');
  await first.handle(await batchAfter(anchoredThrough));
  await first.close();
  t.equal(published.length, 1, 'the second engagement changed within the interval: left waiting at the handover');
  t.equal(await checkpoints.load('anchoring'), anchoredThrough, 'and the checkpoint stays before it');

  const second = anchoringProcess();
  t.teardown(() => second.close());
  const resumed = await second.open();
  now = new Date(now.getTime() + 60_000);
  await second.handle(await batchAfter(resumed));
  t.strictSame(published.map((event) => event.engagementId), [one.engagementId(), two.engagementId()], 'the next holder anchors only what was left');
  t.equal(new Set(published.map((event) => event.id)).size, published.length, 'each anchor once');
});

t.test('an old holder whose lease ended hands out no anchor and moves no checkpoint', async (t) => {
  const store = new InMemoryEventStore();
  let held = true;
  const fence = {
    token: 3,
    check: () => {
      if (!held) throw new LeaseLostError('anchoring', 3);
    },
  };
  const { anchoring, anchors, checkpoints, published } = await anchoringOf(store, { intervalMs: 0, fence });
  t.teardown(() => anchoring.close());
  const run = testRun();
  await store.appendToStream(run.streams.interview(), findings(run, 1, 2), 'no-stream');
  await anchoring.open();
  held = false;
  await t.rejects(anchoring.handle({ events: await collect(store), through: await store.headPosition(), caughtUp: true }), LeaseLostError);
  t.strictSame(published, [], 'nothing published');
  t.equal(await anchors.latest(run.engagementId()), undefined, 'nothing kept');
  t.equal(await checkpoints.load('anchoring'), undefined, 'the checkpoint did not move');
});

const until = async (done: () => boolean | Promise<boolean>, timeoutMs = 10_000) => {
  for (const deadline = Date.now() + timeoutMs; !(await done()); ) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

t.test('a store keeps an anchor only over an older one', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'anchors-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const signer = await ProofSigner.fromJwks(await generateSigningKey('k'));
  const at = (position: string) =>
    signer.sign({ anchorVersion: 1 as const, kind: 'engagement-history-anchor' as const, engagementId: 'e1', head: position.padStart(64, '0'), events: 1, streams: [['engagement-e1', 0, 'b'.repeat(64)] as const], position, anchoredAt: '2026-03-02T09:05:00.000Z' });
  const sqlite = new SqliteAnchorStore(dir);
  t.teardown(() => sqlite.close());
  const stores: AnchorStore[] = [new InMemoryAnchorStore(), sqlite];
  if (process.env['MONGO_URL']) {
    const mongo = await MongoReadModelStore.open(`${process.env['MONGO_URL'].replace(/\/[^/]*$/, '')}/crm_anchors_${randomUUID().slice(0, 8)}`);
    t.teardown(async () => {
      await mongo.database.dropDatabase();
      await mongo.close();
    });
    stores.push(new MongoAnchorStore(mongo.database));
  }
  for (const store of stores) {
    await store.keep(await at('9'));
    await store.keep(await at('10'));
    await store.keep(await at('8'));
    t.equal((await store.latest('e1'))?.position, '10', `${store.constructor.name}: a late keep of an older anchor does not roll it back`);
  }
});

t.test('anchors kept before positions were kept as keys still order right', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'anchors-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const signer = await ProofSigner.fromJwks(await generateSigningKey('k'));
  const at = (position: string) =>
    signer.sign({ anchorVersion: 1 as const, kind: 'engagement-history-anchor' as const, engagementId: 'e1', head: 'a'.repeat(64), events: 1, streams: [['engagement-e1', 0, 'b'.repeat(64)] as const], position, anchoredAt: '2026-03-02T09:05:00.000Z' });
  new SqliteAnchorStore(dir).close();
  const earlier = new Database(join(dir, 'anchors.sqlite3'));
  earlier.prepare('INSERT INTO anchors (engagement_id, position, document) VALUES (?, ?, ?)').run('e1', '9', JSON.stringify(await at('9')));
  earlier.close();
  const store = new SqliteAnchorStore(dir);
  t.teardown(() => store.close());
  await store.keep(await at('10'));
  t.equal((await store.latest('e1'))?.position, '10');
});

t.test('anchors kept in DATA_DIR survive a restart', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'anchors-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const signer = await ProofSigner.fromJwks(await generateSigningKey('k'));
  const anchor = await signer.sign({ anchorVersion: 1 as const, kind: 'engagement-history-anchor' as const, engagementId: 'e1', head: 'a'.repeat(64), events: 1, streams: [['engagement-e1', 0, 'b'.repeat(64)] as const], position: '7', anchoredAt: '2026-03-02T09:05:00.000Z' });
  const before = new SqliteAnchorStore(dir);
  await before.keep(anchor);
  await before.close();
  const after = new SqliteAnchorStore(dir);
  t.teardown(() => after.close());
  t.strictSame(await after.latest('e1'), anchor);
  t.equal(await after.latest('e2'), undefined);
});

t.test('anchors reach the Kafka topic as the contract says, signed', { skip }, async (t) => {
  const topic = uniqueTopic('anchors');
  const logger = quietLogger();
  const sink = new KafkaSink({ kafka: createKafkaClient({ brokers: brokerList(), clientId: 'anchoring-tests', logger }), topic, logger });
  const reader = new TopicReader(topic);
  t.teardown(async () => {
    await sink.close();
    await reader.stop();
    await deleteTopic(topic);
  });
  await sink.open();
  const store = new InMemoryEventStore();
  const signer = await ProofSigner.fromJwks(await generateSigningKey('k-kafka'));
  const run = testRun();
  await store.appendToStream(run.streams.interview(), findings(run, 1, 2), 'no-stream');
  const anchoring = new Anchoring({
    store,
    anchors: new InMemoryAnchorStore(),
    signer,
    checkpoints: new InMemoryCheckpointer(),
    intervalMs: 0,
    logger,
    publish: (event) => sink.send([toOutgoingMessage(event)]),
  });
  await anchoring.open();
  await anchoring.handle({ events: await collect(store), through: await store.headPosition(), caughtUp: true });
  await anchoring.close();

  await reader.start();
  await reader.until((messages) => messages.length >= 1);
  const [message] = reader.messages;
  t.equal(message!.key, run.engagementId(), 'keyed by engagement');
  t.strictSame((await publishedValidator())(message!), [], 'valid against docs/asyncapi.json');
  const event = JSON.parse(message!.value) as Anchored;
  t.equal(event.type, 'engagement.history-anchored');
  t.match(await checkSignature(event.data.anchor, signer.jwks), { valid: true, kid: 'k-kafka' }, 'a consumer checks it with the JWKS');
});
