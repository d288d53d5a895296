import t from 'tap';
import { InMemoryEventStore } from '../../infra/event-store/index.js';
import type { EventStore } from '../../infra/event-store/port.js';
import { CommandBus } from '../../services/commands/command-bus.js';
import { idSource } from '../../services/commands/ids.js';
import { consultant, interviewee, NOW, pm } from '../support/fixtures.js';

const context = (extra: { expectedVersion?: number } = {}, actor = consultant) => ({
  actor,
  now: NOW,
  correlationId: 'c',
  causationId: 'c',
  ids: idSource(undefined, 'unused'),
  ...extra,
});

/** An event store that counts the reads of each stream. */
const counting = (store: EventStore) => {
  const reads = new Map<string, number>();
  const wrapped: EventStore = {
    appendToStream: (...args) => store.appendToStream(...args),
    readStream: (stream, options) => {
      reads.set(stream, (reads.get(stream) ?? 0) + 1);
      return store.readStream(stream, options);
    },
    readAll: (...args) => store.readAll(...args),
    readEngagement: (...args) => store.readEngagement(...args),
    readEngagementAsStored: (...args) => store.readEngagementAsStored(...args),
    subscribeToAll: (...args) => store.subscribeToAll(...args),
    headPosition: () => store.headPosition(),
    ping: () => store.ping(),
    close: () => store.close(),
  };
  return { store: wrapped, reads: (stream: string) => reads.get(stream) ?? 0 };
};

const conductedInterview = async (bus: CommandBus) => {
  await bus.execute('StartEngagement', { engagementId: 'e1', name: 'E', client: 'C', sponsor: { name: 'S', title: 'CEO' }, goals: [], successCriteria: [] }, context({}, pm));
  await bus.execute('AddMember', { engagementId: 'e1', userId: consultant.id, name: consultant.name, role: 'consultant' }, context({}, pm));
  await bus.execute(
    'ScheduleInterview',
    {
      interviewId: 'i1',
      engagementId: 'e1',
      interviewee: { name: 'Li', department: 'Sales', position: 'M', userId: interviewee.id },
      interviewers: ['Chen'],
      scheduledAt: NOW,
      durationMinutes: 60,
      location: 'R',
      method: 'phone',
      topics: ['reports'],
    },
    context(),
  );
  await bus.execute('RecordInterviewConducted', { interviewId: 'i1', conductedAt: NOW, attendees: [] }, context());
};

const finding = (findingId: string) => ({ interviewId: 'i1', findingId, section: 'workflow' as const, text: `finding ${findingId}` });

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
  const pinned = await here.execute('RecordFinding', finding('f-pinned'), context({ expectedVersion: elsewhere.version }));
  t.equal(pinned.version, elsewhere.version + 1);
  const stale = await here.execute('RecordFinding', finding('f-stale'), context({ expectedVersion: elsewhere.version })).then(
    () => 'accepted',
    (error: Error) => error.name,
  );
  t.equal(stale, 'VersionMismatchError', 'a version the stream has moved past is still refused');
});
