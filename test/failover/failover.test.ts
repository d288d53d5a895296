/**
 * Standbys against the real servers (MongoDB for read models, checkpoints and leases; Kafka), with
 * the built role processes sharing one embedded log in a DATA_DIR of the test's own (so that no
 * other suite's events mix in): the active projector and publisher are killed mid-stream (kill -9)
 * and their standbys take over within the documented time, with no read-model update lost or
 * applied twice and every event on Kafka at least once; a clean handover (SIGTERM) publishes none
 * twice; a paused (SIGSTOP) old holder that wakes after losing its lease writes nothing. And two
 * API processes given the same Idempotency-Key append once.
 */
import t, { type Test } from 'tap';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createSigner } from 'fast-jwt';
import { PROJECTIONS, project } from '../../projections/index.js';
import { CONSUMERS_FILE } from '../../infra/consumer/index.js';
import Database from 'better-sqlite3';
import type { RoleProcess } from '../support/service-process.js';
import { skip, stack, TAKEOVER_MS, waitFor, type Stack } from '../support/role-stack.js';
import { appendAll, expectedIntegrationEvents, scenario } from '../kafka/support/scenario.js';
import { TopicReader } from '../kafka/support/kafka.js';

/** Every projection's documents in MongoDB equal those the whole log folds into, from nothing. */
const readModelsMatchTheLog = async (t: Test, s: Stack) => {
  const events = [];
  for await (const event of s.log.readAll()) events.push(event);
  for (const projection of PROJECTIONS) {
    const expected = [...project(projection, events).values()].sort((a, b) => (a.id < b.id ? -1 : 1));
    const stored = [];
    for await (const document of s.store.collection(projection.name).find({}, { sort: [['id', 1]] })) stored.push(document);
    t.same(stored, expected, `${projection.name}: ${expected.length} documents, each as the log folds it`);
  }
};

/** Starts one process of the role, waits until it holds the lease, then starts its standby. */
const activeAndStandby = async (s: Stack, role: 'projector' | 'publisher', group: string): Promise<[RoleProcess, RoleProcess]> => {
  const active = await s.start(role);
  await waitFor(async () => (await s.holder(group)) === active.pid, `the first ${role} to take the lease`);
  return [active, await s.start(role)];
};

const caughtUp = async (s: Stack, names: readonly string[]) => {
  const head = await s.log.headPosition();
  for (const name of names) if ((await s.store.checkpoint(name)) !== head) return false;
  return true;
};

t.test('kill -9 the active projector and publisher mid-stream: the standbys take over', { skip }, async (t) => {
  const s = await stack(t);
  await appendAll(s.log, scenario(3, 6));
  const projectorA = await s.start('projector');
  const pidA = await waitFor(() => s.holder('projections'), 'a projector to take the lease');
  const projectorB = await s.start('projector');
  const [activeProjector, standbyProjector] = pidA === projectorA.pid ? [projectorA, projectorB] : [projectorB, projectorA];
  const publisherA = await s.start('publisher');
  const pubA = await waitFor(() => s.holder('kafka-publisher'), 'a publisher to take the lease');
  const publisherB = await s.start('publisher');
  const [activePublisher, standbyPublisher] = pubA === publisherA.pid ? [publisherA, publisherB] : [publisherB, publisherA];
  t.match(await (await fetch(`${standbyProjector.base}/health/ready`)).json(), { status: 'ready', checks: { projector: { lease: 'standby' } } }, 'a standby is ready');

  const appending = appendAll(s.log, scenario(4, 10));
  await new Promise((resolve) => setTimeout(resolve, 300));
  const killedAt = Date.now();
  activeProjector.signal('SIGKILL');
  activePublisher.signal('SIGKILL');
  const projectorTookOver = await waitFor(async () => (await s.holder('projections')) === standbyProjector.pid && Date.now(), 'the standby projector');
  const publisherTookOver = await waitFor(async () => (await s.holder('kafka-publisher')) === standbyPublisher.pid && Date.now(), 'the standby publisher');
  t.ok(projectorTookOver - killedAt <= TAKEOVER_MS, `the standby projector took over ${projectorTookOver - killedAt} ms after the kill`);
  t.ok(publisherTookOver - killedAt <= TAKEOVER_MS, `the standby publisher took over ${publisherTookOver - killedAt} ms after the kill`);
  await appending;
  await appendAll(s.log, scenario(2, 4));

  await waitFor(() => caughtUp(s, PROJECTIONS.map((p) => p.name)), 'the read models to reach the head of the log');
  await readModelsMatchTheLog(t, s);

  const expected = await expectedIntegrationEvents(s.log);
  const reader = new TopicReader(s.topic);
  t.teardown(() => reader.stop());
  await reader.start();
  await reader.until((messages) => new Set(messages.map((m) => m.headers['event-id'])).size >= expected.length, 60_000);
  const received = reader.distinctIds();
  t.ok(expected.every((event) => received.has(event.id)), `all ${expected.length} public events are on Kafka at least once (${reader.messages.length} messages)`);
});

t.test('a clean handover (SIGTERM) publishes no event twice', { skip }, async (t) => {
  const s = await stack(t);
  await appendAll(s.log, scenario(2, 6));
  const [first, second] = await activeAndStandby(s, 'publisher', 'kafka-publisher');
  const appending = appendAll(s.log, scenario(4, 10));
  await new Promise((resolve) => setTimeout(resolve, 300));
  await first.stop();
  await waitFor(async () => (await s.holder('kafka-publisher')) === second.pid, 'the standby to take over', TAKEOVER_MS);
  await appending;

  const expected = await expectedIntegrationEvents(s.log);
  const reader = new TopicReader(s.topic);
  t.teardown(() => reader.stop());
  await reader.start();
  await reader.until((messages) => messages.length >= expected.length, 60_000);
  await new Promise((resolve) => setTimeout(resolve, 1_000)); // anything extra would show up now
  t.equal(reader.distinctIds().size, expected.length, 'every public event');
  t.equal(reader.messages.length, expected.length, 'none twice');
});

