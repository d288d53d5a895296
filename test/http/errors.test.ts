import t from 'tap';
import { EventStoreUnavailableError, type EventStore } from '../../infra/event-store/port.js';
import { InMemoryEventStore } from '../../infra/event-store/index.js';
import { InMemoryIdempotencyStore } from '../../infra/idempotency/store.js';
import { discovery, eventsOf, testApp, users } from '../support/http.js';

const engagementBody = { name: 'CRM', client: 'Acme', sponsor: { name: 'Z', title: 'CEO' } };

t.test('every failure is a problem+json with a stable code', async (t) => {
  const { app } = await testApp({ bodyLimit: 4096 });
  t.teardown(() => app.close());
  const send = (init: { url?: string; payload?: string | object; headers?: Record<string, string> }) =>
    app.inject({ method: 'POST', url: init.url ?? '/engagements', payload: init.payload as string, headers: { ...users.pm, ...init.headers } });

  const malformed = await send({ payload: '{"name": "CRM",', headers: { 'content-type': 'application/json' } });
  t.equal(malformed.statusCode, 400);
  t.match(malformed.headers['content-type'], /^application\/problem\+json/);
  t.match(malformed.json(), { code: 'validation-failed', detail: /not valid JSON/ });

  const unknownField = await send({ payload: { ...engagementBody, budget: 100 } });
  t.equal(unknownField.statusCode, 400);
  t.match(unknownField.json(), { code: 'validation-failed', errors: [{ in: 'body', path: '/budget', message: 'unknown field' }] });

  const missing = await send({ payload: { name: 'CRM' } });
  t.equal(missing.statusCode, 400);
  t.same(missing.json().errors.map((e: { path: string }) => e.path).sort(), ['/client', '/sponsor']);

  const wrongType = await send({ payload: { ...engagementBody, sponsor: { name: 'Z', title: 7 } } });
  t.match(wrongType.json().errors, [{ path: '/sponsor/title' }]);

  const textPlain = await send({ payload: 'name=CRM', headers: { 'content-type': 'text/plain' } });
  t.equal(textPlain.statusCode, 415);
  t.equal(textPlain.json().code, 'unsupported-media-type');
  const form = await send({ payload: 'name=CRM', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  t.equal(form.statusCode, 415);

  const huge = await send({ payload: { ...engagementBody, goals: Array(100).fill('x'.repeat(100)) } });
  t.equal(huge.statusCode, 413);
  t.equal(huge.json().code, 'payload-too-large');

  const badId = await send({ url: '/interviews/not%20an%20id/cancel', payload: { reason: 'x' }, headers: users.consultant });
  t.equal(badId.statusCode, 400);
  t.match(badId.json().errors, [{ in: 'params', path: '/id' }]);

  const unknown = await send({ url: '/interviews/int-404/cancel', payload: { reason: 'x' }, headers: users.consultant });
  t.equal(unknown.statusCode, 404);
  t.match(unknown.json(), { code: 'not-found', detail: /int-404/ });

  const noRoute = await app.inject({ method: 'GET', url: '/nowhere', headers: users.pm });
  t.equal(noRoute.statusCode, 404);
  t.equal(noRoute.json().code, 'not-found');
});

t.test('If-Match: a stale version is 412, the current one passes', async (t) => {
  const { app } = await testApp();
  t.teardown(() => app.close());
  const d = discovery(app);
  const engagement = await d.startEngagement();
  const record = (ifMatch: string) =>
    app.inject({
      method: 'POST',
      url: `/engagements/${engagement.id}/readiness`,
      headers: { ...users.pm, 'if-match': ifMatch },
      payload: { item: 'funding-secured', status: 'met' },
    });
  // Started (0), its starter joined as pm (1), a consultant joined (2).
  const current = await record('"2"');
  t.equal(current.statusCode, 200);
  t.equal(current.headers['etag'], '"3"');
  const stale = await record('"2"');
  t.equal(stale.statusCode, 412);
  t.match(stale.json(), { code: 'version-mismatch', currentVersion: 3 });
  t.equal(stale.headers['etag'], '"3"');
  t.equal((await record('W/"3"')).statusCode, 200, 'weak form accepted');
  const malformed = await record('one');
  t.equal(malformed.statusCode, 400);
  t.match(malformed.json().errors, [{ in: 'headers', path: '/if-match' }]);
});

t.test('Idempotency-Key: the same request is answered once, another with the key is 422', async (t) => {
  const { app, store } = await testApp();
  t.teardown(() => app.close());
  const d = discovery(app);
  const engagement = await d.startEngagement();
  const interview = await d.schedule(engagement.id);
  await d.conduct(interview.id);
  const record = (text: string, key = 'finding-7') =>
    app.inject({
      method: 'POST',
      url: `/interviews/${interview.id}/findings`,
      headers: { ...users.consultant, 'idempotency-key': key },
      payload: { section: 'workflow', text },
    });
  const first = await record('quotes by phone');
  const again = await record('quotes by phone');
  t.equal(first.statusCode, 201);
  t.equal(again.statusCode, 201);
  t.same(again.json(), first.json(), 'the original answer');
  t.equal(again.headers['location'], first.headers['location']);
  t.equal(again.headers['idempotent-replayed'], 'true');
  const findings = (await eventsOf(store, `interview-${interview.id}`)).filter((e) => e.type === 'FindingRecorded');
  t.equal(findings.length, 1, 'appended once');

  const reused = await record('something else');
  t.equal(reused.statusCode, 422);
  t.equal(reused.json().code, 'idempotency-key-reused');

  const otherUser = await app.inject({
    method: 'POST',
    url: `/interviews/${interview.id}/findings`,
    headers: { ...users.pm, 'idempotency-key': 'finding-7' },
    payload: { section: 'workflow', text: 'quotes by phone' },
  });
  t.equal(otherUser.statusCode, 201, 'keys are per user');
  t.not(otherUser.json().findingId, first.json().findingId);

  const parallel = await Promise.all([record('in parallel', 'k-2'), record('in parallel', 'k-2'), record('in parallel', 'k-2')]);
  t.same(parallel.map((r) => r.statusCode), [201, 201, 201]);
  t.equal(new Set(parallel.map((r) => r.json().findingId)).size, 1, 'concurrent repeats are one command');
});

t.test('a retried command whose events were stored before the answer was lost appends nothing twice', async (t) => {
  const store = new InMemoryEventStore();
  const idempotency = new InMemoryIdempotencyStore();
  // The process dies after the append, before the answer is remembered.
  const first = await testApp({ store, idempotency: Object.assign(Object.create(idempotency), { put: () => undefined }) });
  const d = discovery(first.app);
  const engagement = await d.startEngagement();
  const interview = await d.schedule(engagement.id);
  await d.conduct(interview.id);
  const request = {
    method: 'POST' as const,
    url: `/interviews/${interview.id}/findings`,
    headers: { ...users.consultant, 'idempotency-key': 'lost-answer' },
    payload: { section: 'workflow', text: 'quotes by phone' },
  };
  const original = await first.app.inject(request);
  await first.app.close();
  // A new process with the same events and data directory, but without the remembered answer.
  const second = await testApp({ store, idempotency });
  t.teardown(() => second.app.close());
  const retried = await second.app.inject(request);
  t.equal(retried.statusCode, 201);
  t.same(retried.json(), original.json());
  t.equal((await eventsOf(store, `interview-${interview.id}`)).filter((e) => e.type === 'FindingRecorded').length, 1);
});

t.test('an unavailable event store is 503 and nothing is half-written', async (t) => {
  const healthy = new InMemoryEventStore();
  let down = false;
  const guard = <A extends unknown[], R>(f: (...args: A) => R) => (...args: A): R => {
    if (down) throw new EventStoreUnavailableError('connection refused');
    return f(...args);
  };
  const flaky: EventStore = {
    appendToStream: guard(healthy.appendToStream.bind(healthy)),
    readStream: guard(healthy.readStream.bind(healthy)),
    readAll: guard(healthy.readAll.bind(healthy)),
    readEngagement: guard(healthy.readEngagement.bind(healthy)),
    readEngagementAsStored: guard(healthy.readEngagementAsStored.bind(healthy)),
    subscribeToAll: guard(healthy.subscribeToAll.bind(healthy)),
    headPosition: guard(healthy.headPosition.bind(healthy)),
    ping: async () => {
      if (down) throw new EventStoreUnavailableError('connection refused');
    },
    close: () => healthy.close(),
  };
  const { app } = await testApp({ store: flaky });
  t.teardown(() => app.close());
  const d = discovery(app);
  await d.startEngagement();
  const acknowledged = await healthy.headPosition();
  down = true;
  const response = await app.inject({ method: 'POST', url: '/engagements', headers: users.pm, payload: engagementBody });
  t.equal(response.statusCode, 503);
  t.match(response.json(), { code: 'unavailable' });
  t.equal(response.headers['retry-after'], '5');
  const ready = await app.inject({ method: 'GET', url: '/health/ready' });
  t.equal(ready.statusCode, 503);
  t.match(ready.json(), { status: 'not-ready', checks: { eventStore: { status: 'down' } } });
  down = false;
  t.equal(await healthy.headPosition(), acknowledged, 'the log holds only what was acknowledged');
  t.equal((await app.inject({ method: 'GET', url: '/health/ready' })).statusCode, 200);
});
