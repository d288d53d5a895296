import t from 'tap';
import { InMemoryEventStore } from '../../infra/event-store/index.js';
import { rebuildCommand, runRebuild, UnknownProjectionError } from '../../infra/projector/index.js';
import { InMemoryReadModelStore } from '../../infra/read-models/index.js';
import { activity, appendFindings, documentsOf, eventStoreWith, expectedDocuments, interceptingStore, silentLogger, starts } from './support.js';

const setUp = async () => {
  const eventStore = new InMemoryEventStore();
  await appendFindings(eventStore, { run: 'cli', engagements: 3, perEngagement: 10 });
  const store = new InMemoryReadModelStore();
  const closed: string[] = [];
  return {
    eventStore,
    store,
    closed,
    dependencies: {
      // The stores stay readable after the run, for the assertions: closing is recorded, not done.
      openEventStore: async () => eventStoreWith(eventStore, { close: async () => void closed.push('events') }),
      openReadModelStore: async () => ({ ...interceptingStore(store, () => undefined), close: async () => void closed.push('read models') }),
      projections: [activity, starts],
      logger: silentLogger(),
    },
  };
};

t.test('runRebuild opens the stores, rebuilds the named projection, and closes them', async (t) => {
  const { eventStore, store, closed, dependencies } = await setUp();
  const result = await runRebuild({ ...dependencies, name: 'activity' });
  t.match(result, { projection: 'activity', position: '30', eventsApplied: 30 });
  t.same(await documentsOf(store, 'activity'), await expectedDocuments(eventStore, activity));
  t.equal(await store.checkpoint('activity'), '30');
  t.same(closed.sort(), ['events', 'read models']);
});

t.test('an unknown name is refused before anything is opened', async (t) => {
  const { closed, dependencies } = await setUp();
  await t.rejects(runRebuild({ ...dependencies, name: 'nope' }), UnknownProjectionError);
  await t.rejects(runRebuild({ ...dependencies, name: 'nope' }), /known: activity, starts/);
  t.same(closed, []);
});

t.test('the command: exit 0 when rebuilt, 2 for a usage error or an unknown projection', async (t) => {
  const { dependencies } = await setUp();
  const stderr = process.stderr.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  t.teardown(() => {
    process.stderr.write = stderr;
  });
  t.equal(await rebuildCommand(['activity'], dependencies), 0);
  t.equal(await rebuildCommand([], dependencies), 2);
  t.equal(await rebuildCommand(['a', 'b'], dependencies), 2);
  t.equal(await rebuildCommand(['nope'], dependencies), 2);
});
