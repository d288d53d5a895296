import t from 'tap';
import { bearer, discovery, testApp, users } from '../support/http.js';

type App = Awaited<ReturnType<typeof testApp>>['app'];
const get = async (app: App, url: string, headers: Record<string, string>) => {
  const response = await app.inject({ method: 'GET', url, headers });
  return { status: response.statusCode, body: response.json() };
};

t.test('the team: who is in it, with which role and workgroup, and since when', async (t) => {
  const { app } = await testApp();
  t.teardown(() => app.close());
  const d = discovery(app);
  const engagement = await d.startEngagement();
  const added = await app.inject({
    method: 'POST',
    url: `/engagements/${engagement.id}/members`,
    headers: users.pm,
    payload: { userId: 'u-li', name: 'Li Na', role: 'stakeholder', department: 'Sales', reason: 'owns the sales process' },
  });
  t.equal(added.statusCode, 201, 'adding a member creates them');
  t.equal(added.headers['location'], `/engagements/${engagement.id}/members`);
  const changed = await app.inject({
    method: 'POST',
    url: `/engagements/${engagement.id}/members`,
    headers: users.pm,
    payload: { userId: 'u-chen', name: 'Chen Wei', role: 'consultant', workgroup: 'IT implementation' },
  });
  t.equal(changed.statusCode, 200, 'the same route changes a member’s workgroup');
  const same = await app.inject({
    method: 'POST',
    url: `/engagements/${engagement.id}/members`,
    headers: users.pm,
    payload: { userId: 'u-chen', name: 'Chen Wei', role: 'consultant', workgroup: 'IT implementation' },
  });
  t.match(same.json(), { status: 409, code: 'membership-changes-nothing' });

  const team = await get(app, `/engagements/${engagement.id}/members`, { ...users.consultant, 'x-min-position': changed.json().position });
  t.equal(team.status, 200);
  t.match(team.body.items, [
    { userId: 'u-pat', name: 'Pat Lee', role: 'pm', since: String },
    { userId: 'u-chen', role: 'consultant', workgroup: 'IT implementation', changedAt: String },
    { userId: 'u-li', role: 'stakeholder', department: 'Sales' },
  ]);

  const lastPm = await app.inject({ method: 'POST', url: `/engagements/${engagement.id}/members/u-pat/remove`, headers: users.pm, payload: { reason: 'leaving' } });
  t.match(lastPm.json(), { status: 409, code: 'last-pm' }, 'the last pm stays');
  const removed = await app.inject({
    method: 'POST',
    url: `/engagements/${engagement.id}/members/u-li/remove`,
    headers: users.pm,
    payload: { reason: 'moved to the Shanghai office' },
  });
  t.equal(removed.statusCode, 200);
  const after = { ...users.interviewee, 'x-min-position': removed.json().position };
  t.equal((await get(app, `/engagements/${engagement.id}`, after)).status, 404, 'a removed member no longer sees the engagement');

  const audit = await get(app, `/engagements/${engagement.id}/audit?subjectId=u-li`, { ...users.pmo, 'x-min-position': removed.json().position });
  t.match(audit.body.entries, [
    { action: 'member-added', actor: { id: 'u-pat' }, reason: 'owns the sales process', changes: { role: { from: null, to: 'stakeholder' } } },
    { action: 'member-removed', reason: 'moved to the Shanghai office', changes: { role: { from: 'stakeholder', to: null } } },
  ]);
});

t.test('GET /engagements lists what the caller may see, page by page', async (t) => {
  const { app } = await testApp();
  t.teardown(() => app.close());
  const d = discovery(app);
  const mine = [await d.startEngagement(), await d.startEngagement(), await d.startEngagement()];
  const other = await app.inject({
    method: 'POST',
    url: '/engagements',
    headers: bearer('u-kim', ['pm'], 'Kim'),
    payload: { name: 'CRM for Beta', client: 'Beta Ltd', sponsor: { name: 'Q', title: 'CFO' } },
  });
  const fresh = { 'x-min-position': other.json().position };

  const asChen = await get(app, '/engagements', { ...users.consultant, ...fresh });
  t.same(asChen.body.items.map((e: { id: string }) => e.id).sort(), mine.map((e) => e.id).sort(), 'a consultant sees the engagements whose team they are in');
  const asKim = await get(app, '/engagements', bearer('u-kim', ['pm']));
  t.same(asKim.body.items.map((e: { id: string; name: string }) => e.name), ['CRM for Beta']);
  const asStranger = await get(app, '/engagements', users.otherStakeholder);
  t.same(asStranger.body, { items: [], nextCursor: null }, 'someone in no team sees none');

  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page: { body: { items: Array<{ id: string }>; nextCursor: string | null } } = await get(app, `/engagements?limit=2${cursor ? `&cursor=${cursor}` : ''}`, users.pmo);
    t.ok(page.body.items.length <= 2);
    seen.push(...page.body.items.map((e) => e.id));
    cursor = page.body.nextCursor;
  } while (cursor);
  t.same(seen.sort(), [...mine.map((e) => e.id), other.json().id].sort(), 'a pmo pages through every engagement');
  t.equal((await get(app, '/engagements?cursor=bogus', users.pmo)).status, 400);
  const noRole = await get(app, '/engagements', bearer('u-x', []));
  t.match(noRole, { status: 403, body: { code: 'forbidden', detail: /none of the roles/ } });
});

t.test('a stakeholder of the team sees the schedule of the interviews they gave, not the others', async (t) => {
  const { app } = await testApp();
  t.teardown(() => app.close());
  const d = discovery(app);
  const engagement = await d.startEngagement();
  await d.addMember(engagement.id, 'u-li', 'stakeholder', 'Li Na');
  const own = await d.schedule(engagement.id, 'u-li');
  const others = await d.schedule(engagement.id, 'u-wang');
  const schedule = await get(app, `/engagements/${engagement.id}/interviews`, { ...users.interviewee, 'x-min-position': others.position });
  t.same(schedule.body.items.map((i: { id: string }) => i.id), [own.id]);
  const full = await get(app, `/engagements/${engagement.id}/interviews`, users.consultant);
  t.equal(full.body.items.length, 2, 'the consultant sees both');
  t.equal((await get(app, `/interviews/${others.id}`, users.interviewee)).status, 403, 'another person’s interview is not theirs to read');
});

t.test('whoever drafted or sent a summary may not confirm it, even as its interviewee', async (t) => {
  const { app } = await testApp();
  t.teardown(() => app.close());
  const d = discovery(app);
  const engagement = await d.startEngagement();
  // Chen, a consultant of the team, is also interviewed (about the consultancy's own process).
  const interview = await d.schedule(engagement.id, 'u-chen');
  await d.conduct(interview.id);
  const finding = await d.finding(interview.id);
  await d.draft(interview.id, [finding['findingId'] as string]);
  await d.send(interview.id);
  const own = await app.inject({ method: 'POST', url: `/interviews/${interview.id}/summary/confirm`, headers: users.consultant, payload: { summaryVersion: 1 } });
  t.match(own.json(), { status: 403, code: 'forbidden', detail: /separation of duties/ });
});
