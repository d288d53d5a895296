import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import t, { type Test } from 'tap';
import {
  EventLogBehindError,
  EventStoreUnavailableError,
  openSqliteEventStore,
  SQLITE_EVENT_STORE_FILE,
  SqliteEventStore,
  streamName,
  type SqliteEventStoreOptions,
} from '../../infra/event-store/index.js';
import type { EventEnvelope } from '../../contracts/index.js';
import type { Acknowledged } from './appender-process.js';
import { verifyEngagement } from '../../infra/proof/verify.js';
import { canonicalJson } from '../../infra/event-store/canonical-json.js';
import { collect, findings, testRun } from './builders.js';
import { eventStoreContract } from './contract.js';
import { eventsOf, SubscriptionReader } from './subscription-reader.js';

const repoRoot = resolve(import.meta.dirname, '../..');

/** A data directory of its own; the stores opened in it are closed and the directory removed when `t` ends. */
const workspace = (t: Test) => {
  const dir = mkdtempSync(join(tmpdir(), 'event-store-'));
  const stores: SqliteEventStore[] = [];
  t.teardown(async () => {
    for (const store of stores) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    dir,
    open: async (options?: SqliteEventStoreOptions) => {
      const store = await openSqliteEventStore(dir, options);
      stores.push(store);
      return store;
    },
  };
};

eventStoreContract(
  t,
  'SqliteEventStore',
  async (options) => {
    const dir = mkdtempSync(join(tmpdir(), 'event-store-'));
    const store = await openSqliteEventStore(dir, options);
    return {
      store,
      close: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
  { exclusiveLog: true, uniqueEventIds: true },
);

t.test('events survive closing and reopening the store', async (t) => {
  const { open } = workspace(t);
  const run = testRun();
  const first = await open();
  await first.appendToStream(run.streams.interview(), findings(run, 1, 3), 'no-stream');
  await first.appendToStream(run.streams.requirement(), [run.requirementCaptured()], 'no-stream');
  const before = await collect(first.readAll());
  await first.close();

  const reopened = await open();
  t.strictSame(await collect(reopened.readAll()), before, 'the same events at the same positions');
  const next = await reopened.appendToStream(run.streams.interview(), findings(run, 1, 1, 4), 2);
  t.match(next, { ok: true, revision: 3, position: String(before.length + 1) }, 'appending goes on where it stopped');
});

t.test('the file is events.sqlite3, in WAL mode, at schema version 1', async (t) => {
  const { dir, open } = workspace(t);
  await (await open()).close();
  const db = new Database(join(dir, SQLITE_EVENT_STORE_FILE), { readonly: true });
  t.teardown(() => db.close());
  t.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  t.equal(db.pragma('user_version', { simple: true }), 1);
});

t.test('what cannot be opened is unavailable', async (t) => {
  const { dir } = workspace(t);
  const notADirectory = join(dir, 'plain-file');
  writeFileSync(notADirectory, 'not a directory');
  await t.rejects(openSqliteEventStore(join(notADirectory, 'data')), EventStoreUnavailableError, 'a data dir that cannot be created');

  const garbage = join(dir, 'garbage');
  mkdirSync(garbage);
  writeFileSync(join(garbage, SQLITE_EVENT_STORE_FILE), 'this is not a SQLite database but some text. '.repeat(100));
  await t.rejects(openSqliteEventStore(garbage), EventStoreUnavailableError, 'a file that is not a database');

  const future = join(dir, 'future');
  await openSqliteEventStore(future).then((store) => store.close());
  const db = new Database(join(future, SQLITE_EVENT_STORE_FILE));
  db.pragma('user_version = 2');
  db.close();
  await t.rejects(openSqliteEventStore(future), { name: 'EventStoreUnavailableError', message: /schema version 2/ }, 'a schema from a later build');
});

t.test('a write lock held past the busy timeout makes an append unavailable, and nothing is written', async (t) => {
  const { dir, open } = workspace(t);
  const run = testRun();
  const store = await open({ busyTimeoutMs: 100 });
  const other = new Database(join(dir, SQLITE_EVENT_STORE_FILE));
  t.teardown(() => other.close());

  other.exec('BEGIN IMMEDIATE');
  await t.rejects(store.appendToStream(run.streams.interview(), findings(run, 1, 1), 'no-stream'), EventStoreUnavailableError);
  other.exec('ROLLBACK');

  t.strictSame(await collect(store.readStream(run.streams.interview())), [], 'nothing was written');
  t.match(await store.appendToStream(run.streams.interview(), findings(run, 1, 1), 'no-stream'), { ok: true, revision: 0 }, 'the next append goes through');
});

t.test('a closed store is unavailable', async (t) => {
  const store = await workspace(t).open();
  const run = testRun();
  await store.close();
  await t.rejects(store.appendToStream(run.streams.interview(), findings(run, 1, 1), 'no-stream'), EventStoreUnavailableError);
  await t.rejects(collect(store.readAll()), EventStoreUnavailableError);
  await t.rejects(store.headPosition(), EventStoreUnavailableError);
  await t.rejects(store.ping(), EventStoreUnavailableError);
});

t.test('closing the store ends its subscriptions', async (t) => {
  const store = await workspace(t).open();
  const reader = new SubscriptionReader(store.subscribeToAll({ start: 'start' }));
  await reader.untilCaughtUp();
  const next = reader.next(1_000);
  await store.close();
  t.equal(await next, 'done');
});

t.test('reads page through a log longer than a page', async (t) => {
  const store = await workspace(t).open({ checkpointEvery: 1_000 });
  const run = testRun();
  const other = run.engagementId(2);
  for (let interview = 1; interview <= 10; interview++) {
    for (let batch = 0; batch < 2; batch++) {
      const context = { engagementId: interview % 2 === 0 ? other : run.engagementId(1) };
      await store.appendToStream(run.streams.interview(interview), findings(run, interview, 600, 600 * batch + 1, context), batch === 0 ? 'no-stream' : 599);
    }
  }
  await store.appendToStream(run.streams.requirement(), [run.requirementCaptured()], 'no-stream');

  const log = await collect(store.readAll());
  t.equal(log.length, 12_001, 'the whole log');
  t.ok(log.every((event, i) => event.position === String(i + 1)), 'in position order, without gaps or repeats');
  const stream = await collect(store.readStream(run.streams.interview(3), { fromRevision: 100 }));
  t.strictSame(stream.map((event) => event.revision), Array.from({ length: 1_100 }, (_, i) => 100 + i), 'one stream, across pages');
  t.equal((await collect(store.readEngagement(other))).length, 6_000, 'one engagement, across pages');
  t.equal((await collect(store.readAll({ start: { after: '11000' }, limit: 700 }))).length, 700, 'a limit across pages');

  const narrow = new SubscriptionReader(store.subscribeToAll({ start: 'start', filter: { eventTypes: ['RequirementCaptured'] } }));
  t.teardown(() => narrow.subscription.close());
  const messages = await narrow.untilCaughtUp();
  t.strictSame(eventsOf(messages).map((event) => event.type), ['RequirementCaptured']);
  t.ok(messages.filter((message) => message.kind === 'checkpoint').length >= 2, 'checkpoints while catching up through 12,000 skipped events');
  t.match(messages.at(-1), { kind: 'caught-up', position: '12001' });
});

t.test('a second store on the same file sees the first one’s events', async (t) => {
  const { open } = workspace(t);
  const run = testRun();
  const writer = await open();
  const reader = await open();
  const subscription = new SubscriptionReader(reader.subscribeToAll({ start: 'start', filter: run.filter() }));
  t.teardown(() => subscription.subscription.close());
  await subscription.untilCaughtUp();

  const appended = findings(run, 1, 2);
  await writer.appendToStream(run.streams.interview(), appended, 'no-stream');
  const { events } = await subscription.events(2, 2_000);
  t.strictSame(events.map((event) => event.eventId), appended.map((event) => event.eventId), 'by polling, within two seconds');
  t.match(
    await reader.appendToStream(run.streams.interview(), findings(run, 1, 1, 3), 'no-stream'),
    { ok: false, actualRevision: 1 },
    'and checks expectations against them',
  );
});

t.test('followers get from the store the events it just appended exactly as the log holds them, with another writer’s in between', async (t) => {
  const { open } = workspace(t);
  const run = testRun();
  const here = await open();
  const elsewhere = await open();
  const revisions = new Map<string, number>();
  const append = async (store: SqliteEventStore, stream: string, events: readonly EventEnvelope[]) => {
    const revision = revisions.get(stream);
    const result = await store.appendToStream(stream, events, revision === undefined ? 'no-stream' : revision);
    if (!result.ok) throw new Error(`append to ${stream} refused`);
    revisions.set(stream, result.revision);
  };
  // Runs of this store's appends, broken by another writer's: gaps in the positions this store wrote.
  for (let i = 0; i < 6; i++) {
    await append(here, run.streams.interview(1), findings(run, 1, 3, 1 + i * 3));
    await append(here, run.streams.interview(2), findings(run, 2, 1, 1 + i));
    if (i % 2 === 1) await append(elsewhere, run.streams.interview(3), findings(run, 3, 2, 1 + i * 2));
  }
  await append(here, run.streams.requirement(), [run.requirementCaptured()]);
  const fresh = await open();
  const asRead = await collect(fresh.readAll({ filter: run.filter() }));
  t.equal(asRead.length, 6 * 4 + 3 * 2 + 1);
  t.strictSame(await collect(here.readAll({ filter: run.filter() })), asRead, 'the whole log, from where it was written');
  for (const filter of [{ streamPrefixes: [run.streams.interview(2)] }, { streamPrefixes: [run.streams.interview(3)] }, run.filter({ eventTypes: ['RequirementCaptured'] })]) {
    t.strictSame(await collect(here.readAll({ filter })), await collect(fresh.readAll({ filter })), `filtered by ${JSON.stringify(filter)}`);
  }
  const differing: string[] = [];
  for (const { position: after } of [{ position: '0' }, ...asRead]) {
    for (const filter of [run.filter(), { streamPrefixes: [run.streams.interview(1)] }]) {
      const fromHere = await collect(here.readAll({ start: { after }, filter, limit: 3 }));
      const fromFile = await collect(fresh.readAll({ start: { after }, filter, limit: 3 }));
      if (JSON.stringify(fromHere) !== JSON.stringify(fromFile)) differing.push(`after ${after}, ${JSON.stringify(filter.streamPrefixes)}`);
    }
  }
  t.same(differing, [], 'three after every position, with and without a narrower filter');
});

t.test('a subscription catching up gives the event loop a turn between pages, so that requests are served meanwhile', async (t) => {
  const { open } = workspace(t);
  const run = testRun();
  const store = await open();
  for (let i = 0; i < 5; i++) await store.appendToStream(run.streams.interview(), findings(run, 1, 1_000, 1 + i * 1_000), i === 0 ? 'no-stream' : i * 1_000 - 1);
  const subscription = store.subscribeToAll({ start: 'start', filter: run.filter() });
  t.teardown(() => subscription.close());
  let turns = 0;
  const tick = () => {
    turns++;
    if (turns < 1_000) setImmediate(tick);
  };
  setImmediate(tick);
  let events = 0;
  let turnsWhenCaughtUp = -1;
  for await (const message of subscription) {
    if (message.kind === 'event') events++;
    if (message.kind === 'caught-up') {
      turnsWhenCaughtUp = turns;
      break;
    }
  }
  t.equal(events, 5_000);
  t.ok(turnsWhenCaughtUp >= 5, `the event loop turned ${turnsWhenCaughtUp} times while 5,000 events were read in pages of 500`);
});

/** Starts the appender process; its acknowledged appends arrive through `onAck`. */
const appender = (dir: string, run: string, args: string[], onAck: (ack: Acknowledged) => void) => {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'appender-process.ts'), dir, run, ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout }).on('line', (line) => onAck(JSON.parse(line) as Acknowledged));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((done) =>
    child.on('close', (code, signal) => done({ code, signal, stderr })),
  );
  return { child, exited };
};

