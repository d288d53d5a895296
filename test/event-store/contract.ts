/**
 * The event store contract: every promise of the port, as one suite that each adapter runs.
 *
 * `open` gives a store for one subtest and how to close it; it must apply `upcasting` when given
 * (the upcasting subtest reads old events through a registry of its own). Without traits the suite
 * assumes nothing an EventStoreDB server would not keep: the log may be shared and already hold
 * events, so every subtest works in streams of its own run and filters the log down to them.
 */
import type { Test } from 'tap';
import type { EventEnvelope, RecordedEvent } from '../../contracts/index.js';
import {
  comparePositions,
  streamName,
  type AppendResult,
  type EventStore,
  type LogMessage,
  type LogStart,
  type Upcasting,
} from '../../infra/event-store/index.js';
import { chainDigest, GENESIS } from '../../infra/event-store/chain.js';
import { verifyEngagement } from '../../infra/proof/verify.js';
import { collect, collectPages, findings, testRun } from './builders.js';
import { eventsOf, SubscriptionReader } from './subscription-reader.js';

export type OpenedStore = { store: EventStore; close(): Promise<void> };
export type OpenStore = (options?: { upcasting?: Upcasting }) => Promise<OpenedStore>;

export type ContractTraits = {
  /** Each store that `open` gives starts with an empty log that nothing else writes to. */
  exclusiveLog?: boolean;
  /**
   * An event id is unique in the whole log, so an append that reuses one anywhere is refused.
   * EventStoreDB only compares ids with the stream's own events, so its adapter leaves this off.
   */
  uniqueEventIds?: boolean;
};

const idsOf = (events: readonly { eventId: string }[]) => events.map((event) => event.eventId);
const withoutPosition = ({ position: _position, ...event }: RecordedEvent) => event;
const recordedAs = (events: readonly EventEnvelope[], streamId: string, firstRevision = 0) =>
  events.map((event, i) => ({ ...event, streamId, revision: firstRevision + i }));

const positionOf = (result: AppendResult): string => {
  if (!result.ok) throw new Error(`expected a successful append, got ${JSON.stringify(result)}`);
  return result.position;
};

const isIncreasing = (positions: readonly string[]) => positions.every((p, i) => i === 0 || comparePositions(positions[i - 1]!, p) < 0);

/** Where to start reading so as to see everything this subtest appends from now on. */
const fromNow = async (store: EventStore): Promise<LogStart> => {
  const head = await store.headPosition();
  return head === undefined ? 'start' : { after: head };
};

