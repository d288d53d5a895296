import t from 'tap';
import { createSigner } from 'fast-jwt';
import { generateKeyPair, SignJWT } from 'jose';
import { COMMAND_ROUTES } from '../../services/http/command-routes.js';
import { bearer, discovery, SECRET, testApp, users } from '../support/http.js';

t.test('a missing, forged or expired token is 401', async (t) => {
  const { app } = await testApp();
  t.teardown(() => app.close());
  const payload = { name: 'CRM', client: 'Acme', sponsor: { name: 'Z', title: 'CEO' } };
  const none = await app.inject({ method: 'POST', url: '/engagements', payload });
  t.equal(none.statusCode, 401);
  t.match(none.headers['content-type'], /^application\/problem\+json/);
  t.match(none.json(), { code: 'unauthenticated', status: 401, type: String, title: String, detail: /Bearer/ });
  t.match(none.headers['www-authenticate'], /^Bearer/);

  const forged = createSigner({ key: 'another-secret-another-secret-another-secret', algorithm: 'HS256' })({ sub: 'u-pat', roles: ['pm'] });
  const wrongKey = await app.inject({ method: 'POST', url: '/engagements', payload, headers: { authorization: `Bearer ${forged}` } });
  t.equal(wrongKey.statusCode, 401);

  const expired = createSigner({ key: SECRET, algorithm: 'HS256' })({ sub: 'u-pat', roles: ['pm'], exp: Math.floor(Date.now() / 1000) - 60 });
  const late = await app.inject({ method: 'POST', url: '/engagements', payload, headers: { authorization: `Bearer ${expired}` } });
  t.equal(late.statusCode, 401);
  t.match(late.json().detail, /expired/);

  const noneAlg = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"sub":"u-pat","roles":["pm"]}').toString('base64url')}.`;
  const unsigned = await app.inject({ method: 'POST', url: '/engagements', payload, headers: { authorization: `Bearer ${noneAlg}` } });
  t.equal(unsigned.statusCode, 401, 'alg none is refused');

  const noSub = createSigner({ key: SECRET, algorithm: 'HS256', expiresIn: 60_000 })({ roles: ['pm'] });
  const anonymous = await app.inject({ method: 'POST', url: '/engagements', payload, headers: { authorization: `Bearer ${noSub}` } });
  t.equal(anonymous.statusCode, 401, 'a token must name its user');
  t.match(anonymous.json().detail, /sub/);
});

