/**
 * Fault suite: expensive reads must not starve everyone else. Exports and reads from the log are rate
 * limited per user; many concurrent exports stream in pages while a command still gets through
 * (its latency is measured and reported, not asserted).
 */
import { parse } from 'csv-parse/sync';
import t from 'tap';
import { bearer, discovery, testApp, users } from '../support/http.js';

const ITEMS = ['funding-secured', 'strategy-defined', 'environment-ready', 'integrations-identified'] as const;

t.test('exports and asOf reads are rate limited per user; other reads are not', async (t) => {
  const { app } = await testApp({ expensiveReads: { max: 2, windowMs: 60_000 } });
  t.teardown(() => app.close());
  const engagement = await discovery(app).startEngagement();
  const get = (url: string, headers: Record<string, string> = users.pmo) =>
    app.inject({ method: 'GET', url, headers: { ...headers, 'x-min-position': engagement.position } });
  const csv = `/engagements/${engagement.id}/audit?format=csv`;

  t.equal((await get(csv)).statusCode, 200);
  t.equal((await get(`/engagements/${engagement.id}/backlog?asOf=${new Date().toISOString()}`)).statusCode, 200);
  const limited = await get(csv);
  t.equal(limited.statusCode, 429, 'the third expensive read in the window');
  t.match(limited.headers['content-type'], /^application\/problem\+json/);
  t.match(limited.json(), { code: 'too-many-requests', status: 429 });
  t.ok(Number(limited.headers['retry-after']) > 0, 'with Retry-After');
  const viaAccept = await app.inject({ method: 'GET', url: `/engagements/${engagement.id}/audit`, headers: { ...users.pmo, accept: 'text/csv' } });
  t.equal(viaAccept.statusCode, 429, 'Accept: text/csv counts too');

  for (let i = 0; i < 5; i++) t.equal((await get(`/engagements/${engagement.id}/audit`)).statusCode, 200, 'JSON pages are not limited');
  t.equal((await get(`/engagements/${engagement.id}/backlog`)).statusCode, 200, 'the live backlog is not limited');
  t.equal((await get(csv, users.admin)).statusCode, 200, 'the limit is per user');
});

t.test('the changes between two instants and the explanation of a rank are read from the log: limited too', async (t) => {
  const { app } = await testApp({ expensiveReads: { max: 2, windowMs: 60_000 } });
  t.teardown(() => app.close());
  const d = discovery(app);
  const engagement = await d.startEngagement();
  const requirement = await d.capturedRequirement(engagement.id);
  const get = (url: string) => app.inject({ method: 'GET', url, headers: { ...users.pmo, 'x-min-position': requirement.position } });
  const changes = `/engagements/${engagement.id}/changes?from=2000-01-01T00:00:00Z`;
  t.equal((await get(changes)).statusCode, 200);
  t.equal((await get(`/requirements/${requirement.id}/priority/explanation`)).statusCode, 200);
  t.equal((await get(changes)).statusCode, 429, 'the third read from the log in the window');
  t.equal((await get(`/requirements/${requirement.id}/priority/explanation`)).statusCode, 429);
  t.equal((await get(`/requirements/${requirement.id}`)).statusCode, 200, 'the requirement itself is not limited');
});

t.test('concurrent exports stream every row while a command gets through', async (t) => {
  const { app } = await testApp();
  t.teardown(() => app.close());
  const d = discovery(app);
  const engagement = await d.startEngagement();
  let last = engagement;
  for (let i = 0; i < 1_500; i++) {
    last = await d.post(`/engagements/${engagement.id}/readiness`, users.pm, { item: ITEMS[i % ITEMS.length], status: i % 2 ? 'met' : 'not-met' });
  }
  const exporters = Array.from({ length: 20 }, (_, i) => ({ ...bearer(`pmo-${i}`, ['pmo']), 'x-min-position': last.position }));
  const exports = exporters.map((headers) => app.inject({ method: 'GET', url: `/engagements/${engagement.id}/audit?format=csv`, headers }));
  const started = performance.now();
  const command = await app.inject({
    method: 'POST', url: `/engagements/${engagement.id}/readiness`, headers: users.pm, payload: { item: 'strategy-defined', status: 'met' },
  });
  const commandMs = performance.now() - started;
  const done = await Promise.all(exports);
  const exportsMs = performance.now() - started;
  t.equal(command.statusCode, 200, 'the command was carried out');
  for (const reply of done) {
    t.equal(reply.statusCode, 200);
    t.ok(parse(reply.body).length >= 1_502, 'a header and every entry');
  }
  t.comment(`a command during 20 exports of 1,501 rows: ${commandMs.toFixed(0)} ms (the exports took ${exportsMs.toFixed(0)} ms)`);
});