export const eventStoreContract = (t: Test, name: string, open: OpenStore, traits: ContractTraits = {}) =>
  t.test(`${name} keeps the event store contract`, async (t) => {
    const opened = async (t: Test, options?: { upcasting?: Upcasting }): Promise<EventStore> => {
      const { store, close } = await open(options);
      t.teardown(close);
      return store;
    };

    t.test('appending to a new stream with no-stream starts it at revision 0', async (t) => {
      const store = await opened(t);
      const run = testRun();
      const stream = run.streams.interview();
      const batch = findings(run, 1, 3);

      const result = await store.appendToStream(stream, batch, 'no-stream');

      t.match(result, { ok: true, revision: 2 });
      const read = await collect(store.readStream(stream));
      t.strictSame(read.map(withoutPosition), recordedAs(batch, stream), 'the envelopes come back as they went in');
      t.equal(read.at(-1)?.position, positionOf(result), 'the result names the position of the last event');
      t.ok(isIncreasing(read.map((event) => event.position)), 'positions increase within the batch');
    });

    t.test('appends with the exact revision, stream-exists and any; revisions stay 0-based and contiguous', async (t) => {
      const store = await opened(t);
      const run = testRun();
      const stream = run.streams.interview();
      const batches = [findings(run, 1, 1, 1), findings(run, 1, 2, 2), findings(run, 1, 1, 4), findings(run, 1, 2, 5)];

      t.match(await store.appendToStream(stream, batches[0]!, 'no-stream'), { ok: true, revision: 0 });
      t.match(await store.appendToStream(stream, batches[1]!, 0), { ok: true, revision: 2 }, 'exact revision');
      t.match(await store.appendToStream(stream, batches[2]!, 'stream-exists'), { ok: true, revision: 3 }, 'stream-exists');
      t.match(await store.appendToStream(stream, batches[3]!, 'any'), { ok: true, revision: 5 }, 'any on an existing stream');
      const other = run.streams.requirement();
      t.match(await store.appendToStream(other, [run.requirementCaptured()], 'any'), { ok: true, revision: 0 }, 'any on a new stream');

      const read = await collect(store.readStream(stream));
      t.strictSame(read.map((event) => event.revision), [0, 1, 2, 3, 4, 5]);
      t.strictSame(idsOf(read), idsOf(batches.flat()));
    });

    t.test('a wrong expected revision is answered with the actual one and writes nothing', async (t) => {
      const store = await opened(t);
      const run = testRun();
      const start = await fromNow(store);
      const stream = run.streams.interview();
      const missing = run.streams.interview(2);
      const stored = findings(run, 1, 2);
      await store.appendToStream(stream, stored, 'no-stream');
      const refused = (n: number) => findings(run, 1, 1, 10 + n);

      const cases: [string, string, number | 'no-stream' | 'stream-exists', number | 'no-stream'][] = [
        ['no-stream on an existing stream', stream, 'no-stream', 1],
        ['an older revision', stream, 0, 1],
        ['a revision not reached yet', stream, 2, 1],
        ['a revision far ahead', stream, 7, 1],
        ['stream-exists on a missing stream', missing, 'stream-exists', 'no-stream'],
        ['a revision on a missing stream', missing, 0, 'no-stream'],
      ];
      for (const [n, [label, target, expected, actualRevision]] of cases.entries()) {
        const result = await store.appendToStream(target, refused(n), expected);
        t.strictSame(result, { ok: false, reason: 'wrong-expected-revision', actualRevision }, label);
      }

      t.strictSame(idsOf(await collect(store.readStream(stream))), idsOf(stored), 'the stream is unchanged');
      t.strictSame(await collect(store.readStream(missing)), [], 'the missing stream is still missing');
      t.strictSame(idsOf(await collect(store.readAll({ start, filter: run.filter() }))), idsOf(stored), 'the log holds nothing else');
    });

    t.test('positions increase strictly across streams, in the order of the appends', async (t) => {
      const store = await opened(t);
      const run = testRun();
      const start = await fromNow(store);
      const appends: [string, EventEnvelope[]][] = [
        [run.streams.interview(1), findings(run, 1, 2, 1)],
        [run.streams.requirement(1), [run.requirementCaptured(1)]],
        [run.streams.interview(2), findings(run, 2, 1, 1)],
        [run.streams.interview(1), findings(run, 1, 1, 3)],
        [run.streams.engagement(1), [run.engagementStarted(1)]],
        [run.streams.interview(2), findings(run, 2, 1, 2)],
      ];

      const positions: string[] = [];
      for (const [stream, events] of appends) positions.push(positionOf(await store.appendToStream(stream, events, 'any')));

      t.ok(isIncreasing(positions), 'each append ends at a later position');
      const log = await collect(store.readAll({ start, filter: run.filter() }));
      t.strictSame(idsOf(log), idsOf(appends.flatMap(([, events]) => events)), 'the log is in append order');
      t.ok(isIncreasing(log.map((event) => event.position)), 'every event has a later position than the one before');
    });

    t.test('readStream reads from a revision; a missing stream reads empty', async (t) => {
      const store = await opened(t);
      const run = testRun();
      const stream = run.streams.interview();
      const stored = findings(run, 1, 5);
      await store.appendToStream(stream, stored, 'no-stream');

      t.strictSame(idsOf(await collect(store.readStream(stream, { fromRevision: 3 }))), idsOf(stored.slice(3)));
      t.strictSame(await collect(store.readStream(stream, { fromRevision: 5 })), [], 'from past the end');
      t.strictSame(await collect(store.readStream(run.streams.interview(9))), [], 'a stream that does not exist');
    });

    t.test('readAll reads from the start or after a position, filtered by stream prefix and event type, limited', async (t) => {
      const store = await opened(t);
      const run = testRun();
      const start = await fromNow(store);
      const interview1 = findings(run, 1, 2);
      const requirement = run.requirementCaptured();
      const interview2 = findings(run, 2, 1);
      const engagement = run.engagementStarted();
      await store.appendToStream(run.streams.interview(1), interview1, 'no-stream');
      await store.appendToStream(run.streams.requirement(1), [requirement], 'no-stream');
      await store.appendToStream(run.streams.interview(2), interview2, 'no-stream');
      await store.appendToStream(run.streams.engagement(1), [engagement], 'no-stream');
      const all = [...interview1, requirement, ...interview2, engagement];
      const read = (options: Parameters<EventStore['readAll']>[0]) => collect(store.readAll(options)).then(idsOf);

      const log = await collect(store.readAll({ start: 'start', filter: run.filter() }));
      t.strictSame(idsOf(log), idsOf(all), 'from the start');
      t.strictSame(
        log.map(({ streamId, revision }) => [streamId, revision]),
        [
          [run.streams.interview(1), 0],
          [run.streams.interview(1), 1],
          [run.streams.requirement(1), 0],
          [run.streams.interview(2), 0],
          [run.streams.engagement(1), 0],
        ],
        'with each event’s stream and revision',
      );
      if (traits.exclusiveLog) t.strictSame(await read({}), idsOf(all), 'the whole log, by default from the start');
      t.strictSame(await read({ start, filter: run.filter() }), idsOf(all), 'after the head before the appends');
      t.strictSame(await read({ start: { after: log[1]!.position }, filter: run.filter() }), idsOf(all.slice(2)), 'after a position');
      t.strictSame(await read({ start: { after: log.at(-1)!.position }, filter: run.filter() }), [], 'after the last event');
      t.strictSame(await read({ start: 'end', filter: run.filter() }), [], 'from the end');

      t.strictSame(await read({ start, filter: { streamPrefixes: [streamName.interview(`${run.id}.`)] } }), idsOf([...interview1, ...interview2]), 'one prefix');
      t.strictSame(
        await read({ start, filter: { streamPrefixes: [run.streams.requirement(1), streamName.engagement(`${run.id}.`)] } }),
        idsOf([requirement, engagement]),
        'prefixes are or-ed',
      );
      t.strictSame(
        await read({ start, filter: run.filter({ eventTypes: ['EngagementStarted', 'RequirementCaptured'] }) }),
        idsOf([requirement, engagement]),
        'event types are or-ed and and-ed with the prefixes',
      );
      t.strictSame(
        await read({ start, filter: { streamPrefixes: [streamName.interview(`${run.id}.`)], eventTypes: ['RequirementCaptured'] } }),
        [],
        'both must hold',
      );

      t.strictSame(await read({ start, filter: run.filter(), limit: 2 }), idsOf(all.slice(0, 2)), 'limit');
      t.strictSame(await read({ start: { after: log[1]!.position }, filter: run.filter(), limit: 2 }), idsOf(all.slice(2, 4)), 'limit after a position');
      t.strictSame(
        await read({ start, filter: run.filter({ eventTypes: ['FindingRecorded'] }), limit: 2 }),
        idsOf(all.filter((event) => event.type === 'FindingRecorded').slice(0, 2)),
        'limit counts matching events',
      );
    });

    t.test('readEngagement reads the events of one engagement in log order, optionally of some streams', async (t) => {
      const store = await opened(t);
      const run = testRun();
      const [e1, e2] = [run.engagementId(1), run.engagementId(2)];
      const appends: [string, EventEnvelope][] = [
        [run.streams.engagement(1), run.engagementStarted(1)],
        [run.streams.engagement(2), run.engagementStarted(2)],
        [run.streams.interview(1), run.findingRecorded(1, 1, { engagementId: e1 })],
        [run.streams.interview(2), run.findingRecorded(2, 1, { engagementId: e2 })],
        [run.streams.requirement(1), run.requirementCaptured(1, { engagementId: e1 })],
        [run.streams.requirement(2), run.requirementCaptured(2, { engagementId: e2 })],
        [run.streams.interview(1), run.findingRecorded(1, 2, { engagementId: e1 })],
      ];
      for (const [stream, event] of appends) await store.appendToStream(stream, [event], 'any');
      const of = (engagementId: string) => appends.filter(([, event]) => event.engagementId === engagementId);

      const read = await collect(store.readEngagement(e1));
      t.strictSame(idsOf(read), idsOf(of(e1).map(([, event]) => event)), 'only that engagement, in log order');
      t.ok(isIncreasing(read.map((event) => event.position)));
      t.strictSame(
        idsOf(await collect(store.readEngagement(e1, { streamPrefixes: ['requirement-'] }))),
        idsOf(of(e1).filter(([stream]) => stream.startsWith('requirement-')).map(([, event]) => event)),
        'only streams with the prefix',
      );
      t.strictSame(
        idsOf(await collect(store.readEngagement(e2, { streamPrefixes: ['requirement-', 'engagement-'] }))),
        idsOf(of(e2).filter(([stream]) => !stream.startsWith('interview-')).map(([, event]) => event)),
        'prefixes are or-ed',
      );
      t.strictSame(await collect(store.readEngagement(run.engagementId(3))), [], 'an engagement without events');
    });

    t.test('events written under an older schema version are read upcast to the current one', async (t) => {
      // A made-up event type, so that no other reader of a shared log (a projector, the publisher)
      // ever meets these events. Version 1 had a `note`; version 2 calls it `text`.
      const upcasting: Upcasting = {
        currentVersion: (type) => (type === 'ProbeNoted' ? 2 : 1),
        upcasters: {
          ProbeNoted: {
            1: ({ data }) => {
              const { note, ...rest } = data as { note: string; findingId: string };
              return { type: 'ProbeNoted', schemaVersion: 2, data: { ...rest, text: note } };
            },
          },
        },
      };
      const store = await opened(t, { upcasting });
      const run = testRun();
      const start = await fromNow(store);
      const stream = run.streams.interview();
      const probe = (envelope: EventEnvelope, schemaVersion: number, data: object) =>
        ({ ...envelope, type: 'ProbeNoted', schemaVersion, data }) as unknown as EventEnvelope;
      const old = run.findingRecorded(1, 1);
      const legacy = probe(old, 1, { findingId: old.data.findingId, note: 'Quotes wait for finance.' });
      const later = run.findingRecorded(1, 2);
      const current = probe(later, 2, { findingId: later.data.findingId, text: 'Quotes above the limit wait.' });
      const subscription = new SubscriptionReader(store.subscribeToAll({ start, filter: run.filter() }));
      t.teardown(() => subscription.subscription.close());
      await store.appendToStream(stream, [legacy, current], 'no-stream');

      const upcast = probe(old, 2, { findingId: old.data.findingId, text: 'Quotes wait for finance.' });
      const expected = recordedAs([upcast, current], stream);
      t.strictSame((await collect(store.readStream(stream))).map(withoutPosition), expected, 'readStream');
      t.strictSame((await collect(store.readAll({ start, filter: run.filter() }))).map(withoutPosition), expected, 'readAll');
      t.strictSame((await collect(store.readEngagement(run.engagementId()))).map(withoutPosition), expected, 'readEngagement');
      t.strictSame((await subscription.events(2)).events.map(withoutPosition), expected, 'subscribeToAll');

      const stored = await collectPages(store.readEngagementAsStored(run.engagementId()));
      t.strictSame(stored.map((event) => [event.metadata.schemaVersion, event.data]), [
        [1, legacy.data],
        [2, current.data],
      ], 'readEngagementAsStored hands out what was stored, not the upcast form');
      t.match(await verifyEngagement(run.engagementId(), store.readEngagementAsStored(run.engagementId())), { verified: true, events: 2 }, 'the chain verifies over what was stored');
    });

    t.test('every event is chained to the one before it in its stream; an engagement verifies over all its streams', async (t) => {
      const store = await opened(t);
      const run = testRun();
      const interview = findings(run, 1, 3);
      await store.appendToStream(run.streams.engagement(), [run.engagementStarted()], 'no-stream');
      await store.appendToStream(run.streams.interview(), interview.slice(0, 2), 'no-stream');
      await store.appendToStream(run.streams.requirement(), [run.requirementCaptured()], 'any');
      await store.appendToStream(run.streams.interview(), interview.slice(2), 'stream-exists');

      const stored = await collectPages(store.readEngagementAsStored(run.engagementId()));
      t.equal(stored.length, 5, 'every event of the engagement, each once');
      t.ok(stored.every((event) => /^[0-9a-f]{64}$/.test(event.metadata.proof?.digest ?? '')), 'each carries a SHA-256 digest');
      const [first, second, third] = stored.filter((event) => event.streamId === run.streams.interview());
      t.equal(first!.metadata.proof!.digest, chainDigest(first!, GENESIS), "a stream's first event follows the genesis");
      t.equal(second!.metadata.proof!.digest, chainDigest(second!, first!.metadata.proof!.digest), 'the next commits to the one before it');
      t.equal(third!.metadata.proof!.digest, chainDigest(third!, second!.metadata.proof!.digest), 'across appends too');

      const verified = await verifyEngagement(run.engagementId(), store.readEngagementAsStored(run.engagementId()));
      t.match(verified, { verified: true, events: 5, head: /^[0-9a-f]{64}$/ });
      t.notOk('firstBreak' in verified, 'no break to report');
      await store.appendToStream(run.streams.requirement(), [run.requirementCaptured(2)], 0);
      const later = await verifyEngagement(run.engagementId(), store.readEngagementAsStored(run.engagementId()));
      t.match(later, { verified: true, events: 6 });
      t.not(later.head, verified.head, 'a new event moves the engagement head');
    });

    t.test('an engagement longer than a page is read as stored in pages, in log order, each event once', async (t) => {
      const store = await opened(t);
      const run = testRun();
      const other = testRun();
      await store.appendToStream(run.streams.engagement(), [run.engagementStarted()], 'no-stream');
      await store.appendToStream(run.streams.interview(), findings(run, 1, 700), 'no-stream');
      await store.appendToStream(other.streams.interview(), findings(other, 1, 5), 'no-stream');
      await store.appendToStream(run.streams.interview(), findings(run, 1, 700, 701), 699);

      const pages = await collect(store.readEngagementAsStored(run.engagementId()));
      t.ok(pages.length > 1, `${pages.length} pages`);
      t.ok(pages.every((page) => page.length > 0), 'none of them empty');
      const stored = pages.flat();
      t.equal(stored.length, 1_401, "every event of the engagement, none of the other's");
      t.ok(isIncreasing(stored.map((event) => event.position)), 'in log order');
      t.strictSame(stored.filter((event) => event.streamId === run.streams.interview()).map((event) => event.revision), Array.from({ length: 1_400 }, (_, i) => i), 'each once');
      t.match(await verifyEngagement(run.engagementId(), store.readEngagementAsStored(run.engagementId())), { verified: true, events: 1_401 });
    });

    t.test('a retried append is answered with the earlier result and stores nothing twice', async (t) => {
      const store = await opened(t);
      const run = testRun();
      const start = await fromNow(store);
      const stream = run.streams.interview();
      const first = findings(run, 1, 2, 1);
      const second = findings(run, 1, 1, 3);

      const original = await store.appendToStream(stream, first, 'no-stream');
      const latest = await store.appendToStream(stream, second, 1);
      t.strictSame(await store.appendToStream(stream, first, 'no-stream'), original, 'retried with its expectation, after later appends');
      t.strictSame(await store.appendToStream(stream, first, 'any'), original, 'retried with any');
      t.strictSame(await store.appendToStream(stream, second, 1), latest, 'the latest append retried');

      const other = findings(run, 1, 1, 9);
      t.strictSame(
        await store.appendToStream(stream, [first[0]!, ...other], 'no-stream'),
        { ok: false, reason: 'wrong-expected-revision', actualRevision: 2 },
        'a batch that reuses the first id of another append but differs after it is refused',
      );
      if (traits.uniqueEventIds) {
        t.strictSame(
          await store.appendToStream(stream, [...other, first[1]!], 2),
          { ok: false, reason: 'wrong-expected-revision', actualRevision: 2 },
          'a batch that reuses an id after its first is refused',
        );
        t.strictSame(
          await store.appendToStream(run.streams.interview(2), [first[0]!], 'no-stream'),
          { ok: false, reason: 'wrong-expected-revision', actualRevision: 'no-stream' },
          'an id stored in another stream is refused',
        );
        t.strictSame(
          await store.appendToStream(stream, [other[0]!, other[0]!], 2),
          { ok: false, reason: 'wrong-expected-revision', actualRevision: 2 },
          'a batch with an id twice is refused',
        );
      }

      t.strictSame(idsOf(await collect(store.readStream(stream))), idsOf([...first, ...second]), 'the stream holds each event once');
      t.strictSame(idsOf(await collect(store.readAll({ start, filter: run.filter() }))), idsOf([...first, ...second]), 'and so does the log');
    });

    t.test('of concurrent appends with the same expected revision exactly one wins', async (t) => {
      const store = await opened(t);
      const run = testRun();
      const stream = run.streams.interview();

      for (const [expected, revisionAfter] of [['no-stream', 1], [1, 3]] as const) {
        const contenders = Array.from({ length: 8 }, (_, i) => findings(run, 1, 2, 100 * (i + 1) + revisionAfter));
        const results = await Promise.all(contenders.map((batch) => store.appendToStream(stream, batch, expected)));

        const winners = results.flatMap((result, i) => (result.ok ? [i] : []));
        t.equal(winners.length, 1, `exactly one append expecting ${expected} wins`);
        t.match(results[winners[0]!], { ok: true, revision: revisionAfter });
        t.ok(
          results.every((result) => result.ok || result.actualRevision === revisionAfter),
          'the others learn the winner’s revision',
        );
        const read = await collect(store.readStream(stream, { fromRevision: revisionAfter - 1 }));
        t.strictSame(idsOf(read), idsOf(contenders[winners[0]!]!), 'the stream holds the winner’s events only');
      }
    });

    t.test('a subscription delivers history, then caught-up once, then live events in order, until closed', async (t) => {
      const store = await opened(t);
      const run = testRun();
      const start = await fromNow(store);
      const findingsBefore = findings(run, 1, 2);
      const requirement = run.requirementCaptured(1);
      await store.appendToStream(run.streams.interview(1), findingsBefore, 'no-stream');
      await store.appendToStream(run.streams.requirement(1), [requirement], 'no-stream');
      const reader = new SubscriptionReader(store.subscribeToAll({ start, filter: run.filter() }));
      t.teardown(() => reader.subscription.close());

      const untilLive = await reader.untilCaughtUp();
      const delivered = eventsOf(untilLive);
      t.strictSame(idsOf(delivered), idsOf([...findingsBefore, requirement]), 'the history in log order');
      const caughtUp = untilLive.at(-1) as Extract<LogMessage, { kind: 'caught-up' }>;
      t.ok(caughtUp.position !== undefined && comparePositions(caughtUp.position, delivered[2]!.position) >= 0, 'caught up at or past the last event');
      if (traits.exclusiveLog) t.equal(caughtUp.position, await store.headPosition(), 'caught up at the head');

      const live = [...findings(run, 2, 1), ...findings(run, 2, 1, 2)];
      await store.appendToStream(run.streams.interview(2), [live[0]!], 'no-stream');
      await store.appendToStream(run.streams.interview(2), [live[1]!], 0);
      const { events, messages } = await reader.events(2);
      t.strictSame(idsOf(events), idsOf(live), 'live events in append order');
      t.notOk(messages.some((message) => message.kind === 'caught-up'), 'caught-up comes once');

      await reader.subscription.close();
      t.equal(await reader.next(1_000), 'done', 'close() ends the iteration');
    });

    t.test('a subscription delivers only what its filter lets through, live as well', async (t) => {
      const store = await opened(t);
      const run = testRun();
      const start = await fromNow(store);
      const requirements = [1, 2, 3].map((n) => run.requirementCaptured(n));
      await store.appendToStream(run.streams.interview(1), findings(run, 1, 2), 'no-stream');
      await store.appendToStream(run.streams.requirement(1), [requirements[0]!], 'no-stream');
      const reader = new SubscriptionReader(store.subscribeToAll({ start, filter: run.filter({ eventTypes: ['RequirementCaptured'] }) }));
      t.teardown(() => reader.subscription.close());

      t.strictSame(idsOf(eventsOf(await reader.untilCaughtUp())), idsOf(requirements.slice(0, 1)), 'history');
      await store.appendToStream(run.streams.interview(2), findings(run, 2, 3), 'no-stream');
      await store.appendToStream(run.streams.requirement(2), [requirements[1]!], 'no-stream');
      await store.appendToStream(run.streams.interview(2), findings(run, 2, 1, 4), 2);
      await store.appendToStream(run.streams.requirement(3), [requirements[2]!], 'no-stream');
      t.strictSame(idsOf((await reader.events(2)).events), idsOf(requirements.slice(1)), 'live');
    });

    t.test('a subscription from the end delivers only events appended after it started', async (t) => {
      const store = await opened(t);
      const run = testRun();
      const stream = run.streams.interview();
      await store.appendToStream(stream, findings(run, 1, 2), 'no-stream');
      const reader = new SubscriptionReader(store.subscribeToAll({ start: 'end', filter: run.filter() }));
      t.teardown(() => reader.subscription.close());

      t.strictSame(eventsOf(await reader.untilCaughtUp()), [], 'no history');
      const later = findings(run, 1, 1, 3);
      await store.appendToStream(stream, later, 1);
      t.strictSame(idsOf((await reader.events(1)).events), idsOf(later));
    });

    t.test('a subscription after a position starts with the event after it', async (t) => {
      const store = await opened(t);
      const run = testRun();
      const stream = run.streams.interview();
      const stored = findings(run, 1, 4);
      const results = [];
      for (const [revision, event] of stored.entries()) results.push(await store.appendToStream(stream, [event], revision === 0 ? 'no-stream' : revision - 1));
      const reader = new SubscriptionReader(store.subscribeToAll({ start: { after: positionOf(results[1]!) }, filter: run.filter() }));
      t.teardown(() => reader.subscription.close());

      t.strictSame(idsOf(eventsOf(await reader.untilCaughtUp())), idsOf(stored.slice(2)));
    });

    t.test('close() ends a subscription promptly, whether it waits for events or has not started', async (t) => {
      const store = await opened(t);
      const run = testRun();
      const waiting = new SubscriptionReader(store.subscribeToAll({ start: 'end', filter: run.filter() }));
      await waiting.untilCaughtUp();
      const next = waiting.next(1_000);
      const closedAt = Date.now();
      await waiting.subscription.close();
      t.equal(await next, 'done', 'the waiting read ends');
      t.ok(Date.now() - closedAt < 1_000, 'promptly');

      const unstarted = store.subscribeToAll({ start: 'start', filter: run.filter() });
      await unstarted.close();
      t.strictSame(await collect(unstarted), [], 'a subscription closed before it was read yields nothing');
    });

    t.test('a narrowly filtered subscription advances with checkpoints while other events pass by', async (t) => {
      const store = await opened(t);
      const run = testRun();
      const filter = run.filter({ eventTypes: ['RequirementCaptured'] });
      const reader = new SubscriptionReader(store.subscribeToAll({ start: await fromNow(store), filter }));
      t.teardown(() => reader.subscription.close());
      const caughtUp = (await reader.untilCaughtUp()).at(-1) as Extract<LogMessage, { kind: 'caught-up' }>;

      for (let interview = 1; interview <= 12; interview++) {
        await store.appendToStream(run.streams.interview(interview), findings(run, interview, 100), 'no-stream');
      }
      const head = (await store.headPosition())!;
      const passedBy = await reader.until((message) => message.kind === 'checkpoint', 10_000);
      t.strictSame(eventsOf(passedBy), [], 'no event passes the filter');
      const checkpoint = (passedBy.at(-1) as Extract<LogMessage, { kind: 'checkpoint' }>).position;
      t.ok(caughtUp.position === undefined || comparePositions(checkpoint, caughtUp.position) > 0, 'a checkpoint past the caught-up position');
      t.ok(comparePositions(checkpoint, head) <= 0, 'not past the head');

      const requirement = run.requirementCaptured();
      await store.appendToStream(run.streams.requirement(), [requirement], 'no-stream');
      const untilMatch = await reader.until((message) => message.kind === 'event', 10_000);
      t.strictSame(idsOf(eventsOf(untilMatch)), idsOf([requirement]), 'then the matching event');
      const checkpoints = [checkpoint, ...untilMatch.flatMap((message) => (message.kind === 'checkpoint' ? [message.position] : []))];
      t.ok(isIncreasing(checkpoints), 'checkpoints advance');

      const resumed = new SubscriptionReader(store.subscribeToAll({ start: { after: checkpoint }, filter }));
      t.teardown(() => resumed.subscription.close());
      t.strictSame(idsOf((await resumed.events(1)).events), idsOf([requirement]), 'resuming after a checkpoint misses nothing');
    });

    t.test('headPosition names the position of the last event', async (t) => {
      const store = await opened(t);
      const run = testRun();
      if (traits.exclusiveLog) t.equal(await store.headPosition(), undefined, 'undefined for an empty log');
      const result = await store.appendToStream(run.streams.interview(), findings(run, 1, 3), 'no-stream');
      const head = await store.headPosition();
      t.ok(head !== undefined && comparePositions(head, positionOf(result)) >= 0, 'at or past the last append');
      if (traits.exclusiveLog) t.equal(head, positionOf(result), 'exactly the last append');
      await t.resolves(store.ping(), 'ping answers');
    });
  });
