import t, { type Test } from 'tap';
import { openSqliteEventStore } from '../../infra/event-store/index.js';
import { SqliteConsumerStore } from '../../infra/consumer/index.js';
import { DEFAULT_CHECKPOINT_NAME, openFileCheckpointStore } from '../../infra/publisher/index.js';
import { SqliteSnapshotStore } from '../../infra/snapshots/store.js';
import { DataDamagedError, reconcileSideStores } from '../../infra/embedded-data/integrity.js';
import { SqliteIdempotencyStore } from '../../infra/idempotency/store.js';
import { findings, testRun } from '../event-store/builders.js';

/** A data directory whose log holds three findings, and whose side stores saw position 40. */
const damaged = async (t: Test) => {
  const dataDir = t.testdir();
  const run = testRun();
  const store = await openSqliteEventStore(dataDir);
  const idempotency = new SqliteIdempotencyStore(dataDir);
  const snapshots = new SqliteSnapshotStore(dataDir);
  t.teardown(async () => {
    snapshots.close();
    idempotency.close();
    await store.close();
  });
  const stream = run.streams.interview();
  await store.appendToStream(stream, findings(run, 1, 3), 'no-stream');
  const answer = (key: string, position: string) => ({
    userId: 'u-chen',
    key,
    fingerprint: 'f',
    status: 201,
    headers: {},
    body: { id: 'i1', version: 2, position },
    storedAt: Date.now(),
  });
  idempotency.put(answer('in-the-log', '3'));
  idempotency.put(answer('lost-1', '39'));
  idempotency.put(answer('lost-2', '40'));
  await (await openFileCheckpointStore(dataDir)).save(DEFAULT_CHECKPOINT_NAME, '35');
  snapshots.save(stream, { revision: 30, state: {} });
  snapshots.save('interview-other', { revision: 0, state: {} });
  const messages: string[] = [];
  return { dataDir, run, store, idempotency, snapshots, stream, messages, report: (message: string) => messages.push(message) };
};

t.test('answers and a publisher checkpoint past the end of the log refuse the start and change nothing', async (t) => {
  const { dataDir, store, idempotency, snapshots, report, stream } = await damaged(t);
  const refusal = await reconcileSideStores({ dataDir, store, idempotency, snapshots, report }).then(
    () => undefined,
    (error: unknown) => error,
  );
  t.type(refusal, DataDamagedError);
  const message = (refusal as Error).message;
  t.match(message, /ends at position 3/, 'where the log ends');
  t.match(message, /idempotency\.sqlite3: 2 acknowledged answer\(s\) name positions up to 40/, 'what the answers saw');
  t.match(message, /consumers\.sqlite3 \(checkpoint kafka-publisher\): events up to position 35 were published to Kafka/, 'what the publisher sent (its checkpoint file carried over)');
  t.match(message, /npm run restore -- <backup file>/);
  t.match(message, /npm run data:accept-loss/);
  t.equal(idempotency.answersPast(3n).count, 2, 'the answers are kept');
  t.ok(snapshots.load(stream), 'and the snapshots');
});

t.test('accepted, they are dropped loudly, and new events go after every position they saw', async (t) => {
  const { dataDir, run, store, idempotency, snapshots, report, messages, stream } = await damaged(t);
  const outcome = await reconcileSideStores({ dataDir, store, idempotency, snapshots, report, acceptLoss: true });
  t.strictSame(outcome.droppedSnapshots.sort(), ['interview-other', stream].sort(), 'snapshots past their streams are dropped');
  t.equal(outcome.droppedAnswers, 2, 'the answers past the log are forgotten');
  t.equal(idempotency.get('u-chen', 'in-the-log', Date.now())?.status, 201, 'an answer the log backs is kept');
  t.strictSame(outcome.publisherCheckpoint, { was: '35', now: '3' }, 'the publisher goes on from the end of the log');
  const consumers = SqliteConsumerStore.open(dataDir);
  t.equal(await consumers.checkpointer().load(DEFAULT_CHECKPOINT_NAME), '3');
  consumers.close();
  t.equal(await (await openFileCheckpointStore(dataDir)).load(DEFAULT_CHECKPOINT_NAME), undefined, 'the old checkpoint file is renamed aside');
  t.ok(messages.filter((m) => m.startsWith('ACCEPTED LOSS')).length >= 2, 'each loss is reported');
  const next = await store.appendToStream(run.streams.requirement(), [run.requirementCaptured()], 'no-stream');
  t.ok(next.ok && BigInt(next.position) > 40n, `new events take positions past 40 (${next.ok ? next.position : 'conflict'})`);
});
