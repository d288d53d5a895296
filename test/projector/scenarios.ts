/**
 * The projector scenarios where the read-model store matters – redelivery, a crash between write
 * and checkpoint, rebuild and swap, catch-up then live – as one suite run against the in-memory
 * store and against MongoDB. The event store is the in-memory one.
 */
import type { Test } from 'tap';
import { InMemoryEventStore } from '../../infra/event-store/index.js';
import { projectBatch } from '../../infra/projector/project-batch.js';
import type { ReadModelStore } from '../../infra/read-models/index.js';
import {
  activity,
  append,
  appendFindings,
  collect,
  documentsOf,
  engagementStarted,
  expectedDocuments,
  failingStore,
  findingRecorded,
  interviewCancelled,
  projectorFor,
  starts,
  until,
  type Activity,
} from './support.js';

export type OpenStore = () => Promise<{ store: ReadModelStore; close(): Promise<void> }>;

const noRetry = async <T>(_what: string, operation: () => Promise<T>) => operation();

export const projectorScenarios = (t: Test, name: string, open: OpenStore) =>
  t.test(`projector on ${name}`, async (t) => {
    const opened = async (t: Test) => {
      const { store, close } = await open();
      t.teardown(close);
      const eventStore = new InMemoryEventStore();
      t.teardown(() => eventStore.close());
      return { store, eventStore };
    };

    t.test('catches up from the log, then follows it live', async (t) => {
      const { store, eventStore } = await opened(t);
      await append(eventStore, [engagementStarted('c.e1'), engagementStarted('c.e2')]);
      const head = await appendFindings(eventStore, { run: 'c', engagements: 20, perEngagement: 60 });
      const { projector } = projectorFor(t, { eventStore, store, projections: [activity, starts], catchUpBatch: { maxEvents: 500 } });
      await projector.start();
      await projector.waitForPosition(head, 30_000);
      t.same(await documentsOf(store, 'activity'), await expectedDocuments(eventStore, activity), 'caught up: every event once');
      t.same(await documentsOf(store, 'starts'), await expectedDocuments(eventStore, starts));
      await until(async () => (await projector.status()).every((status) => status.state === 'live'));

      const live = await append(eventStore, [findingRecorded('c.e1', 1000), interviewCancelled('c.e2'), findingRecorded('c.e3', 1), engagementStarted('c.e3')]);
      await projector.waitForPosition(live, 5_000);
      t.same(await documentsOf(store, 'activity'), await expectedDocuments(eventStore, activity), 'live events applied, the cancelled one deleted');
      t.same(await documentsOf(store, 'starts'), await expectedDocuments(eventStore, starts));
      const statuses = await projector.status();
      t.same(
        statuses.map(({ name, state, checkpoint, lagEvents }) => ({ name, state, checkpoint, lagEvents })),
        [
          { name: 'activity', state: 'live', checkpoint: live, lagEvents: 0 },
          { name: 'starts', state: 'live', checkpoint: live, lagEvents: 0 },
        ],
      );
      t.equal(await store.checkpoint('activity'), live, 'the checkpoint is stored');
    });

    t.test('a batch delivered twice leaves the same documents', async (t) => {
      const { store, eventStore } = await opened(t);
      await appendFindings(eventStore, { run: 'r', engagements: 5, perEngagement: 20 });
      await append(eventStore, [interviewCancelled('r.e2'), findingRecorded('r.e3', 99)]);
      const events = (await collect(eventStore.readAll())).filter((event) => activity.eventTypes.includes(event.type));
      const collection = store.collection<Activity>('activity');

      const first = await projectBatch(activity, collection, events, noRetry);
      const afterFirst = await documentsOf<Activity>(store, 'activity');
      const second = await projectBatch(activity, collection, events, noRetry);
      t.same(await documentsOf(store, 'activity'), afterFirst, 'the second delivery changes nothing');
      t.equal(second.written, 0, 'and writes nothing: every document has seen every event');
      t.ok(first.written > 0);
      // A redelivery cut differently: a tail of the batch, then the whole batch again.
      await projectBatch(activity, collection, events.slice(50), noRetry);
      await projectBatch(activity, collection, events, noRetry);
      t.same(await documentsOf(store, 'activity'), afterFirst);
      t.same(afterFirst, await expectedDocuments(eventStore, activity));
      t.notOk(afterFirst.some((document) => document.id === 'r.e2'), 'the deleted document stays deleted');

      // And through the runtime: the checkpoint set back to the start, everything comes again.
      const { projector } = projectorFor(t, { eventStore, store });
      await store.saveCheckpoint('activity', '0');
      await projector.start();
      await projector.waitForPosition((await eventStore.headPosition())!, 10_000);
      t.same(await documentsOf(store, 'activity'), afterFirst, 'replaying the whole log changes nothing');
    });

    t.test('a crash between the read-model write and the checkpoint neither loses nor double-applies', async (t) => {
      const { store, eventStore } = await opened(t);
      await appendFindings(eventStore, { run: 'k', engagements: 10, perEngagement: 100, chunk: 7 });
      // The process "dies" right after the fourth batch is written: its checkpoint is never saved.
      const dying = failingStore(store, (operation, call) => (operation === 'saveCheckpoint' && call >= 4 ? new Error('process died') : undefined));
      const first = projectorFor(t, { eventStore, store: dying, catchUpBatch: { maxEvents: 97, maxWaitMs: 60_000 } });
      await first.projector.start();
      await until(async () => (await first.projector.status())[0]?.state === 'failed');
      await first.projector.stop();
      const checkpoint = await store.checkpoint('activity');
      const written = await documentsOf<Activity>(store, 'activity');
      t.equal(checkpoint, '291', 'the checkpoint is three batches in');
      t.ok(
        written.reduce((sum, document) => sum + document.count, 0) > 291,
        'while the documents already hold the fourth batch',
      );

      const second = projectorFor(t, { eventStore, store });
      await second.projector.start();
      const head = (await eventStore.headPosition())!;
      await second.projector.waitForPosition(head, 10_000);
      const documents = await documentsOf<Activity>(store, 'activity');
      t.same(documents, await expectedDocuments(eventStore, activity), 'after the restart: every event exactly once');
      t.ok(documents.every((document) => new Set(document.eventIds).size === document.eventIds.length), 'no event id twice');
    });

    t.test('rebuild: equals the incrementally built read model, swapped in while queries keep answering', async (t) => {
      const { store, eventStore } = await opened(t);
      await appendFindings(eventStore, { run: 'b', engagements: 30, perEngagement: 40 });
      await append(eventStore, [interviewCancelled('b.e7')]);
      const { projector } = projectorFor(t, { eventStore, store, projections: [activity, starts], catchUpBatch: { maxEvents: 100 } });
      await projector.start();
      await projector.waitForPosition((await eventStore.headPosition())!, 10_000);
      const incremental = await documentsOf<Activity>(store, 'activity');

      // Queries go on through the rebuild, and new events keep arriving.
      const live = store.collection<Activity>('activity');
      let answers = 0;
      let wrong = 0;
      let querying = true;
      const queries = (async () => {
        while (querying) {
          const count = await live.count({});
          const first = await live.get('b.e1');
          if (count < 29 || first === undefined) wrong++;
          answers++;
          await new Promise((resolve) => setImmediate(resolve));
        }
      })();
      const appending = (async () => {
        for (let i = 0; i < 20; i++) {
          await append(eventStore, [findingRecorded(`b.e${(i % 5) + 1}`, 500 + i)]);
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
      })();
      const result = await projector.rebuildProjection('activity');
      await appending;
      querying = false;
      await queries;

      t.ok(answers > 0, `queries answered during the rebuild (${answers})`);
      t.equal(wrong, 0, 'and none of them saw a missing or empty read model');
      t.ok(result.position !== undefined);
      const head = (await eventStore.headPosition())!;
      await projector.waitForPosition(head, 10_000);
      const rebuilt = await documentsOf<Activity>(store, 'activity');
      t.same(rebuilt, await expectedDocuments(eventStore, activity), 'the rebuilt read model, carried on live, equals a fold of the whole log');
      t.same(
        rebuilt.filter((document) => !['b.e1', 'b.e2', 'b.e3', 'b.e4', 'b.e5'].includes(document.id)),
        incremental.filter((document) => !['b.e1', 'b.e2', 'b.e3', 'b.e4', 'b.e5'].includes(document.id)),
        'documents no new event touched are exactly what the incremental build had',
      );
      const after = await append(eventStore, [findingRecorded('b.e9', 900)]);
      await projector.waitForPosition(after, 5_000);
      t.equal((await live.get('b.e9'))?.count, 41, 'the live runtime continues from the rebuilt checkpoint');
      const [status] = await projector.status();
      t.match(status, { name: 'activity', state: 'live', rebuilding: false, checkpoint: after });
      t.same(await documentsOf(store, 'starts'), await expectedDocuments(eventStore, starts), 'the other projection was not disturbed');
    });
  });
