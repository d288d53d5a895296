/**
 * Anchoring: which engagements are due, what an anchor states and signs, that a broken history is
 * never anchored, and – against the real broker – that anchors reach the topic as the contract says.
 */
import t from 'tap';
import { IntegrationEvent, type IntegrationEventOfType } from '../../contracts/index.js';
import { InMemoryEventStore } from '../../infra/event-store/index.js';
import { createKafkaClient, KafkaSink } from '../../infra/kafka/index.js';
import { Anchoring } from '../../infra/proof/anchoring.js';
import { dueForAnchoring, InMemoryAnchorStore, SqliteAnchorStore } from '../../infra/proof/anchors.js';
import { checkSignature, generateSigningKey, ProofSigner } from '../../infra/proof/signing.js';
import { verifyEngagement } from '../../infra/proof/verify.js';
import { toOutgoingMessage } from '../../infra/publisher/outgoing-message.js';
import { findings, testRun } from '../event-store/builders.js';
import { brokerList, deleteTopic, quietLogger, skip, TopicReader, uniqueTopic } from '../kafka/support/kafka.js';
import { publishedValidator } from '../kafka/support/published-schema.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Anchored = IntegrationEventOfType<'engagement.history-anchored'>;

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
  const anchoring = new Anchoring({
    store,
    anchors,
    signer,
    publish: async (event) => void published.push(event),
    clock: () => new Date('2026-03-02T09:05:00Z'),
    logger: { info: () => {}, warn: () => {}, error: (details: unknown) => void errors.push(details) } as never,
  });
  const [one, two] = [testRun(), testRun()];
  await store.appendToStream(one.streams.interview(), findings(one, 1, 3), 'no-stream');
  await store.appendToStream(two.streams.interview(), findings(two, 1, 2), 'no-stream');

  const first = await anchoring.round();
  t.strictSame(first.map((anchor) => anchor.engagementId).sort(), [one.engagementId(), two.engagementId()].sort());
  const anchor = (await anchors.latest(one.engagementId()))!;
  const verified = await verifyEngagement(one.engagementId(), store.readEngagementAsStored(one.engagementId()));
  t.match(anchor, { kind: 'engagement-history-anchor', head: verified.head, events: 3, position: '5', anchoredAt: '2026-03-02T09:05:00.000Z' });
  t.strictSame(anchor.streams, verified.streams, 'the stream heads it vouches for');
  t.match(await checkSignature(anchor, signer.jwks), { valid: true, kid: 'k-anchors' });
  t.ok(published.every((event) => IntegrationEvent.safeParse(event).success), 'published as valid engagement.history-anchored events');
  t.strictSame(await anchoring.round(), [], 'nothing changed: nothing anchored');

  await store.appendToStream(one.streams.interview(), findings(one, 1, 1, 4), 2);
  store.tamper((log) => {
    const entry = log.find((e) => e.streamId === two.streams.interview())!;
    entry.serialized = { ...entry.serialized, data: entry.serialized.data.replace('quotes', 'quotez') };
  });
  await store.appendToStream(two.streams.interview(), findings(two, 1, 1, 3), 1);
  const second = await anchoring.round();
  t.strictSame(second.map((a) => a.engagementId), [one.engagementId()], 'only the engagement whose history verifies');
  t.match(errors, [{ engagementId: two.engagementId(), firstBreak: { reason: 'digest-mismatch' } }], 'the other is reported');
  t.equal((await anchors.latest(two.engagementId()))!.events, 2, 'and keeps its last good anchor');
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
  const anchoring = new Anchoring({ store, anchors: new InMemoryAnchorStore(), signer, publish: (event) => sink.send([toOutgoingMessage(event)]) });
  await anchoring.round();

  await reader.start();
  await reader.until((messages) => messages.length >= 1);
  const [message] = reader.messages;
  t.equal(message!.key, run.engagementId(), 'keyed by engagement');
  t.strictSame((await publishedValidator())(message!), [], 'valid against docs/asyncapi.json');
  const event = JSON.parse(message!.value) as Anchored;
  t.equal(event.type, 'engagement.history-anchored');
  t.match(await checkSignature(event.data.anchor, signer.jwks), { valid: true, kid: 'k-kafka' }, 'a consumer checks it with the JWKS');
});
