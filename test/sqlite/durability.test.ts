/**
 * The SQLite files beside the log sync their commits off the event loop: one sync answers every
 * caller that asked while the last one ran, a failed sync fails every later caller, and the WAL
 * still reaches the database file although the store's own connection never checkpoints.
 */
import t, { type Test } from 'tap';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DurableCommits, GroupFlush } from '../../infra/sqlite/wal-sync.js';
import { WalCheckpoints } from '../../infra/sqlite/wal-checkpoints.js';
import { IDEMPOTENCY_FILE, SqliteIdempotencyStore } from '../../infra/idempotency/store.js';
import { CONSUMERS_FILE, SqliteConsumerStore } from '../../infra/consumer/sqlite-consumer-store.js';

const directory = (t: Test) => {
  const dir = mkdtempSync(join(tmpdir(), 'durability-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

/** A file in WAL mode at `synchronous = NORMAL`, as the stores beside the log keep theirs, with a table to fill. */
const notesFile = (t: Test) => {
  const file = join(directory(t), 'notes.sqlite3');
  const db = new Database(file);
  t.teardown(() => db.close());
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)');
  return { file, db };
};

/** A WAL whose syncs the test finishes or fails one by one. */
const heldWal = () => {
  const syncs: Array<{ finish: () => void; fail: (error: Error) => void }> = [];
  return {
    syncs,
    wal: {
      file: 'test.sqlite3-wal',
      sync: () => new Promise<void>((finish, fail) => syncs.push({ finish, fail })),
      close: () => {},
    },
  };
};

const settled = async <T>(promise: Promise<T>) => {
  let state = 'pending';
  promise.then(
    () => (state = 'resolved'),
    () => (state = 'rejected'),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return state;
};

t.test('callers that ask while a sync runs are answered together by the next one', async (t) => {
  const { syncs, wal } = heldWal();
  const commits = new DurableCommits(wal);
  const first = commits.durable();
  await new Promise((resolve) => setImmediate(resolve));
  t.equal(syncs.length, 1, 'the first caller starts a sync');
  const second = commits.durable();
  const third = commits.durable();
  await new Promise((resolve) => setImmediate(resolve));
  t.equal(syncs.length, 1, 'the later callers wait: what they committed may not be covered by the sync under way');
  syncs[0]!.finish();
  t.equal(await settled(first), 'resolved');
  t.equal(await settled(second), 'pending', 'a sync that started before the call does not answer it');
  t.equal(syncs.length, 2, 'one more sync, for both of them');
  syncs[1]!.finish();
  t.equal(await settled(second), 'resolved');
  t.equal(await settled(third), 'resolved');
});

t.test('after a failed sync every later caller fails, so nothing unsynced is acknowledged', async (t) => {
  const { syncs, wal } = heldWal();
  const commits = new DurableCommits(wal);
  const failed = commits.durable();
  await new Promise((resolve) => setImmediate(resolve));
  syncs[0]!.fail(new Error('EIO'));
  await t.rejects(failed, /syncing test\.sqlite3-wal to disk failed \(Error: EIO\); restart the service/);
  await t.rejects(commits.durable(), /syncing test\.sqlite3-wal to disk failed/, 'a later sync could succeed without the pages the failed one dropped');
  t.equal(syncs.length, 1, 'and none is tried');
});

t.test('a WAL that could not be opened fails the first caller and every later one, not the process', async (t) => {
  const commits = new DurableCommits(Promise.reject(new Error("ENOENT: no such file or directory, open 'gone.sqlite3-wal'")));
  await new Promise((resolve) => setImmediate(resolve));
  await t.rejects(commits.durable(), /syncing the WAL to disk failed \(Error: ENOENT/);
  await t.rejects(commits.durable(), /syncing the WAL to disk failed/);
  await t.resolves(commits.close());
});

t.test('a flush that fails fails the callers it covered; the next request tries again', async (t) => {
  let attempts = 0;
  const flush = new GroupFlush(async () => {
    attempts++;
    if (attempts === 1) throw new Error('busy');
  });
  await t.rejects(flush.request(), /busy/);
  await t.resolves(flush.request());
  t.equal(attempts, 2);
});

t.test('a WAL is copied into its database file by the checkpoint thread, not by the COMMITs', async (t) => {
  const { file, db } = notesFile(t);
  const checkpoints = new WalCheckpoints(db, 'the test file', 0);
  t.teardown(() => checkpoints.close());
  t.equal(db.pragma('wal_autocheckpoint', { simple: true }), 0, "the store's connection never checkpoints");
  const before = statSync(file).size;
  const insert = db.prepare('INSERT INTO notes (text) VALUES (?)');
  for (let i = 0; i < 2_000; i++) {
    insert.run('x'.repeat(500));
    checkpoints.due();
    if (i % 100 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const deadline = Date.now() + 5_000;
  while (statSync(file).size === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  t.ok(statSync(file).size > before, `the file grew from ${before} bytes: the thread copied the WAL's pages into it`);
  t.same(db.prepare('SELECT count(*) AS n FROM notes').get(), { n: 2_000 }, 'every row is there');
});

t.test('the last commits of a burst reach the database file without waiting for another commit', async (t) => {
  const { file, db } = notesFile(t);
  const checkpoints = new WalCheckpoints(db, 'the test file', 1_000);
  t.teardown(() => checkpoints.close());
  const before = statSync(file).size;
  const insert = db.prepare('INSERT INTO notes (text) VALUES (?)');
  // The whole burst comes before the first checkpoint may run; nothing is written after it.
  for (let i = 0; i < 200; i++) {
    insert.run('x'.repeat(500));
    checkpoints.due();
  }
  t.equal(statSync(file).size, before, 'nothing is copied during the burst, which is inside the interval');
  const deadline = Date.now() + 5_000;
  while (statSync(file).size === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  t.ok(statSync(file).size > before, `the file grew from ${before} bytes once the interval was over`);
});

t.test('first uses of idempotency keys are on disk when answered, and the answers reach the database file', async (t) => {
  const dir = directory(t);
  const store = new SqliteIdempotencyStore(dir);
  const before = statSync(join(dir, IDEMPOTENCY_FILE)).size;
  const now = Date.now();
  for (let i = 0; i < 600; i++) {
    t.equal(await store.firstUse('u-li', `k-${i}`, now + i), now + i);
    store.put({ userId: 'u-li', key: `k-${i}`, fingerprint: 'f', status: 201, headers: {}, body: { id: `r-${i}`, text: 'x'.repeat(400) }, storedAt: now + i });
  }
  t.equal(await store.firstUse('u-li', 'k-0', now + 10_000), now, 'a key used before answers its first use');
  const deadline = Date.now() + 5_000;
  while (statSync(join(dir, IDEMPOTENCY_FILE)).size === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  t.ok(statSync(join(dir, IDEMPOTENCY_FILE)).size > before, 'the WAL was checkpointed into the file while the store was in use');
  store.close();
  const reopened = new SqliteIdempotencyStore(dir);
  t.teardown(() => reopened.close());
  t.equal(reopened.get('u-li', 'k-599', now + 600)?.status, 201, 'the answers are there after closing and opening again');
});

t.test("the consumers' checkpoints and leases reach the database file while the store is in use", async (t) => {
  const dir = directory(t);
  const store = SqliteConsumerStore.open(dir);
  const file = join(dir, CONSUMERS_FILE);
  const before = statSync(file).size;
  const checkpoints = store.checkpointer();
  const term = await store.acquire('projections', 'this-process', 10_000);
  t.ok(term, 'the lease is taken');
  // Names of their own, so that each save adds rows rather than rewriting one; far fewer pages than
  // SQLite's own checkpoint waits for (1,000), so only the thread can have copied them.
  for (let i = 1; i <= 100; i++) await checkpoints.save(`projection-${i}-${'x'.repeat(200)}`, String(i));
  const deadline = Date.now() + 5_000;
  while (statSync(file).size === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  t.ok(statSync(file).size > before, `the file grew from ${before} bytes: its WAL was checkpointed by the thread`);
  store.close();
  const reopened = SqliteConsumerStore.open(dir);
  t.teardown(() => reopened.close());
  t.equal(await reopened.checkpointer().load(`projection-100-${'x'.repeat(200)}`), '100', 'the last checkpoint is there after closing and opening again');
  t.equal(await reopened.acquire('projections', 'another-process', 10_000), undefined, 'and so is the lease');
});