t.test('a process killed while appending loses no acknowledged event', async (t) => {
  const { dir, open } = workspace(t);
  const run = testRun();
  const acknowledged: Acknowledged[] = [];
  const { child, exited } = appender(dir, run.id, ['solo'], (ack) => {
    acknowledged.push(ack);
    if (acknowledged.length === 150) child.kill('SIGKILL');
  });
  t.teardown(() => child.kill('SIGKILL'));
  const exit = await exited;
  t.equal(exit.signal, 'SIGKILL', `killed mid-way (stderr: ${exit.stderr.trim() || 'none'})`);
  t.ok(acknowledged.length >= 150, `${acknowledged.length} appends acknowledged`);

  const store = await open();
  const stream = await collect(store.readStream(streamName.interview(run.interviewId())));
  t.strictSame(stream.map((event) => event.revision), stream.map((_, i) => i), 'revisions are contiguous from 0');
  const byId = new Map(stream.map((event) => [event.eventId, event]));
  const lost = acknowledged.flatMap((ack) => ack.events).filter((event) => !byId.has(event.eventId));
  t.strictSame(lost, [], 'every acknowledged event is there');
  let intact = true;
  for (const ack of acknowledged) {
    const firstRevision = ack.revision - ack.events.length + 1;
    ack.events.forEach((event, i) => {
      const { streamId: _streamId, revision, position, ...stored } = byId.get(event.eventId)!;
      const last = i === ack.events.length - 1;
      // Compared as content: the log stores bodies as canonical JSON, with their keys sorted.
      if (revision !== firstRevision + i || (last && position !== ack.position) || canonicalJson(stored) !== canonicalJson(event)) intact = false;
    });
  }
  t.ok(intact, 'intact, at the acknowledged revisions and positions');
  t.ok(stream.length - acknowledged.flatMap((ack) => ack.events).length <= 3, 'at most the one unacknowledged batch on top');
});

