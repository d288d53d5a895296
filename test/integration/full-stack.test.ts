/**
 * The service as users run it with real servers: EventStoreDB (the protocol test server in CI),
 * MongoDB read models and Kafka, driven over HTTP from a command through to the read model and a
 * Kafka message. Runs the built entry point, as `npm start` does.
 */
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createSigner } from 'fast-jwt';
import kafkajs from 'kafkajs';
import { scheduleBody } from '../support/http.js';
import { startService } from '../support/service-process.js';

const { EVENTSTORE_URL, MONGO_URL, KAFKA_BROKERS } = process.env;
const missing = ['EVENTSTORE_URL', 'MONGO_URL', 'KAFKA_BROKERS'].filter((v) => !process.env[v]);
const SECRET = 'full-stack-secret-full-stack-secret-0123';
const sign = createSigner({ key: SECRET, algorithm: 'HS256', expiresIn: 600_000 });
const auth = (sub: string, roles: string[]) => ({ authorization: `Bearer ${sign({ sub, name: sub, roles })}`, 'content-type': 'application/json' });

t.test('a command travels to EventStoreDB, the MongoDB read model and Kafka', { skip: missing.length > 0 && `${missing.join(', ')} not set` }, async (t) => {
  const run = randomUUID().slice(0, 8);
  const topic = `crm.e2e.${run}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'crm-e2e-'));
  const mongoUrl = `${MONGO_URL!.replace(/\/[^/]*$/, '')}/crm_e2e_${run}`;
  const service = await startService({ EVENTSTORE_URL, MONGO_URL: mongoUrl, KAFKA_BROKERS, KAFKA_TOPIC: topic, DATA_DIR: dataDir, AUTH_JWT_SECRET: SECRET });
  const kafka = new kafkajs.Kafka({ brokers: KAFKA_BROKERS!.split(','), clientId: `e2e-${run}`, logLevel: kafkajs.logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `e2e-${run}`, maxWaitTimeInMs: 100 });
  t.teardown(async () => {
    if (!t.passing()) t.comment(`service log:\n${service.log().slice(-4_000)}`);
    await consumer.disconnect().catch(() => undefined);
    await service.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const { base } = service;
  const post = async (path: string, headers: Record<string, string>, body: object) => {
    const response = await fetch(`${base}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    t.ok(response.status < 300, `${path} → ${response.status}`);
    return (await response.json()) as { id: string; version: number; position: string; findingId?: string };
  };
  const pm = auth('u-pat', ['pm']);
  const consultant = auth('u-chen', ['consultant']);

  // Connecting to Kafka takes a moment on a busy machine: ready means ready within 60 s.
  let ready = await fetch(`${base}/health/ready`);
  for (const deadline = Date.now() + 60_000; ready.status !== 200 && Date.now() < deadline; ready = await fetch(`${base}/health/ready`)) {
    await new Promise((resolveWait) => setTimeout(resolveWait, 500));
  }
  t.equal(ready.status, 200, 'ready with all three servers');
  t.match(await ready.json(), { checks: { eventStore: { status: 'up' }, readModelStore: { status: 'up' }, projector: { status: 'up' }, publisher: { status: 'up' } } });

  const engagement = await post('/engagements', pm, { name: `E2E ${run}`, client: 'Acme', sponsor: { name: 'Zhang San', title: 'CEO' } });
  await post(`/engagements/${engagement.id}/members`, pm, { userId: 'u-chen', name: 'Chen Wei', role: 'consultant' });
  const interview = await post(`/engagements/${engagement.id}/interviews`, consultant, scheduleBody('u-li'));
  await post(`/interviews/${interview.id}/conduct`, consultant, { conductedAt: '2026-03-05T02:00:00Z' });
  const finding = await post(`/interviews/${interview.id}/findings`, consultant, { section: 'workflow', text: 'quotes approved by phone' });
  const requirement = await post(`/engagements/${engagement.id}/requirements`, consultant, {
    title: 'Credit check on quotes',
    description: 'Quotes above the credit limit need approval.',
    category: 'sales',
    departments: ['Sales'],
    sources: [{ interviewId: interview.id, findingId: finding.findingId }],
  });
  const prioritized = await post(`/requirements/${requirement.id}/prioritize`, pm, {
    frequency: 3,
    lossIfMismanaged: 2,
    urgency: 1,
    fundSafety: true,
    stakeholderConcern: false,
    rationale: 'money',
  });

  // The shared test log may hold many events of other suites, which a fresh projector works through
  // first: like any client, follow 503 + Retry-After until the read models include our position.
  const readOwnWrite = async (path: string) => {
    const deadline = Date.now() + 90_000;
    for (;;) {
      const response = await fetch(`${base}${path}`, { headers: { ...pm, 'x-min-position': prioritized.position } });
      if (response.status !== 503 || Date.now() > deadline) return response;
      t.equal(response.headers.get('retry-after'), '1');
      await new Promise((resolveWait) => setTimeout(resolveWait, 1_000));
    }
  };
  const backlog = await readOwnWrite(`/engagements/${engagement.id}/backlog`);
  t.equal(backlog.status, 200);
  t.match(await backlog.json(), { items: [{ id: requirement.id, score: 9, tier: 'vital-few', rank: 1, status: 'prioritized' }] });
  const stored = await readOwnWrite(`/requirements/${requirement.id}`);
  t.match(await stored.json(), { id: requirement.id, sources: [{ interviewId: interview.id, findingId: finding.findingId }] });

  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const received: Array<{ key: string; headers: Record<string, string>; value: { type: string; subject: { id: string } } }> = [];
  const arrived = new Promise<void>((resolveArrived) => {
    void consumer.run({
      eachMessage: async ({ message }) => {
        // The topic also carries the other suites' events from the shared log: keep this engagement's.
        if (String(message.key) !== engagement.id) return;
        const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
        received.push({ key: String(message.key), headers, value: JSON.parse(String(message.value)) });
        if (received.some((m) => m.value.type === 'requirement.prioritized')) resolveArrived();
      },
    });
  });
  await Promise.race([arrived, new Promise((_, reject) => setTimeout(() => reject(new Error('no Kafka message within 90 s')), 90_000))]);
  t.same(
    received.map((m) => m.value.type),
    ['engagement.team-changed', 'engagement.team-changed', 'requirement.captured', 'requirement.prioritized'],
    'the public events, in order: the starter and the consultant joining the team, then the requirement',
  );
  for (const message of received) {
    t.equal(message.key, engagement.id, 'keyed by engagement');
    t.equal(message.value.subject.id, message.value.type.startsWith('requirement.') ? requirement.id : engagement.id);
    t.match(message.headers, { 'event-id': String, 'event-type': message.value.type, 'schema-version': '1', 'content-type': 'application/json', 'correlation-id': String });
  }
});