t.test('a paused old holder that wakes after losing its lease writes nothing', { skip }, async (t) => {
  const s = await stack(t);
  await appendAll(s.log, scenario(2, 4));
  const [first, second] = await activeAndStandby(s, 'projector', 'projections');
  await waitFor(() => caughtUp(s, PROJECTIONS.map((p) => p.name)), 'the read models to catch up');

  first.signal('SIGSTOP');
  await waitFor(async () => (await s.holder('projections')) === second.pid, 'the standby to take over from the paused holder', TAKEOVER_MS);
  await appendAll(s.log, scenario(3, 8));
  await waitFor(() => caughtUp(s, PROJECTIONS.map((p) => p.name)), 'the new holder to reach the head');
  const checkpoints = await Promise.all(PROJECTIONS.map((p) => s.store.checkpoint(p.name)));

  first.signal('SIGCONT');
  await waitFor(async () => /lease (ran out|was lost)/.test(first.log()) && true, 'the old holder to notice', 10_000);
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  t.same(await Promise.all(PROJECTIONS.map((p) => s.store.checkpoint(p.name))), checkpoints, 'no checkpoint moved');
  t.match(await (await fetch(`${first.base}/health/ready`)).json(), { checks: { projector: { lease: 'standby' } } }, 'the old holder stands by');
  t.equal(await s.holder('projections'), second.pid, 'the new holder keeps the lease');
  await readModelsMatchTheLog(t, s);
});

t.test('on the embedded default, publishers sharing DATA_DIR hold their lease in its SQLite file', { skip }, async (t) => {
  const s = await stack(t);
  const embedded = { MONGO_URL: '' };
  const holder = () => {
    const db = new Database(join(s.dataDir, CONSUMERS_FILE), { readonly: true, fileMustExist: true });
    try {
      const lease = db.prepare('SELECT holder, expires_at AS expiresAt FROM leases WHERE grp = ?').get('kafka-publisher') as { holder: string; expiresAt: number } | undefined;
      return lease === undefined || lease.expiresAt <= Date.now() ? undefined : Number(lease.holder.split(':').at(-2));
    } finally {
      db.close();
    }
  };
  await appendAll(s.log, scenario(2, 6));
  const first = await s.start('publisher', embedded);
  await waitFor(async () => holder() === first.pid, 'the first publisher to take the lease');
  const second = await s.start('publisher', embedded);
  const appending = appendAll(s.log, scenario(3, 8));
  await new Promise((resolve) => setTimeout(resolve, 300));
  const killedAt = Date.now();
  first.signal('SIGKILL');
  const tookOver = await waitFor(async () => holder() === second.pid && Date.now(), 'the standby to take over');
  t.ok(tookOver - killedAt <= TAKEOVER_MS, `the standby took over ${tookOver - killedAt} ms after the kill`);
  await appending;

  const expected = await expectedIntegrationEvents(s.log);
  const reader = new TopicReader(s.topic);
  t.teardown(() => reader.stop());
  await reader.start();
  await reader.until((messages) => new Set(messages.map((m) => m.headers['event-id'])).size >= expected.length, 60_000);
  t.ok(expected.every((event) => reader.distinctIds().has(event.id)), `all ${expected.length} public events are on Kafka at least once (${reader.messages.length} messages)`);
});

t.test('two API processes given the same Idempotency-Key append once', { skip }, async (t) => {
  const s = await stack(t);
  const [one, two] = [await s.start('api'), await s.start('api')];
  const sign = createSigner({ key: s.env['AUTH_JWT_SECRET']!, algorithm: 'HS256', expiresIn: 600_000 });
  const headers = {
    authorization: `Bearer ${sign({ sub: 'u-pat', name: 'Pat', roles: ['pm'] })}`,
    'content-type': 'application/json',
    'idempotency-key': `k-${randomUUID()}`,
  };
  const body = JSON.stringify({ name: 'Failover Ltd rollout', client: 'Failover Ltd', sponsor: { name: 'Zhang San', title: 'CEO' } });
  const answers = await Promise.all([one, two, one, two].map((api) => fetch(`${api.base}/engagements`, { method: 'POST', headers, body })));
  const created = await Promise.all(answers.map(async (answer) => ({ status: answer.status, body: (await answer.json()) as { id?: string } })));
  t.ok(created.every((answer) => answer.status < 300), `every answer succeeds: ${created.map((answer) => answer.status).join(', ')}`);
  const ids = new Set(created.map((answer) => answer.body.id));
  t.equal(ids.size, 1, 'one engagement id in every answer');
  const events = [];
  for await (const event of s.log.readAll()) events.push(event);
  const once = await fetch(`${one.base}/engagements`, { method: 'POST', headers: { ...headers, 'idempotency-key': `k-${randomUUID()}` }, body });
  t.equal(once.status, 201);
  const all = [];
  for await (const event of s.log.readAll()) all.push(event);
  t.ok(events.length > 0, `${events.length} event(s) for the four requests`);
  t.equal(all.length - events.length, events.length, 'as many as one request with a key of its own appends: the four appended once');
});