t.test('a log that lost acknowledged commits is refused; accepted, it never hands their positions out again', async (t) => {
  const { dir, open } = workspace(t);
  const run = testRun();
  const acknowledged: Acknowledged[] = [];
  const { child, exited } = appender(dir, run.id, ['solo'], (ack) => {
    acknowledged.push(ack);
    if (acknowledged.length === 100) child.kill('SIGKILL');
  });
  t.teardown(() => child.kill('SIGKILL'));
  await exited;
  const lastAcknowledged = acknowledged.map((ack) => BigInt(ack.position)).reduce((a, b) => (a > b ? a : b));
  truncateSync(join(dir, `${SQLITE_EVENT_STORE_FILE}-wal`), 0);

  const refusal = await open().then(
    () => undefined,
    (error: unknown) => error,
  );
  t.type(refusal, EventLogBehindError, 'opening the damaged log is refused');
  t.ok(refusal instanceof EventStoreUnavailableError, 'as the store being unavailable');
  t.ok(refusal instanceof EventLogBehindError && refusal.acknowledged >= lastAcknowledged, 'naming the acknowledged head');
  await t.rejects(open(), EventLogBehindError, 'again on the next attempt');

  const accepted = await open({ acceptLoss: true });
  t.ok(accepted.opened.nextAfter >= lastAcknowledged, 'accepted, new events go after every acknowledged position');
  const next = await accepted.appendToStream(run.streams.requirement(), [run.requirementCaptured()], 'no-stream');
  t.ok(next.ok && BigInt(next.position) > lastAcknowledged, `the next append takes a fresh position (${next.ok ? next.position : 'conflict'})`);
  await accepted.close();
  const reopened = await open();
  t.ok(reopened.opened.logHead > 0n, 'and the log opens normally afterwards');
});

