import t from 'tap';
import { InMemoryEventStore } from '../../infra/event-store/index.js';
import type { EventStore } from '../../infra/event-store/port.js';
import { CommandBus } from '../../services/commands/command-bus.js';
import { InMemorySnapshotStore, SNAPSHOT_EVERY, SqliteSnapshotStore } from '../../infra/snapshots/store.js';
import { conductedInterview, context, counting, finding } from './support.js';

const longInterview = async (store: EventStore, snapshots: InMemorySnapshotStore | SqliteSnapshotStore, findings: number) => {
  const bus = new CommandBus(store, { snapshots });
  await conductedInterview(bus);
  for (let i = 0; i < findings; i++) await bus.execute('RecordFinding', finding(`f${i}`), context());
};

t.test('after a restart a long stream is folded from its last snapshot', async (t) => {
  const events = new InMemoryEventStore();
  const snapshots = new InMemorySnapshotStore();
  await longInterview(events, snapshots, 3 * SNAPSHOT_EVERY);
  const snapshot = snapshots.load('interview-i1');
  t.ok(snapshot && snapshot.revision >= 2 * SNAPSHOT_EVERY, 'a recent snapshot was taken');

  const { store, read } = counting(events);
  const restarted = new CommandBus(store, { snapshots });
  const outcome = await restarted.execute('RecordFinding', { interviewId: 'i1', findingId: 'f-new', section: 'workflow', text: 'new' }, context());
  t.equal(outcome.version, 2 + 3 * SNAPSHOT_EVERY, 'decided on the whole stream');
  t.ok(read() <= SNAPSHOT_EVERY, `read ${read()} events, not the ${3 * SNAPSHOT_EVERY + 3} of the stream`);

  const duplicate = await restarted
    .execute('RecordFinding', { interviewId: 'i1', findingId: 'f5', section: 'workflow', text: 'again' }, context())
    .then(() => 'accepted', (error: { code?: string }) => error.code);
  t.equal(duplicate, 'already-exists', 'the snapshot carries the findings recorded before it');
});

t.test('snapshots in SQLite survive a restart and are ignored without harm when unreadable', async (t) => {
  const dir = t.testdir();
  const events = new InMemoryEventStore();
  const first = new SqliteSnapshotStore(dir);
  await longInterview(events, first, SNAPSHOT_EVERY + 5);
  first.close();
  const second = new SqliteSnapshotStore(dir);
  t.teardown(() => second.close());
  t.ok(second.load('interview-i1'), 'kept in the file');
  t.equal(second.load('interview-unknown'), undefined);
  const bus = new CommandBus(events, { snapshots: second });
  const outcome = await bus.execute('RecordFinding', { interviewId: 'i1', findingId: 'f-last', section: 'workflow', text: 'x' }, context());
  t.equal(outcome.version, 2 + SNAPSHOT_EVERY + 5);
});

t.test('a snapshot of a revision the log does not have is dropped and the stream folded from the log', async (t) => {
  const dir = t.testdir();
  const newer = new InMemoryEventStore();
  const snapshots = new SqliteSnapshotStore(dir);
  t.teardown(() => snapshots.close());
  await longInterview(newer, snapshots, SNAPSHOT_EVERY + 5);
  t.ok((snapshots.load('interview-i1')?.revision ?? -1) > 2 + 10, 'a snapshot past what the older log holds');

  // The log as an older copy had it: the same commands, fewer findings; the snapshot file kept.
  const older = new InMemoryEventStore();
  await longInterview(older, new InMemorySnapshotStore(), 10);
  const bus = new CommandBus(older, { snapshots });
  const outcome = await bus.execute('RecordFinding', { interviewId: 'i1', findingId: 'f-after-restore', section: 'workflow', text: 'x' }, context());
  t.equal(outcome.version, 2 + 10, 'the command is decided on the log as it is and lands at its next revision');
  t.equal(snapshots.load('interview-i1'), undefined, 'the snapshot past the head is gone');
  const refolded = await bus.execute('RecordFinding', { interviewId: 'i1', findingId: 'f150', section: 'workflow', text: 'not in the older log' }, context());
  t.equal(refolded.version, 2 + 10 + 1, 'findings only the snapshot knew of are not in the state');
});
