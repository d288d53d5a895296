// Drives the EventStoreDB test server ONLY through the real @eventstore/db-client,
// asserting what a user of the client would observe.
import { randomUUID } from 'node:crypto';
import t, { type Test } from 'tap';
import {
  ANY,
  BACKWARDS,
  binaryEvent,
  END,
  EventStoreDBClient,
  eventTypeFilter,
  jsonEvent,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  streamNameFilter,
  WrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type Position,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { startEsdbTestServer, type EsdbTestServer } from './server.js';

interface Connected {
  readonly server: EsdbTestServer;
  readonly client: EventStoreDBClient;
}

/** A fresh server (empty `$all`) and a client; both closed when the subtest ends. */
async function connect(tt: Test, query = ''): Promise<Connected> {
  const server = await startEsdbTestServer({ port: 0 });
  const client = EventStoreDBClient.connectionString(`${server.url}${query}`);
  tt.teardown(async () => {
    await client.dispose();
    await server.close();
  });
  return { server, client };
}

const uniqueStream = (prefix: string): string => `${prefix}-${randomUUID()}`;

async function collect<E>(iterable: AsyncIterable<E>): Promise<E[]> {
  const out: E[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** The error a promise rejects with (fails the test if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

async function eventually(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

interface Recording<E> {
  readonly events: E[];
  readonly errors: unknown[];
  confirmed: boolean;
  caughtUp: number;
}

function record<E>(subscription: NodeJS.EventEmitter): Recording<E> {
  const recording: Recording<E> = { events: [], errors: [], confirmed: false, caughtUp: 0 };
  subscription.on('data', (event: E) => recording.events.push(event));
  subscription.on('error', (error: unknown) => recording.errors.push(error));
  subscription.on('confirmation', () => (recording.confirmed = true));
  subscription.on('caughtUp', () => recording.caughtUp++);
  return recording;
}

const typesOf = (events: readonly (ResolvedEvent | AllStreamResolvedEvent)[]): (string | undefined)[] =>
  events.map((e) => e.event?.type);
const revisionsOf = (events: readonly ResolvedEvent[]): (bigint | undefined)[] => events.map((e) => e.event?.revision);
const positionOf = (e: AllStreamResolvedEvent | ResolvedEvent | undefined): Position => {
  const position = e?.event?.position;
  if (!position) throw new Error('event has no position');
  return position;
};

t.test('append then read back: revisions, ids, types, data, metadata, created, positions', async (tt) => {
  const { client } = await connect(tt);
  const stream = uniqueStream('order');
  const created = jsonEvent({ type: 'OrderCreated', data: { orderId: 1 }, metadata: { by: 'alice' } });
  const paid = jsonEvent({ type: 'OrderPaid', data: { amount: 42 } });
  const before = Date.now();

  const result = await client.appendToStream(stream, [created, paid], { expectedRevision: NO_STREAM });
  tt.equal(result.success, true);
  tt.equal(result.nextExpectedRevision, 1n);
  tt.ok(result.position && result.position.commit > 0n, 'append reports a $all position');

  const events = await collect(client.readStream(stream));
  tt.same(revisionsOf(events), [0n, 1n]);
  tt.same(typesOf(events), ['OrderCreated', 'OrderPaid']);
  tt.same(
    events.map((e) => e.event?.id),
    [created.id, paid.id],
  );
  tt.same(events[0]?.event?.data, { orderId: 1 });
  tt.same(events[0]?.event?.metadata, { by: 'alice' });
  tt.equal(events[1]?.event?.metadata, undefined, 'no custom metadata → undefined');
  tt.equal(events[0]?.event?.isJson, true);
  tt.equal(events[0]?.event?.streamId, stream);
  const createdAt = events[0]?.event?.created.getTime() ?? 0;
  tt.ok(createdAt >= before - 1000 && createdAt <= Date.now() + 1000, 'created is the append time');
  tt.same(positionOf(events[1]), result.position, 'append position is the position of the last event');
  tt.ok(positionOf(events[0]).commit < positionOf(events[1]).commit, 'positions increase');
});

t.test('binary events keep their bytes', async (tt) => {
  const { client } = await connect(tt);
  const stream = uniqueStream('blob');
  const data = Uint8Array.from([0, 1, 2, 250, 255]);
  const metadata = Uint8Array.from([9, 8, 7]);
  await client.appendToStream(stream, binaryEvent({ type: 'Blob', data, metadata }));
  const [event] = await collect(client.readStream(stream));
  tt.equal(event?.event?.isJson, false);
  tt.same(Buffer.from(event?.event?.data as Uint8Array), Buffer.from(data));
  tt.same(Buffer.from(event?.event?.metadata as Uint8Array), Buffer.from(metadata));
});

t.test('expected revision: no_stream, stream_exists, any, exact', async (tt) => {
  const { client } = await connect(tt);
  const stream = uniqueStream('account');
  const append = (expectedRevision: bigint | typeof ANY | typeof NO_STREAM | typeof STREAM_EXISTS) =>
    client.appendToStream(stream, jsonEvent({ type: 'Touched', data: {} }), { expectedRevision });

  tt.match(await rejection(append(STREAM_EXISTS)), {
    type: 'wrong-expected-version',
    streamName: stream,
    expectedVersion: 'stream_exists',
    actualVersion: 'no_stream',
  });
  tt.match(await rejection(append(0n)), { type: 'wrong-expected-version', expectedVersion: 0n, actualVersion: 'no_stream' });
  tt.equal((await append(NO_STREAM)).nextExpectedRevision, 0n);
  tt.match(await rejection(append(NO_STREAM)), {
    type: 'wrong-expected-version',
    expectedVersion: 'no_stream',
    actualVersion: 0n,
  });
  tt.equal((await append(STREAM_EXISTS)).nextExpectedRevision, 1n);
  tt.equal((await append(1n)).nextExpectedRevision, 2n);
  tt.match(await rejection(append(1n)), { type: 'wrong-expected-version', expectedVersion: 1n, actualVersion: 2n });
  tt.match(await rejection(append(7n)), { type: 'wrong-expected-version', expectedVersion: 7n, actualVersion: 2n });
  tt.ok((await rejection(append(0n))) instanceof WrongExpectedVersionError, 'the client error class');
  tt.equal((await append(ANY)).nextExpectedRevision, 3n);
  tt.equal((await collect(client.readStream(stream))).length, 4, 'failed appends wrote nothing');
});

t.test('concurrent appends at the same expected revision: exactly one wins', async (tt) => {
  const { client } = await connect(tt);
  const stream = uniqueStream('race');
  await client.appendToStream(stream, jsonEvent({ type: 'Started', data: {} }));
  const attempts = await Promise.allSettled(
    [1, 2, 3].map((n) => client.appendToStream(stream, jsonEvent({ type: `Try${n}`, data: {} }), { expectedRevision: 0n })),
  );
  tt.equal(attempts.filter((a) => a.status === 'fulfilled').length, 1);
  tt.equal(attempts.filter((a) => a.status === 'rejected').length, 2);
  tt.equal((await collect(client.readStream(stream))).length, 2);
});

t.test('throwOnAppendFailure=false reports failures in the result', async (tt) => {
  const { client } = await connect(tt, '&throwOnAppendFailure=false');
  const stream = uniqueStream('soft');
  const missing = await client.appendToStream(stream, jsonEvent({ type: 'A', data: {} }), { expectedRevision: 3n });
  tt.same(missing, { success: false, nextExpectedRevision: -1n, position: undefined });
  await client.appendToStream(stream, jsonEvent({ type: 'A', data: {} }), { expectedRevision: NO_STREAM });
  const wrong = await client.appendToStream(stream, jsonEvent({ type: 'B', data: {} }), { expectedRevision: NO_STREAM });
  tt.same(wrong, { success: false, nextExpectedRevision: 0n, position: undefined });
});

t.test('re-appending the same event ids is idempotent', async (tt) => {
  const { client } = await connect(tt);
  const stream = uniqueStream('idem');
  const batch = [jsonEvent({ type: 'A', data: { n: 1 } }), jsonEvent({ type: 'B', data: { n: 2 } })];
  const first = await client.appendToStream(stream, batch, { expectedRevision: NO_STREAM });
  const again = await client.appendToStream(stream, batch, { expectedRevision: NO_STREAM });
  tt.equal(again.success, true);
  tt.equal(again.nextExpectedRevision, first.nextExpectedRevision);
  tt.same(again.position, first.position);
  const anyAgain = await client.appendToStream(stream, batch, { expectedRevision: ANY });
  tt.equal(anyAgain.nextExpectedRevision, 1n);
  tt.equal((await collect(client.readStream(stream))).length, 2, 'no duplicates');
  const next = await client.appendToStream(stream, jsonEvent({ type: 'C', data: {} }), { expectedRevision: 1n });
  tt.equal(next.nextExpectedRevision, 2n, 'the stream goes on normally');
});

t.test('readStream: directions, fromRevision, maxCount, StreamNotFoundError', async (tt) => {
  const { client } = await connect(tt);
  const stream = uniqueStream('five');
  await client.appendToStream(
    stream,
    [0, 1, 2, 3, 4].map((n) => jsonEvent({ type: `E${n}`, data: { n } })),
  );

  tt.same(revisionsOf(await collect(client.readStream(stream))), [0n, 1n, 2n, 3n, 4n]);
  tt.same(revisionsOf(await collect(client.readStream(stream, { maxCount: 2 }))), [0n, 1n]);
  tt.same(revisionsOf(await collect(client.readStream(stream, { fromRevision: 2n }))), [2n, 3n, 4n]);
  tt.same(revisionsOf(await collect(client.readStream(stream, { fromRevision: 9n }))), []);
  tt.same(
    revisionsOf(await collect(client.readStream(stream, { direction: BACKWARDS, fromRevision: END }))),
    [4n, 3n, 2n, 1n, 0n],
  );
  tt.same(
    revisionsOf(await collect(client.readStream(stream, { direction: BACKWARDS, fromRevision: END, maxCount: 1 }))),
    [4n],
    'last event of a stream',
  );
  tt.same(
    revisionsOf(await collect(client.readStream(stream, { direction: BACKWARDS, fromRevision: 2n }))),
    [2n, 1n, 0n],
  );
  tt.same(revisionsOf(await collect(client.readStream(stream, { direction: BACKWARDS, fromRevision: START }))), [0n]);

  const missing = uniqueStream('missing');
  tt.match(await rejection(collect(client.readStream(missing))), { type: 'stream-not-found', streamName: missing });
  tt.match(await rejection(collect(client.readStream(missing, { direction: BACKWARDS, fromRevision: END }))), {
    type: 'stream-not-found',
  });
});

t.test('readAll: commit order, positions, forwards/backwards, fromPosition, maxCount', async (tt) => {
  const { client } = await connect(tt);
  await client.appendToStream('alpha-1', jsonEvent({ type: 'A1', data: {} }));
  await client.appendToStream('beta-1', [jsonEvent({ type: 'B1', data: {} }), jsonEvent({ type: 'B2', data: {} })]);
  const last = await client.appendToStream('alpha-1', jsonEvent({ type: 'A2', data: {} }));

  const all = await collect(client.readAll());
  tt.same(typesOf(all), ['A1', 'B1', 'B2', 'A2']);
  const commits = all.map((e) => positionOf(e).commit);
  tt.ok(
    commits.every((c, i) => i === 0 || c > (commits[i - 1] as bigint)),
    'positions strictly increase',
  );
  tt.same(
    all.map((e) => e.commitPosition),
    commits,
    'ResolvedEvent.commitPosition is the event position',
  );
  tt.same(positionOf(all[3]), last.position);

  const p2 = positionOf(all[2]);
  tt.same(typesOf(await collect(client.readAll({ fromPosition: p2 }))), ['B2', 'A2'], 'forwards from P includes P');
  tt.same(typesOf(await collect(client.readAll({ maxCount: 2 }))), ['A1', 'B1']);
  tt.same(typesOf(await collect(client.readAll({ fromPosition: END }))), [], 'forwards from end is empty');
  tt.same(
    typesOf(await collect(client.readAll({ direction: BACKWARDS, fromPosition: END }))),
    ['A2', 'B2', 'B1', 'A1'],
  );
  tt.same(
    typesOf(await collect(client.readAll({ direction: BACKWARDS, fromPosition: p2 }))),
    ['B1', 'A1'],
    'backwards from P excludes P',
  );
  tt.same(typesOf(await collect(client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 }))), ['A2']);
});

t.test('subscribeToStream: confirmation, history, caughtUp, then live events', async (tt) => {
  const { client } = await connect(tt);
  const stream = uniqueStream('live');
  await client.appendToStream(stream, [jsonEvent({ type: 'H0', data: {} }), jsonEvent({ type: 'H1', data: {} })]);

  const fromStart = client.subscribeToStream(stream);
  const fromRevision = client.subscribeToStream(stream, { fromRevision: 0n });
  const fromEnd = client.subscribeToStream(stream, { fromRevision: END });
  const start = record<ResolvedEvent>(fromStart);
  const after0 = record<ResolvedEvent>(fromRevision);
  const end = record<ResolvedEvent>(fromEnd);
  tt.teardown(async () => {
    await Promise.all([fromStart.unsubscribe(), fromRevision.unsubscribe(), fromEnd.unsubscribe()]);
  });

  await eventually(() => start.caughtUp > 0 && after0.caughtUp > 0 && end.caughtUp > 0, 'caught up');
  tt.ok(start.confirmed && after0.confirmed && end.confirmed, 'confirmation received');
  tt.same(typesOf(start.events), ['H0', 'H1']);
  tt.same(typesOf(after0.events), ['H1'], 'fromRevision is exclusive');
  tt.same(typesOf(end.events), []);

  await client.appendToStream(stream, jsonEvent({ type: 'L2', data: {} }), { expectedRevision: 1n });
  await client.appendToStream(uniqueStream('other'), jsonEvent({ type: 'Elsewhere', data: {} }));
  await eventually(() => start.events.length === 3 && after0.events.length === 2 && end.events.length === 1, 'live');
  tt.same(typesOf(start.events), ['H0', 'H1', 'L2']);
  tt.same(revisionsOf(end.events), [2n]);
  tt.equal(start.caughtUp, 1, 'caughtUp is emitted once');
});

t.test('subscribeToStream on a stream that does not exist yet waits for it', async (tt) => {
  const { client } = await connect(tt);
  const stream = uniqueStream('later');
  const subscription = client.subscribeToStream(stream);
  const rec = record<ResolvedEvent>(subscription);
  tt.teardown(() => subscription.unsubscribe());
  await eventually(() => rec.confirmed, 'confirmation');
  await new Promise((resolve) => setTimeout(resolve, 50));
  tt.same(rec.events, []);
  tt.equal(rec.errors.length, 0, 'no StreamNotFoundError for subscriptions');
  await client.appendToStream(stream, jsonEvent({ type: 'First', data: {} }), { expectedRevision: NO_STREAM });
  await eventually(() => rec.events.length === 1, 'first event');
  tt.same(typesOf(rec.events), ['First']);
});

t.test('subscribeToAll: from start, fromPosition (exclusive), from end, live', async (tt) => {
  const { client } = await connect(tt);
  await client.appendToStream('s-1', [jsonEvent({ type: 'E0', data: {} }), jsonEvent({ type: 'E1', data: {} })]);
  await client.appendToStream('s-2', jsonEvent({ type: 'E2', data: {} }));
  const history = await collect(client.readAll());

  const subs = {
    start: client.subscribeToAll(),
    fromE0: client.subscribeToAll({ fromPosition: positionOf(history[0]) }),
    end: client.subscribeToAll({ fromPosition: END }),
  };
  const start = record<AllStreamResolvedEvent>(subs.start);
  const fromE0 = record<AllStreamResolvedEvent>(subs.fromE0);
  const end = record<AllStreamResolvedEvent>(subs.end);
  tt.teardown(async () => {
    await Promise.all(Object.values(subs).map((s) => s.unsubscribe()));
  });

  await eventually(() => start.caughtUp + fromE0.caughtUp + end.caughtUp === 3, 'caught up');
  tt.same(typesOf(start.events), ['E0', 'E1', 'E2']);
  tt.same(typesOf(fromE0.events), ['E1', 'E2'], 'fromPosition is exclusive');
  tt.same(typesOf(end.events), []);

  await client.appendToStream('s-3', jsonEvent({ type: 'E3', data: {} }));
  await eventually(() => start.events.length === 4 && fromE0.events.length === 3 && end.events.length === 1, 'live');
  tt.same(typesOf(end.events), ['E3']);
  tt.same(
    start.events.map((e) => positionOf(e)),
    (await collect(client.readAll())).map((e) => positionOf(e)),
    'subscription positions equal readAll positions',
  );
});

t.test('subscribeToAll with streamNameFilter: only matching events, checkpoints like the server', async (tt) => {
  const { client } = await connect(tt);
  for (const [stream, type] of [
    ['a-1', 'E0'],
    ['b-1', 'E1'],
    ['b-1', 'E2'],
    ['b-2', 'E3'],
    ['a-2', 'E4'],
    ['b-3', 'E5'],
  ] as const) {
    await client.appendToStream(stream, jsonEvent({ type, data: {} }));
  }
  const checkpoints: Position[] = [];
  const subscription = client.subscribeToAll({
    filter: streamNameFilter({
      prefixes: ['a-'],
      maxSearchWindow: 2,
      checkpointInterval: 1,
      checkpointReached: (_sub, position) => {
        checkpoints.push(position);
      },
    }),
  });
  const rec = record<AllStreamResolvedEvent>(subscription);
  tt.teardown(() => subscription.unsubscribe());

  await eventually(() => rec.caughtUp === 1, 'caught up');
  tt.same(typesOf(rec.events), ['E0', 'E4']);
  await client.appendToStream('b-4', jsonEvent({ type: 'E6', data: {} }));
  await client.appendToStream('a-3', jsonEvent({ type: 'E7', data: {} }));
  await client.appendToStream('c-1', jsonEvent({ type: 'E8', data: {} }));
  await eventually(() => checkpoints.length === 4, 'four checkpoints', 2000);
  tt.same(typesOf(rec.events), ['E0', 'E4', 'E7']);

  // Window 2, interval 1×2 considered events. Catch-up pages [E0,E1] [E2,E3] [E4,E5]:
  // page 1 → checkpoint at its last match E0; page 2 matched nothing → checkpoint at the page
  // start E2; page 3 reaches the end → no checkpoint, live. Live, the counter (2) carries over:
  // E6 → 3 ≥ 2 → checkpoint at E6, reset; E7 → 1; E8 → 2 → checkpoint at E8.
  const p = (await collect(client.readAll())).map((e) => positionOf(e));
  tt.same(checkpoints, [p[0], p[2], p[6], p[8]]);
});

t.test('subscribeToAll with eventTypeFilter (prefix and regex) and no checkpoint noise', async (tt) => {
  const { client } = await connect(tt);
  await client.appendToStream('x', [
    jsonEvent({ type: 'CustomerCreated', data: {} }),
    jsonEvent({ type: 'OrderPlaced', data: {} }),
    jsonEvent({ type: 'CustomerRenamed', data: {} }),
  ]);
  const checkpoints: Position[] = [];
  const byPrefix = client.subscribeToAll({
    filter: eventTypeFilter({ prefixes: ['Customer'], checkpointReached: (_s, p) => void checkpoints.push(p) }),
  });
  const byRegex = client.subscribeToAll({ filter: eventTypeFilter({ regex: 'Placed$|Renamed$' }) });
  const prefix = record<AllStreamResolvedEvent>(byPrefix);
  const regex = record<AllStreamResolvedEvent>(byRegex);
  tt.teardown(async () => {
    await Promise.all([byPrefix.unsubscribe(), byRegex.unsubscribe()]);
  });

  await eventually(() => prefix.caughtUp === 1 && regex.caughtUp === 1, 'caught up');
  await client.appendToStream('y', jsonEvent({ type: 'CustomerDeleted', data: {} }));
  await eventually(() => prefix.events.length === 3, 'live match');
  tt.same(typesOf(prefix.events), ['CustomerCreated', 'CustomerRenamed', 'CustomerDeleted']);
  tt.same(typesOf(regex.events), ['OrderPlaced', 'CustomerRenamed']);
  tt.same(checkpoints, [], 'default window (32 considered events) not reached yet');
});

t.test('unsubscribe releases the server-side subscription', async (tt) => {
  const { client, server } = await connect(tt);
  const stream = uniqueStream('bye');
  const subscription = client.subscribeToStream(stream, { fromRevision: END });
  const rec = record<ResolvedEvent>(subscription);
  await eventually(() => rec.caughtUp === 1, 'caught up');
  tt.equal(server.openSubscriptions, 1);

  await subscription.unsubscribe();
  await eventually(() => server.openSubscriptions === 0, 'server-side cleanup');
  await client.appendToStream(stream, jsonEvent({ type: 'AfterUnsubscribe', data: {} }));
  await new Promise((resolve) => setTimeout(resolve, 50));
  tt.same(rec.events, []);
  tt.same(rec.errors, [], 'unsubscribing is not an error');
});

t.test('a server-side drop surfaces as UnavailableError; the client recovers', async (tt) => {
  const { client, server } = await connect(tt);
  const subscription = client.subscribeToAll({ fromPosition: END });
  const rec = record<AllStreamResolvedEvent>(subscription);
  await eventually(() => rec.caughtUp === 1, 'caught up');
  tt.equal(server.dropSubscriptions(), 1);
  await eventually(() => rec.errors.length === 1, 'error');
  tt.match(rec.errors[0], { type: 'unavailable' });
  const result = await client.appendToStream(uniqueStream('after'), jsonEvent({ type: 'Ok', data: {} }));
  tt.equal(result.success, true);
});

t.test('Delete, Tombstone and other services answer UNIMPLEMENTED', async (tt) => {
  const { client } = await connect(tt);
  const stream = uniqueStream('keep');
  await client.appendToStream(stream, jsonEvent({ type: 'A', data: {} }));
  tt.match(await rejection(client.deleteStream(stream)), { type: 'unknown', code: 12 });
  tt.match(await rejection(client.tombstoneStream(stream)), { type: 'unknown', code: 12 });
  tt.match(await rejection(client.listProjections()), { code: 12 }, 'other services too');
  tt.equal((await collect(client.readStream(stream))).length, 1, 'nothing was deleted');
});