t.test('followers read no further than the head record: a commit nobody synced yet reaches them with the next sync', async (t) => {
  const { dir, open } = workspace(t);
  const run = testRun();
  const store = await open();
  await store.appendToStream(run.streams.interview(), findings(run, 1, 1), 'no-stream');
  // What a process that died between its COMMIT and its sync leaves behind: in the log, never acknowledged.
  const raw = new Database(join(dir, SQLITE_EVENT_STORE_FILE));
  raw
    .prepare(
      `INSERT INTO events (event_id, stream_id, revision, type, engagement_id, data, metadata)
       SELECT event_id || '-unsynced', stream_id || '-unsynced', revision, type, engagement_id, data, metadata FROM events WHERE position = 1`,
    )
    .run();
  raw.close();

  t.equal(await store.headPosition(), '1', 'the head is the last position the head record covers');
  t.equal((await collect(store.readAll())).length, 1, 'so a reader of the whole log does not see the unsynced commit');
  const next = await store.appendToStream(run.streams.interview(), findings(run, 1, 1, 1), 0);
  t.match(next, { ok: true, position: '3' });
  const all = await collect(store.readAll());
  t.strictSame(
    all.map((event) => event.position),
    ['1', '2', '3'],
    'the next sync covers every commit before it, and the followers see them all',
  );
});

