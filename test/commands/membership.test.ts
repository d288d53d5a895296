import t, { type Test } from 'tap';
import { InMemoryEventStore, openSqliteEventStore } from '../../infra/event-store/index.js';
import { CommandBus } from '../../services/commands/command-bus.js';
import { consultant, pm } from '../support/fixtures.js';
import { conductedInterview, context, counting, finding } from './support.js';

const refusal = (outcome: Promise<unknown>) => outcome.then(
  () => 'accepted',
  (error: { code?: string }) => error.code,
);

t.test('while nobody else writes to the embedded log, the membership check does not read the engagement', async (t) => {
  const log = await openSqliteEventStore(t.testdir());
  t.teardown(() => log.close());
  const { store, reads } = counting(log);
  const bus = new CommandBus(store);
  await conductedInterview(bus);
  const before = reads('engagement-e1');
  for (let i = 0; i < 20; i++) await bus.execute('RecordFinding', finding(`f${i}`), context());
  t.equal(reads('engagement-e1') - before, 0, 'twenty findings, judged on the engagement kept after its last read');
});

/** The pm removes the consultant in one process; the other, which kept the engagement, refuses the consultant's next command. */
const removedElsewhere = async (t: Test, here: CommandBus, there: CommandBus) => {
  await conductedInterview(here);
  await here.execute('RecordFinding', finding('f-before'), context());
  await there.execute('RemoveMember', { engagementId: 'e1', userId: consultant.id, reason: 'Moved to another project.' }, context(pm));
  t.equal(await refusal(here.execute('RecordFinding', finding('f-after'), context())), 'not-found', 'the engagement is hidden from the removed member at once');
  t.equal(await refusal(here.execute('RecordFinding', finding('f-pm'), context(pm))), 'accepted', 'the pm still records');
};

t.test('a member another process removed is refused at the next command on the embedded log', async (t) => {
  const dir = t.testdir();
  const hereLog = await openSqliteEventStore(dir);
  const thereLog = await openSqliteEventStore(dir);
  t.teardown(async () => {
    await hereLog.close();
    await thereLog.close();
  });
  await removedElsewhere(t, new CommandBus(hereLog), new CommandBus(thereLog));
});

t.test('a store that cannot tell who else wrote reads the engagement for every membership check', async (t) => {
  const log = new InMemoryEventStore();
  await removedElsewhere(t, new CommandBus(log), new CommandBus(log));
});
