/**
 * Leases and fencing: one holder at a time, a standby takes over once the holder's term ends, a
 * clean stop hands over at once, and an old holder's checkpoint writes are refused after a later
 * term fenced them. The same rules in memory and in MongoDB (skipped without MONGO_URL).
 */
import t, { type Test } from 'tap';
import pino from 'pino';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryLeases, LeasedGroup, LeaseLostError, MongoLeases, readModelCheckpointer, SqliteConsumerStore, type Leases } from '../../infra/consumer/index.js';
import { InMemoryReadModelStore, type ReadModelStore } from '../../infra/read-models/index.js';
import { StaleFenceError } from '../../infra/read-models/port.js';
import { randomUUID } from 'node:crypto';
import { MongoReadModelStore } from '../../infra/read-models/index.js';

const quiet = pino({ level: 'silent' });
const mongoUrl = process.env['MONGO_URL'];
const skipMongo = !mongoUrl && (process.env['REQUIRE_INFRA'] === '1' ? false : 'MONGO_URL not set (npm run infra:up; set -a; . .infra/env; set +a)');
const waitFor = async (condition: () => boolean, what: string, timeoutMs = 5_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

type Fences = {
  save(name: string, position: string, fence: number): Promise<void>;
  fence(names: readonly string[], fence: number): Promise<void>;
  load(name: string): Promise<string | undefined>;
};

const inReadModels = (store: ReadModelStore): Fences => ({
  save: (name, position, fence) => store.saveCheckpoint(name, position, fence),
  fence: (names, fence) => store.fenceCheckpoints(names, fence),
  load: (name) => store.checkpoint(name),
});

/**
 * Long enough that a renewal on a busy machine still lands within the term: the rules are about
 * order, not speed.
 */
const TERM_MS = 2_000;

const leaseRules = (t: Test, open: () => Promise<{ leases: Leases; store: Fences; close(): Promise<void> }>) => {
  t.test('one holder at a time; tokens grow with every term', async (t) => {
    const { leases, close } = await open();
    t.teardown(close);
    const first = await leases.acquire('publisher', 'a', TERM_MS);
    t.ok(first, 'a free lease is taken');
    t.equal(await leases.acquire('publisher', 'b', TERM_MS), undefined, 'another holder waits while the term runs');
    const renewed = await leases.renew(first!, TERM_MS);
    t.equal(renewed?.token, first!.token, 'renewing keeps the term');
    await new Promise((resolve) => setTimeout(resolve, TERM_MS + 300));
    const second = await leases.acquire('publisher', 'b', TERM_MS);
    t.ok(second && second.token > first!.token, 'after the expiry a standby takes over with a higher token');
    t.equal(await leases.renew(first!, TERM_MS), undefined, 'the old holder cannot renew a term it lost');
    await leases.release(second!);
    const third = await leases.acquire('publisher', 'a', TERM_MS);
    t.ok(third && third.token > second!.token, 'a released lease is free at once');
  });

  t.test('a later term fences the checkpoints: the old holder saves nothing', async (t) => {
    const { store, close } = await open();
    t.teardown(close);
    await store.save('kafka-publisher', '10', 1);
    await store.fence(['kafka-publisher'], 2);
    await t.rejects(store.save('kafka-publisher', '20', 1), StaleFenceError, 'the old term is refused');
    t.equal(await store.load('kafka-publisher'), '10', 'the checkpoint did not move');
    await store.save('kafka-publisher', '15', 2);
    t.equal(await store.load('kafka-publisher'), '15', 'the new term saves');
    await t.rejects(store.fence(['kafka-publisher'], 1), StaleFenceError, 'an old term cannot fence back');
  });
};

t.test('in memory', async (t) => {
  leaseRules(t, async () => ({ leases: new InMemoryLeases(), store: inReadModels(new InMemoryReadModelStore()), close: async () => undefined }));
});

t.test('in the SQLite file of the embedded default', async (t) => {
  leaseRules(t, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'consumers-'));
    const store = SqliteConsumerStore.open(dataDir);
    const fences: Fences = {
      save: (name, position, fence) => store.checkpointer({ token: fence, check: () => undefined }).save(name, position),
      fence: async (names, fence) => store.fenceCheckpoints(names, fence),
      load: (name) => store.checkpointer().load(name),
    };
    return {
      leases: store,
      store: fences,
      close: async () => {
        store.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  });
});

t.test('in MongoDB', { skip: skipMongo }, async (t) => {
  leaseRules(t, async () => {
    const dbName = `lease_test_${randomUUID().slice(0, 8)}`;
    const store = await MongoReadModelStore.open(mongoUrl!, { dbName });
    const close = async () => {
      await store.database.dropDatabase().catch(() => undefined);
      await store.close();
    };
    return { leases: new MongoLeases(store.database), store: inReadModels(store), close };
  });
});

t.test('a leased group runs in one process at a time and hands over on a clean stop', async (t) => {
  const leases = new InMemoryLeases();
  const store = new InMemoryReadModelStore();
  const running: string[] = [];
  const group = (name: string) => {
    const leased: LeasedGroup = new LeasedGroup({
      leases,
      group: 'projections',
      logger: quiet,
      holder: name,
      timing: { ttlMs: 300, renewEveryMs: 100, acquireEveryMs: 50 },
      start: async (term) => {
        await store.fenceCheckpoints(['p'], term.token);
        running.push(name);
      },
      stop: async () => {
        await readModelCheckpointer(store, leased).save('p', name === 'a' ? '1' : '2');
        running.splice(running.indexOf(name), 1);
      },
    });
    return leased;
  };
  const a = group('a');
  const b = group('b');
  a.start();
  await waitFor(() => a.state === 'active', 'a active');
  b.start();
  await new Promise((resolve) => setTimeout(resolve, 500));
  t.same(running, ['a'], 'b stands by while a renews');
  t.equal(b.state, 'standby');
  const stopped = Date.now();
  await a.stop();
  t.equal(await store.checkpoint('p'), '1', 'a saved its last checkpoint under its own term while stopping');
  await waitFor(() => b.state === 'active', 'b active');
  t.ok(Date.now() - stopped < 300, `b took over at its next ask, before the expiry (${Date.now() - stopped} ms)`);
  t.same(running, ['b']);
  t.throws(() => a.check(), LeaseLostError, 'a holds no term any more');
  await b.stop();
});
