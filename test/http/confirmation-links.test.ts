import t from 'tap';
import { bearer, discovery, eventsOf, scheduleBody, testApp, users } from '../support/http.js';

type App = Awaited<ReturnType<typeof testApp>>['app'];

const awaitingConfirmation = async (app: App, interviewee?: Record<string, unknown>) => {
  const d = discovery(app);
  return { d, ...(await d.awaitingConfirmation(interviewee)) };
};

const issue = async (app: App, interviewId: string, headers: Record<string, string> = users.consultant, payload: object = { validForDays: 7 }) =>
  app.inject({ method: 'POST', url: `/interviews/${interviewId}/confirmation-links`, headers, payload });

const confirmByLink = (app: App, token: string) => app.inject({ method: 'POST', url: `/confirmations/${token}/confirm`, payload: {} });

t.test('a link is issued once, shows the version sent, confirms once and gives a receipt', async (t) => {
  const { app, store } = await testApp();
  t.teardown(() => app.close());
  const { interviewId, hash, findingId } = await awaitingConfirmation(app);

  const issued = await issue(app, interviewId);
  t.equal(issued.statusCode, 200);
  const link = issued.json();
  t.match(link, { linkId: String, summaryVersion: 1, summaryHash: hash, expiresAt: String, token: String, emailed: false });
  t.match(link.url, /^http:\/\/localhost(:\d+)?\/c\//, 'the URL the interviewee opens');
  const secret = (link.token as string).split('.').at(-1)!;
  const logged = JSON.stringify(await eventsOf(store, `interview-${interviewId}`));
  t.notOk(logged.includes(secret), 'the log never holds the secret');

  const shown = await app.inject({ method: 'GET', url: `/confirmations/${link.token}`, headers: { 'x-min-position': link.position } });
  t.equal(shown.statusCode, 200, 'no account, no cookie: the link is the credential');
  t.match(shown.json(), {
    interviewee: { name: 'Li Na' },
    summary: { summaryVersion: 1, summaryHash: hash, text: 'Sales approves quotes by phone.', findings: [{ findingId, text: 'quotes are approved by phone' }] },
    link: { state: 'issued', issuedBy: { name: 'Chen Wei' } },
    answer: null,
  });

  const confirmed = await confirmByLink(app, link.token);
  t.equal(confirmed.statusCode, 200);
  t.match(confirmed.json(), { summaryVersion: 1, summaryHash: hash });
  t.match((await eventsOf(store, `interview-${interviewId}`)).at(-1), {
    type: 'SummaryConfirmed',
    actor: { id: 'u-li', name: 'Li Na', roles: [] },
    data: { confirmedBy: 'u-li', via: { method: 'link', linkId: link.linkId, issuedBy: 'u-chen' } },
  });

  const again = await confirmByLink(app, link.token);
  t.equal(again.statusCode, 410, 'a link works once');
  t.match(again.json(), { code: 'link-used', detail: /ask Chen Wei/, details: { issuedBy: 'Chen Wei' } });

  const position = confirmed.json().position;
  const after = await app.inject({ method: 'GET', url: `/confirmations/${link.token}`, headers: { 'x-min-position': position } });
  t.match(after.json(), { link: { state: 'used' }, answer: { kind: 'confirmed', at: String } }, 'the holder still sees what they confirmed');

  const receipt = await app.inject({ method: 'GET', url: `/confirmations/${link.token}/receipt`, headers: { 'x-min-position': position } });
  t.equal(receipt.statusCode, 200);
  t.match(receipt.headers['content-disposition'], /attachment; filename="receipt-.*-v1\.json"/);
  t.match(receipt.json(), {
    receiptVersion: 1,
    interview: { id: interviewId },
    interviewee: { name: 'Li Na', department: 'Sales' },
    summary: { version: 1, hash, text: 'Sales approves quotes by phone.', findings: [{ findingId }] },
    confirmation: { by: { id: 'u-li', name: 'Li Na' }, at: String, via: { method: 'link', linkId: link.linkId, issuedBy: { id: 'u-chen', name: 'Chen Wei' } } },
  });
  const signedIn = await app.inject({ method: 'GET', url: `/interviews/${interviewId}/summary/receipt`, headers: users.interviewee });
  t.equal(signedIn.statusCode, 200, 'the interviewee signed in downloads the same receipt');
  t.same(signedIn.json().summary, receipt.json().summary);
  const stranger = await app.inject({ method: 'GET', url: `/interviews/${interviewId}/summary/receipt`, headers: users.otherStakeholder });
  t.equal(stranger.statusCode, 404, 'nobody else');

  const doc = (await app.inject({ method: 'GET', url: `/interviews/${interviewId}`, headers: users.consultant })).json();
  t.match(doc.links, [{ linkId: link.linkId, state: 'used', issuedBy: { id: 'u-chen' }, summaryVersion: 1, expiresAt: link.expiresAt }]);
  t.notOk(JSON.stringify(doc).includes('tokenHash'), 'the read model never shows the token or its hash');
  t.match(doc.confirmation, { via: { method: 'link', linkId: link.linkId } });
  const audit = (await app.inject({ method: 'GET', url: `/engagements/${doc.engagementId}/audit?subjectId=${link.linkId}`, headers: users.pm })).json();
  t.match(
    audit.entries.map((e: { action: string }) => e.action),
    ['confirmation-link-issued'],
    'the issued link is in the audit trail',
  );
});

t.test('expired, revoked and outdated links are refused, naming whom to ask', async (t) => {
  let now = new Date('2026-03-06T01:00:00Z');
  const { app } = await testApp({ clock: () => now });
  t.teardown(() => app.close());
  const { d, interviewId } = await awaitingConfirmation(app);

  const expiring = (await issue(app, interviewId, users.consultant, { validForDays: 1 })).json();
  const revoked = (await issue(app, interviewId)).json();
  const outdated = (await issue(app, interviewId)).json();

  const revoke = await d.post(`/interviews/${interviewId}/confirmation-links/${revoked.linkId}/revoke`, users.consultant, { reason: 'sent to the wrong address' });
  t.match(revoke, { id: interviewId });
  t.match((await confirmByLink(app, revoked.token)).json(), { status: 410, code: 'link-revoked', detail: /ask Chen Wei/ });
  const twice = await app.inject({
    method: 'POST',
    url: `/interviews/${interviewId}/confirmation-links/${revoked.linkId}/revoke`,
    headers: users.consultant,
    payload: { reason: 'again' },
  });
  t.equal(twice.json().code, 'link-already-revoked');

  now = new Date('2026-03-07T01:00:00Z');
  const expired = await confirmByLink(app, expiring.token);
  t.match(expired.json(), { status: 410, code: 'link-expired', details: { issuedBy: 'Chen Wei' } });
  t.equal((await app.inject({ method: 'GET', url: `/confirmations/${expiring.token}` })).statusCode, 410, 'it shows nothing either');

  // The interviewee asks for changes (signed in); version 2 is drafted and sent: the link for v1 no longer works.
  await d.post(`/interviews/${interviewId}/summary/request-revision`, users.interviewee, { summaryVersion: 1, comments: 'the report is monthly' });
  const finding = await d.finding(interviewId, 'the pipeline report is monthly');
  await d.draft(interviewId, [finding['findingId'] as string], 'The pipeline report is monthly.');
  await d.send(interviewId);
  t.match((await confirmByLink(app, outdated.token)).json(), { status: 410, code: 'link-outdated', detail: /version 1/ });

  const tampered = `${outdated.token.slice(0, -4)}AAAA`;
  t.match((await confirmByLink(app, tampered)).json(), { status: 404, code: 'link-invalid' });
  t.match((await confirmByLink(app, 'nonsense')).json(), { status: 404, code: 'link-invalid' });
});

t.test('a link lets an interviewee without an account ask for changes, and is then used up', async (t) => {
  const { app, store } = await testApp();
  t.teardown(() => app.close());
  const { userId: _none, ...anonymous } = scheduleBody().interviewee;
  const { interviewId } = await awaitingConfirmation(app, anonymous);
  const link = (await issue(app, interviewId)).json();
  const asked = await app.inject({ method: 'POST', url: `/confirmations/${link.token}/request-revision`, payload: { comments: 'the report is monthly' } });
  t.equal(asked.statusCode, 200);
  t.match((await eventsOf(store, `interview-${interviewId}`)).at(-1), {
    type: 'SummaryRevisionRequested',
    actor: { id: `link:${link.linkId}`, name: 'Li Na', roles: [] },
    data: { requestedBy: `link:${link.linkId}`, comments: 'the report is monthly', via: { method: 'link', linkId: link.linkId } },
  });
  t.equal((await confirmByLink(app, link.token)).json().code, 'link-used');
  const shown = await app.inject({ method: 'GET', url: `/confirmations/${link.token}`, headers: { 'x-min-position': asked.json().position } });
  t.match(shown.json(), { answer: { kind: 'revision-requested', comments: 'the report is monthly' } });
  const receipt = await app.inject({ method: 'GET', url: `/confirmations/${link.token}/receipt` });
  t.equal(receipt.statusCode, 404, 'nothing was confirmed, so there is no receipt');
});

t.test('separation of duties: the drafter holding a link to their own summary may not confirm it', async (t) => {
  const { app } = await testApp();
  t.teardown(() => app.close());
  const { interviewId } = await awaitingConfirmation(app, { ...scheduleBody().interviewee, userId: 'u-chen' });
  const link = (await issue(app, interviewId)).json();
  const refused = await confirmByLink(app, link.token);
  t.equal(refused.statusCode, 403);
  t.match(refused.json().detail, /separation of duties/);
});

t.test('who may issue links, and for which interview a link works', async (t) => {
  const { app } = await testApp();
  t.teardown(() => app.close());
  const first = await awaitingConfirmation(app);
  const second = await awaitingConfirmation(app);

  t.equal((await issue(app, first.interviewId, users.interviewee)).statusCode, 403, 'not the interviewee');
  t.equal((await issue(app, first.interviewId, users.pmo)).statusCode, 403, 'not the pmo');
  t.equal((await issue(app, first.interviewId, bearer('u-zhou', ['consultant'], 'Zhou'))).statusCode, 404, 'not a consultant outside the team');
  t.equal((await issue(app, first.interviewId, users.pm)).statusCode, 200, 'the pm of the team');
  t.equal((await issue(app, first.interviewId, users.admin)).statusCode, 200, 'an admin');

  const link = (await issue(app, first.interviewId)).json();
  const elsewhere = link.token.replace(first.interviewId, second.interviewId);
  t.match((await confirmByLink(app, elsewhere)).json(), { status: 404, code: 'link-invalid' }, 'a link works for its own interview only');
  const stranger = await app.inject({
    method: 'POST',
    url: `/interviews/${first.interviewId}/confirmation-links/${link.linkId}/revoke`,
    headers: bearer('u-zhou', ['consultant'], 'Zhou'),
    payload: { reason: 'not mine' },
  });
  t.equal(stranger.statusCode, 404, 'nobody outside the team revokes');
});
