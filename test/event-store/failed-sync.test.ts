/**
 * A failed sync of the embedded log. After the kernel said it could not write the WAL, it may have
 * dropped those pages, and a later sync could succeed without them: the append is not
 * acknowledged, no later one is either, and the service must open the log again – which finds
 * every acknowledged event, and recognises a retry of the unacknowledged one by its event ids.
 */
import t from 'tap';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

// The log syncs its WAL with fs.fdatasync, bound when its module loads: this wrapper is bound instead.
const fdatasync = fs.fdatasync;
let failing = false;
fs.fdatasync = ((fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => {
  if (!failing) return fdatasync(fd, callback);
  process.nextTick(() => callback(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO', syscall: 'fdatasync' })));
}) as typeof fs.fdatasync;
syncBuiltinESMExports();
const { openSqliteEventStore } = await import('../../infra/event-store/index.js');
const { EventStoreUnavailableError } = await import('../../infra/event-store/port.js');
const { collect, findings, testRun } = await import('./builders.js');

t.test('after a failed sync no append is acknowledged until the log is opened again', async (t) => {
  const dataDir = t.testdir();
  const run = testRun();
  const stream = run.streams.interview();
  const store = await openSqliteEventStore(dataDir);
  const acknowledged = findings(run, 1, 3);
  t.match(await store.appendToStream(stream, acknowledged, 'no-stream'), { ok: true, revision: 2 });

  failing = true;
  const unacknowledged = findings(run, 1, 3, 4);
  const refusal = await store.appendToStream(stream, unacknowledged, 2).then(
    () => undefined,
    (error: unknown) => error,
  );
  failing = false;
  t.type(refusal, EventStoreUnavailableError, 'the append whose sync failed is not acknowledged');
  t.match((refusal as Error).message, /syncing .*events\.sqlite3-wal to disk failed \(Error: EIO: i\/o error, fdatasync\); restart the service, which checks the log against its witness/);
  await t.rejects(store.appendToStream(run.streams.interview(2), findings(run, 2, 1), 'no-stream'), refusal as Error, 'nor is any later append, though the disk answers again');
  await store.close();

  const reopened = await openSqliteEventStore(dataDir);
  t.teardown(() => reopened.close());
  t.match(await reopened.appendToStream(stream, unacknowledged, 2), { ok: true, revision: 5 }, 'opened again, a retry of the unacknowledged append is answered');
  const events = await collect(reopened.readStream(stream));
  t.strictSame(
    events.map((event) => event.eventId),
    [...acknowledged, ...unacknowledged].map((event) => event.eventId),
    'the acknowledged events are there, and the retried ones once',
  );
  t.match(await reopened.appendToStream(run.streams.interview(2), findings(run, 2, 1), 'no-stream'), { ok: true }, 'and new appends are acknowledged');
});
