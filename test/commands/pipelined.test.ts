/**
 * Commands on one stream queue in this process; where the log commits before it syncs (the embedded
 * log), the next command is decided as soon as the previous one is committed, and each is still
 * answered only once it is durable.
 */
import t from 'tap';
import { InMemoryEventStore } from '../../infra/event-store/index.js';
import type { EventStore } from '../../infra/event-store/port.js';
import { CommandBus } from '../../services/commands/command-bus.js';
import { InMemorySnapshotStore, SNAPSHOT_EVERY, type SnapshotStore } from '../../infra/snapshots/store.js';
import { idSource } from '../../services/commands/ids.js';
import { consultant } from '../support/fixtures.js';
import { conductedInterview, context, counting, finding } from './support.js';

/** A log that commits at once and syncs when the test says so, in order. */
const slowToSync = () => {
  const log = new InMemoryEventStore();
  const syncs: Array<{ stream: string; sync: () => void; fail: (error: Error) => void }> = [];
  const { store: wrapped } = counting(log);
  const store: EventStore = {
    ...wrapped,
    appendToStream: async (stream, events, expected, options) => {
      const result = await log.appendToStream(stream, events, expected);
      if (!result.ok) return result;
      options?.onCommitted?.(result);
      await new Promise<void>((sync, fail) => syncs.push({ stream, sync, fail }));
      return result;
    },
  };
  const settle = async () => {
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
  };
  return { store, log, syncs, settle };
};

/** A bus on `store` with interview i1 conducted, every sync of the set-up let through. */
const withConductedInterview = async (store: EventStore, syncs: ReturnType<typeof slowToSync>['syncs'], settle: () => Promise<void>, snapshots?: SnapshotStore) => {
  const bus = new CommandBus(store, snapshots ? { snapshots } : {});
  const setUp = conductedInterview(bus);
  await settle();
  while (syncs.length > 0) {
    syncs.shift()!.sync();
    await settle();
  }
  await setUp;
  return bus;
};

const findingsIn = async (log: EventStore) => {
  const ids: string[] = [];
  for await (const event of log.readStream('interview-i1')) if (event.type === 'FindingRecorded') ids.push(event.data.findingId);
  return ids;
};

t.test('the next command on a stream is decided while the previous one syncs, and each is answered only once it is durable', async (t) => {
  const { store, log, syncs, settle } = slowToSync();
  const bus = await withConductedInterview(store, syncs, settle);

  const answered: string[] = [];
  const commands = ['f1', 'f2', 'f3'].map((id) => bus.execute('RecordFinding', finding(id), context()).then((outcome) => answered.push(`${id}@${outcome.version}`)));
  await settle();
  t.same(await findingsIn(log), ['f1', 'f2', 'f3'], 'all three are in the log before the first one is synced');
  t.same(answered, [], 'none is answered before it is durable');
  syncs.shift()!.sync();
  await settle();
  t.same(answered, ['f1@2'], 'the first is answered once synced');
  syncs.shift()!.sync();
  syncs.shift()!.sync();
  await Promise.all(commands);
  t.same(answered, ['f1@2', 'f2@3', 'f3@4'], 'in order, each on top of the one before');
});

t.test('a retried command found committed but not yet synced is answered only once the original is durable', async (t) => {
  const { store, log, syncs, settle } = slowToSync();
  const bus = await withConductedInterview(store, syncs, settle);
  const keyed = () => ({ ...context(), ids: idSource({ userId: consultant.id, key: 'k-1', firstUsedAt: 1 }, 'secret') });

  const answered: string[] = [];
  const first = bus.execute('RecordFinding', finding('f-keyed'), keyed()).then((o) => answered.push(`first replayed=${o.replayed}`));
  const retried = bus.execute('RecordFinding', finding('f-keyed'), keyed()).then((o) => answered.push(`retry replayed=${o.replayed}`));
  await settle();
  t.same(answered, [], 'the retry waits for the original’s sync');
  syncs.shift()!.sync();
  await Promise.all([first, retried]);
  t.same(answered.sort(), ['first replayed=false', 'retry replayed=true'], 'both answered once it is durable, the retry as a replay');
  t.same(await findingsIn(log), ['f-keyed'], 'one append');
});

t.test('when the sync of a command fails, a retry found in the kept state fails with it', async (t) => {
  const { store, syncs, settle } = slowToSync();
  const bus = await withConductedInterview(store, syncs, settle);
  const keyed = () => ({ ...context(), ids: idSource({ userId: consultant.id, key: 'k-2', firstUsedAt: 1 }, 'secret') });
  const first = bus.execute('RecordFinding', finding('f-lost'), keyed());
  const retried = bus.execute('RecordFinding', finding('f-lost'), keyed());
  await settle();
  syncs.shift()!.fail(new Error('fdatasync failed: EIO'));
  await t.rejects(first, /EIO/);
  await t.rejects(retried, /EIO/, 'not answered as done');
});

t.test('a state is snapshotted only once its events are durable: a crash before the sync leaves no snapshot of them', async (t) => {
  const { store, syncs, settle } = slowToSync();
  const snapshots = new InMemorySnapshotStore();
  const bus = await withConductedInterview(store, syncs, settle, snapshots);
  // Scheduled, conducted and findings up to one event short of a snapshot, each synced.
  for (let i = 0; i < SNAPSHOT_EVERY - 3; i++) {
    const recorded = bus.execute('RecordFinding', finding(`f${i}`), context());
    await settle();
    syncs.shift()!.sync();
    await recorded;
  }
  t.equal(snapshots.load('interview-i1'), undefined, 'no snapshot yet');
  const last = bus.execute('RecordFinding', finding('f-last'), context());
  await settle();
  t.equal(snapshots.load('interview-i1'), undefined, 'committed but not synced: not snapshotted');
  syncs.shift()!.sync();
  await last;
  t.equal(snapshots.load('interview-i1')?.revision, SNAPSHOT_EVERY - 1, 'snapshotted once durable');
});