t.test('a 401 says why: no expiry, too old, not yet valid, wrong signature, wrong algorithm', async (t) => {
  const { app } = await testApp();
  t.teardown(() => app.close());
  const now = Math.floor(Date.now() / 1000);
  const as = (token: string) => app.inject({ method: 'GET', url: '/engagements', headers: { authorization: `Bearer ${token}` } });
  const signed = (claims: object) =>
    new SignJWT({ sub: 'u-pat', roles: ['pm'], ...claims }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(SECRET));

  t.equal((await as(await signed({ iat: now, exp: now + 600 }))).statusCode, 200, 'a fresh token with exp and iat passes');
  const forever = await as(await signed({ iat: now }));
  t.equal(forever.statusCode, 401, 'a token without exp is refused');
  t.match(forever.json().detail, /"exp"/);
  const year2999 = await as(await signed({ iat: now - 13 * 3600, exp: 32_503_680_000 }));
  t.equal(year2999.statusCode, 401, 'an exp in the year 2999 does not make a 13-hour-old token young');
  t.match(year2999.json().detail, /too old/);
  const early = await as(await signed({ iat: now, nbf: now + 3600, exp: now + 7200 }));
  t.equal(early.statusCode, 401);
  t.match(early.json().detail, /not valid yet/);
  const forged = createSigner({ key: 'another-secret-another-secret-another-secret', algorithm: 'HS256', expiresIn: 60_000 })({ sub: 'u-pat', roles: ['pm'] });
  t.match((await as(forged)).json(), { status: 401, detail: /signature/ });
  t.match((await as('not-a-token')).json(), { status: 401, detail: /not a JWT/ });
  const { privateKey } = await generateKeyPair('RS256');
  const rs256 = await new SignJWT({ sub: 'u-pat', roles: ['pm'] }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuedAt().setExpirationTime('5m').sign(privateKey);
  const noProvider = await as(rs256);
  t.equal(noProvider.statusCode, 401, 'an RS256 token means nothing without an identity provider');
  t.match(noProvider.json().detail, /no identity provider/);
  t.match(noProvider.headers['www-authenticate'], /error="invalid_token"/);
  t.notMatch(JSON.stringify(noProvider.json()), SECRET, 'no secret in any answer');
});

t.test('pmo writes nothing: every command route is 403', async (t) => {
  const { app } = await testApp();
  t.teardown(() => app.close());
  t.equal(COMMAND_ROUTES.length, 33);
  for (const route of COMMAND_ROUTES) {
    const response = await app.inject({ method: 'POST', url: route.url.replace(/:\w+/g, 'x-1'), headers: users.pmo, payload: {} });
    t.equal(response.statusCode, 403, `${route.type} as pmo`);
    t.equal(response.json().code, 'forbidden');
  }
});

t.test('the role table', async (t) => {
  const { app } = await testApp();
  t.teardown(() => app.close());
  const d = discovery(app);
  const payload = { name: 'CRM', client: 'Acme', sponsor: { name: 'Z', title: 'CEO' } };
  const byConsultant = await app.inject({ method: 'POST', url: '/engagements', headers: users.consultant, payload });
  t.equal(byConsultant.statusCode, 403, 'consultants do not start engagements');
  const byAdmin = await app.inject({ method: 'POST', url: '/engagements', headers: users.admin, payload });
  t.equal(byAdmin.statusCode, 201, 'admins may');

  const engagement = await d.startEngagement();
  const interview = await d.schedule(engagement.id);
  const byStakeholder = await app.inject({
    method: 'POST',
    url: `/interviews/${interview.id}/conduct`,
    headers: users.interviewee,
    payload: { conductedAt: '2026-03-05T02:00:00Z' },
  });
  t.equal(byStakeholder.statusCode, 403, 'stakeholders do not run interviews');
  await d.conduct(interview.id);
  const finding = await d.finding(interview.id);
  const requirement = await d.capture(engagement.id, [{ interviewId: interview.id, findingId: finding['findingId'] as string }]);
  const prioritizeAs = (headers: Record<string, string>) =>
    app.inject({
      method: 'POST',
      url: `/requirements/${requirement.id}/prioritize`,
      headers,
      payload: { frequency: 1, lossIfMismanaged: 1, urgency: 1, fundSafety: false, stakeholderConcern: false, rationale: 'r' },
    });
  t.equal((await prioritizeAs(users.consultant)).statusCode, 403, 'consultants do not prioritize');
  t.equal((await prioritizeAs(users.pm)).statusCode, 200, 'project managers do');
});

t.test('only the interviewee confirms or asks for a revision', async (t) => {
  const { app } = await testApp();
  t.teardown(() => app.close());
  const d = discovery(app);
  const engagement = await d.startEngagement();
  const interview = await d.schedule(engagement.id, 'u-li');
  await d.conduct(interview.id);
  const finding = await d.finding(interview.id);
  await d.draft(interview.id, [finding['findingId'] as string]);
  await d.send(interview.id);
  const confirmAs = (headers: Record<string, string>) =>
    app.inject({ method: 'POST', url: `/interviews/${interview.id}/summary/confirm`, headers, payload: { summaryVersion: 1 } });

  const otherStakeholder = await confirmAs(users.otherStakeholder);
  t.equal(otherStakeholder.statusCode, 404, 'a stakeholder outside the team does not even learn the interview exists');
  t.equal(otherStakeholder.json().code, 'not-found');
  await d.addMember(engagement.id, 'u-wang', 'stakeholder');
  const memberStakeholder = await confirmAs(users.otherStakeholder);
  t.equal(memberStakeholder.statusCode, 403, 'a stakeholder of the team confirms only their own interview');
  t.equal(memberStakeholder.json().code, 'forbidden');
  t.equal((await confirmAs(users.admin)).statusCode, 403, 'an admin cannot confirm for them');
  t.equal((await confirmAs(users.consultant)).statusCode, 403, 'nor can the consultant');
  const revisionByAdmin = await app.inject({
    method: 'POST',
    url: `/interviews/${interview.id}/summary/request-revision`,
    headers: users.admin,
    payload: { summaryVersion: 1, comments: 'x' },
  });
  t.equal(revisionByAdmin.statusCode, 403);
  t.equal((await confirmAs(users.interviewee)).statusCode, 200, 'the interviewee can');

  const adminInterviewee = await d.schedule(engagement.id, 'u-root');
  await d.conduct(adminInterviewee.id);
  const f2 = await d.finding(adminInterviewee.id);
  await d.draft(adminInterviewee.id, [f2['findingId'] as string]);
  await d.send(adminInterviewee.id);
  const own = await app.inject({
    method: 'POST',
    url: `/interviews/${adminInterviewee.id}/summary/confirm`,
    headers: bearer('u-root', ['admin']),
    payload: { summaryVersion: 1 },
  });
  t.equal(own.statusCode, 200, 'an admin who was interviewed confirms their own summary');
});

t.test('a token verified once is trusted only while it is valid, and only byte for byte', async (t) => {
  const { app } = await testApp();
  t.teardown(() => app.close());
  const as = (token: string) => app.inject({ method: 'GET', url: '/engagements', headers: { authorization: `Bearer ${token}` } });
  const now = Math.floor(Date.now() / 1000);
  // The test app tolerates the usual 30 s of clock skew, so this token is refused 2 s from now.
  const shortLived = await new SignJWT({ sub: 'u-pat', roles: ['pm'] })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt(now)
    .setExpirationTime(now - 28)
    .sign(new TextEncoder().encode(SECRET));
  t.equal((await as(shortLived)).statusCode, 200, 'verified');
  t.equal((await as(shortLived)).statusCode, 200, 'and again');

  const [header, payload] = shortLived.split('.');
  const otherSignature = createSigner({ key: 'another-secret-another-secret-another-secret', algorithm: 'HS256' })({ sub: 'u-pat' }).split('.')[2];
  const forged = await as(`${header}.${payload}.${otherSignature}`);
  t.equal(forged.statusCode, 401, 'the same claims under another signature are not let in by the verified one');
  t.match(forged.json().detail, /signature/);

  await new Promise((resolve) => setTimeout(resolve, 1_000 * (now + 3) - Date.now()));
  const expired = await as(shortLived);
  t.equal(expired.statusCode, 401, 'once expired, the remembered token is refused like any other');
  t.match(expired.json().detail, /expired/);
});
