/**
 * Fault suite: Idempotency-Key edge cases. A key reused after its record expired is a new command;
 * the ids it creates cannot be computed from the user id and the key alone.
 */
import t from 'tap';
import { v5 as uuidv5 } from 'uuid';
import { discovery, eventsOf, testApp, users } from '../support/http.js';

const DAY = 24 * 60 * 60 * 1000;

t.test('a key reused after its 24 h expiry is a fresh command, not a conflict', async (t) => {
  let now = Date.parse('2026-03-05T09:00:00Z');
  const { app, store } = await testApp({ clock: () => new Date(now) });
  t.teardown(() => app.close());
  const d = discovery(app);
  const interview = await d.schedule((await d.startEngagement()).id);
  await d.conduct(interview.id);
  const record = (text: string) =>
    app.inject({
      method: 'POST',
      url: `/interviews/${interview.id}/findings`,
      headers: { ...users.consultant, 'idempotency-key': 'daily-finding' },
      payload: { section: 'workflow', text },
    });

  const first = await record('quotes by phone');
  t.equal(first.statusCode, 201);
  now += DAY - 60_000;
  const replayed = await record('quotes by phone');
  t.same(replayed.json(), first.json(), 'within 24 h: the original answer');

  now += 2 * 60_000;
  const fresh = await record('quotes by phone');
  t.equal(fresh.statusCode, 201, 'after 24 h: carried out again');
  t.not(fresh.json().findingId, first.json().findingId, 'with new ids');
  now += 60_000;
  t.same((await record('quotes by phone')).json(), fresh.json(), 'and that answer is the one replayed now');
  t.equal((await record('another finding')).statusCode, 422, 'another body with the renewed key is still refused');
  const findings = (await eventsOf(store, `interview-${interview.id}`)).filter((e) => e.type === 'FindingRecorded');
  t.equal(findings.length, 2);
});

t.test('ids derived from an Idempotency-Key depend on a server-side secret', async (t) => {
  const clock = () => new Date('2026-03-05T09:00:00Z');
  const created: string[] = [];
  for (const idSecret of ['one-secret-one-secret-one-secret-one', 'two-secret-two-secret-two-secret-two']) {
    const { app } = await testApp({ idSecret, clock });
    const response = await app.inject({
      method: 'POST',
      url: '/engagements',
      headers: { ...users.pm, 'idempotency-key': 'kick-off' },
      payload: { name: 'CRM', client: 'Acme', sponsor: { name: 'Z', title: 'CEO' } },
    });
    t.equal(response.statusCode, 201);
    created.push(response.json().id);
    await app.close();
  }
  t.not(created[0], created[1], 'another secret, other ids for the same user, key and time');
  const published = uuidv5('u-pat\nkick-off\nresource:engagement', '6f1d8f2e-3c7a-5b9e-8d41-2a6c0e9b7f13');
  t.notOk(created.includes(published), 'not the UUID v5 under the namespace in the source');
});
