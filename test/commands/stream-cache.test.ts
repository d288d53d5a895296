import t from 'tap';
import { InMemoryEventStore } from '../../infra/event-store/index.js';
import { CommandBus } from '../../services/commands/command-bus.js';
import { idSource } from '../../services/commands/ids.js';
import { consultant } from '../support/fixtures.js';
import { conductedInterview, context, counting, finding } from './support.js';

t.test('a command on a stream this process keeps does not read it from the log again', async (t) => {
  const { store, reads } = counting(new InMemoryEventStore());
  const bus = new CommandBus(store);
  await conductedInterview(bus);
  for (let i = 0; i < 50; i++) await bus.execute('RecordFinding', finding(`f${i}`), context());
  const before = reads('interview-i1');
  const outcome = await bus.execute('RecordFinding', finding('f-next'), context());
  t.equal(outcome.version, 2 + 50, 'scheduled, conducted, 50 findings, and this one');
  t.equal(reads('interview-i1') - before, 0, 'the interview was decided on the state kept after the last append');
});

t.test('a state another process moved on is caught at the append and the command decided on the log', async (t) => {
  const log = new InMemoryEventStore();
  const here = new CommandBus(log);
  const there = new CommandBus(log);
  await conductedInterview(here);
  await here.execute('RecordFinding', finding('f-here'), context());
  await there.execute('RecordFinding', finding('f-there'), context());

  const next = await here.execute('RecordFinding', finding('f-next'), context());
  t.equal(next.version, 4, 'appended after the other process’s finding, not over it');
  const duplicate = await here.execute('RecordFinding', finding('f-there'), context()).then(
    () => 'accepted',
    (error: { code?: string }) => error.code,
  );
  t.equal(duplicate, 'already-exists', 'the other process’s finding is in the state now');
});

t.test('a rule that refuses on the kept state is judged again on the log before the client hears it', async (t) => {
  const log = new InMemoryEventStore();
  const here = new CommandBus(log);
  const there = new CommandBus(log);
  await conductedInterview(here);
  await there.execute('RecordFinding', finding('f-there'), context());
  const draft = await here.execute('DraftSummary', { interviewId: 'i1', text: 'Quotes are approved by phone.', findingIds: ['f-there'] }, context());
  t.equal(draft.version, 3, 'the finding recorded elsewhere was found');
});

t.test('If-Match names a version another process appended: judged on the log, not on the kept state', async (t) => {
  const log = new InMemoryEventStore();
  const here = new CommandBus(log);
  const there = new CommandBus(log);
  await conductedInterview(here);
  const elsewhere = await there.execute('RecordFinding', finding('f-there'), context());
  const pinned = await here.execute('RecordFinding', finding('f-pinned'), context(undefined, { expectedVersion: elsewhere.version }));
  t.equal(pinned.version, elsewhere.version + 1);
  const stale = await here.execute('RecordFinding', finding('f-stale'), context(undefined, { expectedVersion: elsewhere.version })).then(
    () => 'accepted',
    (error: Error) => error.name,
  );
  t.equal(stale, 'VersionMismatchError', 'a version the stream has moved past is still refused');
});

t.test('the same Idempotency-Key sent to two processes that both keep the stream appends once', async (t) => {
  const log = new InMemoryEventStore();
  const here = new CommandBus(log);
  const there = new CommandBus(log);
  await conductedInterview(here);
  await there.execute('RecordFinding', finding('f-warm'), context());
  await here.execute('RecordFinding', finding('f-warm-here'), context());
  const keyed = () => ({ ...context(), ids: idSource({ userId: consultant.id, key: 'k-1', firstUsedAt: 1 }, 'secret') });

  const first = await here.execute('RecordFinding', finding('f-keyed'), keyed());
  const retried = await there.execute('RecordFinding', finding('f-keyed'), keyed());
  t.equal(retried.position, first.position, 'the retry is answered with the original outcome');
  t.ok(retried.replayed);
  const recorded = [];
  for await (const event of log.readStream('interview-i1')) if (event.type === 'FindingRecorded') recorded.push(event.data.findingId);
  t.same(recorded, ['f-warm', 'f-warm-here', 'f-keyed'], 'one append');
});