t.test('an append is announced as committed before it is answered, and only an append that wrote something', async (t) => {
  const { open } = workspace(t);
  const run = testRun();
  const store = await open();
  const seen: string[] = [];
  const events = findings(run, 1, 2);
  const appended = await store.appendToStream(run.streams.interview(), events, 'no-stream', {
    onCommitted: (result) => seen.push(`committed at revision ${result.revision}, position ${result.position}`),
  });
  seen.push('answered');
  t.same(seen, ['committed at revision 1, position 2', 'answered'], 'the next command on the stream may be decided before the sync');
  t.match(appended, { ok: true, revision: 1, position: '2' });

  const again: string[] = [];
  const retried = await store.appendToStream(run.streams.interview(), events, 'no-stream', { onCommitted: () => again.push('committed') });
  t.same(retried, appended, 'a retried append is answered with the original result');
  const conflict = await store.appendToStream(run.streams.interview(), findings(run, 1, 1, 3), 0, { onCommitted: () => again.push('committed') });
  t.match(conflict, { ok: false, reason: 'wrong-expected-revision' });
  t.same(again, [], 'neither the retry nor the conflict wrote anything to announce');
});

t.test('two processes appending to one stream keep its revisions contiguous', async (t) => {
  const { dir, open } = workspace(t);
  const run = testRun();
  await (await open()).close();
  const acknowledged: Acknowledged[] = [];
  const processes = [1, 2].map(() => appender(dir, run.id, ['contend', '100'], (ack) => acknowledged.push(ack)));
  t.teardown(() => processes.forEach(({ child }) => child.kill('SIGKILL')));
  const exits = await Promise.all(processes.map(({ exited }) => exited));
  t.strictSame(exits.map(({ code }) => code), [0, 0], `both finish (stderr: ${exits.map((exit) => exit.stderr.trim()).join(' | ') || 'none'})`);

  const store = await open();
  const stream = await collect(store.readStream(streamName.interview(run.interviewId())));
  t.equal(stream.length, 200, 'every event once');
  t.strictSame(stream.map((event) => event.revision), stream.map((_, i) => i), 'revisions are contiguous from 0');
  const revisionOf = new Map(stream.map((event) => [event.eventId, event.revision]));
  t.ok(
    acknowledged.every((ack) => revisionOf.get(ack.events[0]!.eventId) === ack.revision),
    'each append landed at the revision it was acknowledged with',
  );
  t.match(
    await verifyEngagement(run.engagementId(), store.readEngagementAsStored(run.engagementId())),
    { verified: true, events: 200 },
    'each process chained its events after the other’s: the history verifies',
  );
});

t.test('SqliteEventStore.open needs no factory', async (t) => {
  const store = SqliteEventStore.open(join(workspace(t).dir, 'custom.sqlite3'));
  t.teardown(() => store.close());
  await t.resolves(store.ping());
});

t.test('the WAL is checkpointed into the log file by a thread of its own while appends go on', async (t) => {
  const { dir, open } = workspace(t);
  const run = testRun();
  const store = await open({ checkpointEveryMs: 0 });
  const file = join(dir, SQLITE_EVENT_STORE_FILE);
  const before = statSync(file).size;
  let revision = -1;
  for (let i = 0; i < 40; i++) {
    const batch = findings(run, 1, 50, 1 + i * 50);
    const result = await store.appendToStream(run.streams.interview(), batch, revision < 0 ? 'no-stream' : revision);
    t.ok(result.ok);
    if (result.ok) revision = result.revision;
  }
  const deadline = Date.now() + 5_000;
  while (statSync(file).size === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  t.ok(statSync(file).size > before, `the log file grew from ${before} bytes: its pages were copied out of the WAL, which SQLite no longer does in the COMMIT`);
  await store.close();
  const reopened = await open();
  t.equal((await collect(reopened.readAll())).length, 2_000, 'every event is there after closing and opening again');
});
