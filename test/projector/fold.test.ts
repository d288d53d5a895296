/** The runtime's fold and batching, without any store. */
import t from 'tap';
import type { RecordedEvent } from '../../contracts/index.js';
import type { LogMessage } from '../../infra/event-store/index.js';
import { readBatches } from '../../infra/consumer/batches.js';
import { foldEvents, routeEvents } from '../../infra/projector/fold.js';
import type { StoredState } from '../../infra/read-models/index.js';
import { activity, findingRecorded, interviewCancelled, poisoned, type Activity } from './support.js';

const recorded = (envelope: ReturnType<typeof findingRecorded>, position: number): RecordedEvent => ({
  ...envelope,
  streamId: `interview-${envelope.engagementId}.i1`,
  revision: position,
  position: String(position),
});

const document = (id: string, position: string, eventIds: string[]): Activity => ({ id, engagementId: id, position, count: eventIds.length, eventIds });

t.test('events at or before a document’s position are skipped, deleted documents included', async (t) => {
  const e5 = recorded(findingRecorded('a', 5), 5);
  const e12 = recorded(findingRecorded('a', 12), 12);
  const b3 = recorded(findingRecorded('b', 3), 3);
  const b13 = recorded(findingRecorded('b', 13), 13);
  const states = new Map<string, StoredState<Activity>>([
    ['a', { document: undefined, position: '10' }],
    ['b', { document: document('b', '4', ['x']), position: '4' }],
  ]);
  const { routed } = routeEvents(activity, [b3, e5, e12, b13]);
  const fold = foldEvents(activity, routed, states);
  const byId = [...fold.writes].sort((x, y) => (x.id < y.id ? -1 : 1));
  t.same(byId, [
    { kind: 'upsert', id: 'a', document: document('a', '12', [e12.eventId]), ifPositionBelow: '12' },
    { kind: 'upsert', id: 'b', document: document('b', '13', ['x', b13.eventId]), ifPositionBelow: '13' },
  ], 'a: 5 is before its deletion at 10, so only 12 counts; b: 3 is before its position 4');
  t.equal(fold.applied, 2, 'two of the four events changed something');
});

t.test('a delete is written with the position of the deleting event; an untouched document is not written', async (t) => {
  const f1 = recorded(findingRecorded('a', 1), 21);
  const cancel = recorded(interviewCancelled('a'), 22);
  const states = new Map<string, StoredState<Activity>>([
    ['a', { document: document('a', '20', ['x']), position: '20' }],
    ['c', { document: document('c', '30', ['y']), position: '30' }],
  ]);
  const late = recorded(findingRecorded('c', 1), 25);
  const fold = foldEvents(activity, routeEvents(activity, [f1, cancel, late]).routed, states);
  t.same(fold.writes, [{ kind: 'delete', id: 'a', ifPositionBelow: '22' }]);
});

t.test('a throwing projection: the fold keeps what the events before did and names the event', async (t) => {
  const events = [1, 2, 3, 4].map((n) => recorded(findingRecorded(n % 2 === 0 ? 'a' : 'b', n), n));
  const broken = poisoned((event) => event.position === '3');
  const fold = foldEvents(broken, routeEvents(broken, events).routed, new Map());
  t.equal(fold.failure?.event, events[2]);
  t.match(fold.failure?.error, /cannot apply/);
  t.same(
    fold.writes.map((write) => [write.id, write.ifPositionBelow]).sort(),
    [
      ['a', '2'],
      ['b', '1'],
    ],
    'events 1 and 2 are in, 3 and 4 are not',
  );
  const routeFails = {
    ...activity,
    route: (event: RecordedEvent) => {
      if (event.position === '2') throw new Error('a bug in route');
      return [event.engagementId];
    },
  };
  const routed = routeEvents(routeFails, events);
  t.equal(routed.routed.length, 1);
  t.equal(routed.failure?.event, events[1]);
});

const messages = async function* (items: LogMessage[], delayAfter?: number): AsyncGenerator<LogMessage> {
  for (const [index, item] of items.entries()) {
    if (delayAfter !== undefined && index === delayAfter) await new Promise((resolve) => setTimeout(resolve, 80));
    yield item;
  }
};

t.test('batches: at most maxEvents, closed by a checkpoint, caught-up, or the wait limit', async (t) => {
  const events = Array.from({ length: 12 }, (_, i) => ({ kind: 'event' as const, event: recorded(findingRecorded('a', i), i + 1) }));
  const batches = [];
  for await (const batch of readBatches(
    messages([...events.slice(0, 7), { kind: 'checkpoint', position: '9' }, ...events.slice(9, 11), { kind: 'caught-up', position: '11' }, events[11]!], 12),
    { catchingUp: { maxEvents: 5, maxWaitMs: 20 }, live: { maxEvents: 5, maxWaitMs: 20 } },
  )) {
    batches.push({ size: batch.events.length, through: batch.through, caughtUp: batch.caughtUp });
  }
  t.same(batches, [
    { size: 5, through: '5', caughtUp: false },
    { size: 2, through: '9', caughtUp: false },
    { size: 2, through: '11', caughtUp: true },
    { size: 1, through: '12', caughtUp: false },
  ]);

  const slow = [];
  for await (const batch of readBatches(messages(events.slice(0, 4), 2), { catchingUp: { maxEvents: 10, maxWaitMs: 20 }, live: { maxEvents: 10, maxWaitMs: 20 } })) slow.push(batch.events.length);
  t.same(slow, [2, 2], 'a batch does not wait longer than maxWaitMs for more');
});

t.test('batches: the catching-up limits until caught up, the live ones after', async (t) => {
  const events = Array.from({ length: 30 }, (_, i) => ({ kind: 'event' as const, event: recorded(findingRecorded('a', i), i + 1) }));
  const sizes = [];
  for await (const batch of readBatches(messages([...events.slice(0, 20), { kind: 'caught-up', position: '20' }, ...events.slice(20)]), {
    catchingUp: { maxEvents: 8, maxWaitMs: 1_000 },
    live: { maxEvents: 3, maxWaitMs: 1_000 },
  })) {
    sizes.push(batch.events.length);
  }
  t.same(sizes, [8, 8, 4, 3, 3, 3, 1]);
});
