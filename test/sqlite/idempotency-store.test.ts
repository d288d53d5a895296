/**
 * The answers of idempotent requests, as the embedded default keeps them: the first uses and answers
 * of one turn of the event loop are written together, in one commit, and what they promise holds –
 * a first use is on disk and agreed on, an answer is found at once, a write that fails is told.
 */
import t from 'tap';
import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { IDEMPOTENCY_FILE, SqliteIdempotencyStore, type StoredOutcome } from '../../infra/idempotency/store.js';

const answer = (key: string, storedAt: number): StoredOutcome => ({
  userId: 'u-li',
  key,
  fingerprint: 'f',
  status: 201,
  headers: { etag: '"0"' },
  body: { id: `r-${key}`, version: 0, position: '7' },
  storedAt,
});

const walSize = (dir: string) => statSync(join(dir, `${IDEMPOTENCY_FILE}-wal`)).size;

t.test('the first uses and answers of one turn go into the file in one commit', async (t) => {
  const dir = t.testdir();
  const store = new SqliteIdempotencyStore(dir);
  t.teardown(() => store.close());
  const now = Date.now();
  await store.firstUse('u-li', 'warm-up', now);
  const before = walSize(dir);
  const keys = Array.from({ length: 50 }, (_, i) => `k-${i}`);
  for (const key of keys) store.put(answer(`${key}-earlier`, now));
  const firstUses = await Promise.all(keys.map((key, i) => store.firstUse('u-li', key, now + i)));
  t.strictSame(firstUses, keys.map((_, i) => now + i), 'each key is recorded as first used now');
  // A commit writes at least one page (4 KiB) to the WAL: fifty commits would add 200 KiB or more.
  const grown = walSize(dir) - before;
  t.ok(grown < 10 * 4_096, `100 writes of one turn added ${grown} bytes to the WAL, a few pages`);
});

t.test('the same key asked twice in one turn has one first use', async (t) => {
  const store = new SqliteIdempotencyStore(t.testdir());
  t.teardown(() => store.close());
  const [first, second] = await Promise.all([store.firstUse('u-li', 'k-1', 1_000_000), store.firstUse('u-li', 'k-1', 1_000_500)]);
  t.equal(first, 1_000_000);
  t.equal(second, 1_000_000, 'the second request derives the same ids as the first');
  t.equal(await store.firstUse('u-li', 'k-1', 1_001_000), 1_000_000, 'and so does a later one');
});

t.test('an answer is found at once, before it is written, and after the store is opened again', async (t) => {
  const dir = t.testdir();
  const store = new SqliteIdempotencyStore(dir);
  const now = Date.now();
  store.put(answer('k-1', now));
  t.equal(store.get('u-li', 'k-1', now)?.status, 201, 'a retry in the same turn is answered from it');
  t.equal(store.get('u-li', 'k-1', now + 25 * 3_600_000), undefined, 'not once it has expired');
  store.put({ ...answer('k-1', now), status: 200 });
  t.equal(store.get('u-li', 'k-1', now)?.status, 200, 'the latest answer for a key wins');
  store.close();
  const reopened = new SqliteIdempotencyStore(dir);
  t.teardown(() => reopened.close());
  t.strictSame(reopened.get('u-li', 'k-1', now)?.body, { id: 'r-k-1', version: 0, position: '7' }, 'close writes what waited');
});

t.test('a turn that cannot be written fails its first uses and says which answers were lost', async (t) => {
  const dir = t.testdir();
  const reports: Array<{ message: string; error: unknown }> = [];
  const store = new SqliteIdempotencyStore(dir, { report: (message, error) => reports.push({ message, error }) });
  t.teardown(() => store.close());
  const now = Date.now();
  // Another connection takes the answers' table away: the next write of answers fails.
  const other = new Database(join(dir, IDEMPOTENCY_FILE));
  other.exec('DROP TABLE outcomes');
  other.close();
  store.put(answer('k-1', now));
  store.put(answer('k-2', now));
  await t.rejects(store.firstUse('u-li', 'k-3', now), /no such table: (main\.)?outcomes/, 'the command of the turn is not run');
  t.equal(reports.length, 1);
  t.match(reports[0]!.message, /2 answer\(s\) of idempotent requests could not be written; a retry of those requests runs its command again/);
  t.equal(await store.firstUse('u-li', 'k-3', now + 1), now + 1, 'a later turn without answers is written');
});
