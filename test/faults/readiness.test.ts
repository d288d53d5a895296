/**
 * Fault suite: a process whose read models cannot keep up must say so. A log that cannot be read
 * past a damaged event, and a MongoDB that stops, each make `/health/ready` answer 503 with the
 * reason; queries during the outage answer 503 with Retry-After; both recover on their own.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient } from 'mongodb';
import t from 'tap';
import { InMemoryEventStore } from '../../infra/event-store/index.js';
import type { EventStore, LogSubscription } from '../../infra/event-store/port.js';
import { MongoReadModelStore } from '../../infra/read-models/index.js';
import { TcpProxy } from '../kafka/support/tcp-proxy.js';
import { discovery, testApp, users } from '../support/http.js';

type App = Awaited<ReturnType<typeof testApp>>['app'];

/** Polls `/health/ready` until it answers `status` and satisfies `also` (or gives up after `withinMs`, answering the last reply). */
const readinessBecomes = async (app: App, status: number, withinMs = 20_000, also: (body: string) => boolean = () => true) => {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const reply = await app.inject({ method: 'GET', url: '/health/ready' });
    if ((reply.statusCode === status && also(reply.body)) || Date.now() > deadline) return reply;
    await sleep(100);
  }
};

/** An event store whose log cannot be read past `damagedAfter`, as with damaged pages in the event file. */
const damageable = (healthy: InMemoryEventStore) => {
  const damage: { after: bigint | undefined } = { after: undefined };
  const store: EventStore = {
    appendToStream: healthy.appendToStream.bind(healthy),
    readStream: healthy.readStream.bind(healthy),
    readAll: healthy.readAll.bind(healthy),
    readEngagement: healthy.readEngagement.bind(healthy),
    readEngagementAsStored: healthy.readEngagementAsStored.bind(healthy),
    headPosition: healthy.headPosition.bind(healthy),
    ping: healthy.ping.bind(healthy),
    close: healthy.close.bind(healthy),
    subscribeToAll: (options) => {
      const subscription = healthy.subscribeToAll(options);
      const damaged: LogSubscription = {
        close: () => subscription.close(),
        async *[Symbol.asyncIterator]() {
          for await (const message of subscription) {
            if (message.kind === 'event' && damage.after !== undefined && BigInt(message.event.position) > damage.after) {
              throw new Error('database disk image is malformed');
            }
            yield message;
          }
        },
      };
      return damaged;
    },
  };
  return { store, damage };
};

t.test('a projection stuck behind a damaged log makes the process not ready, with the reason', async (t) => {
  const { store, damage } = damageable(new InMemoryEventStore());
  const { app } = await testApp({ store, stalledAfterMs: 300 });
  t.teardown(() => app.close());
  const d = discovery(app);
  const engagement = await d.startEngagement();
  t.equal((await readinessBecomes(app, 200)).statusCode, 200, 'ready while the log reads');

  damage.after = BigInt(engagement.position);
  for (const item of ['funding-secured', 'strategy-defined', 'environment-ready']) {
    await d.post(`/engagements/${engagement.id}/readiness`, users.pm, { item, status: 'met' });
  }
  const stuck = await readinessBecomes(app, 503);
  t.equal(stuck.statusCode, 503, 'not ready');
  const body = stuck.json();
  t.equal(body.status, 'not-ready');
  t.equal(body.checks.projector.status, 'down');
  t.match(body.checks.projector.reasons.join('\n'), /behind the log and has not advanced .*database disk image is malformed/);

  damage.after = undefined;
  t.equal((await readinessBecomes(app, 200)).statusCode, 200, 'ready again once the log reads');
});

const mongoUrl = process.env['MONGO_URL'];

t.test('a stopped MongoDB: queries answer 503 with Retry-After, and the process is not ready', { skip: !mongoUrl && 'MONGO_URL not set (npm run infra:up; set -a; . .infra/env; set +a)' }, async (t) => {
  const target = new URL(mongoUrl!);
  const proxy = new TcpProxy(`${target.hostname}:${target.port || 27017}`);
  await proxy.start();
  t.teardown(() => proxy.stop());
  const dbName = `faults_${randomUUID().slice(0, 8)}`;
  const readModels = await MongoReadModelStore.open(`mongodb://${proxy.address}/`, { dbName, serverSelectionTimeoutMS: 1_000 });
  t.teardown(async () => {
    await readModels.close();
    const client = await MongoClient.connect(mongoUrl!);
    await client.db(dbName).dropDatabase().catch(() => undefined);
    await client.close();
  });
  const { app } = await testApp({ readModels, stalledAfterMs: 300 });
  t.teardown(() => app.close());
  const d = discovery(app);
  const engagement = await d.startEngagement();
  const read = () => app.inject({ method: 'GET', url: `/engagements/${engagement.id}`, headers: { ...users.pmo, 'x-min-position': engagement.position } });
  t.equal((await read()).statusCode, 200);

  await proxy.stop();
  const during = await read();
  t.equal(during.statusCode, 503, 'a query during the outage is 503, not 500');
  t.match(during.json(), { code: 'unavailable' });
  t.ok(Number(during.headers['retry-after']) > 0, 'with Retry-After');

  const recorded = await d.post(`/engagements/${engagement.id}/readiness`, users.pm, { item: 'funding-secured', status: 'met' });
  const down = await readinessBecomes(app, 503, 20_000, (body) => body.includes('has not advanced'));
  t.equal(down.statusCode, 503);
  const body = down.json();
  t.equal(body.checks.readModelStore.status, 'down');
  t.match(body.checks.projector.reasons.join('\n'), /has not advanced .*MongoDB unavailable/);

  await proxy.start();
  const back = await readinessBecomes(app, 200, 30_000);
  t.equal(back.statusCode, 200, 'ready again when MongoDB is back', { readiness: back.body });
  const after = await app.inject({ method: 'GET', url: `/engagements/${engagement.id}`, headers: { ...users.pmo, 'x-min-position': recorded.position } });
  t.equal(after.statusCode, 200);
  t.match(JSON.stringify(after.json().readiness), /funding-secured.*met/);
});
