/**
 * The web app's session: development sign-in, the cookie, CSRF on writes it authenticates, sign-out;
 * and signing in with a real OpenID Provider through the authorization-code flow with PKCE.
 */
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserSignIn } from '../../services/http/browser-session.js';
import { startIdentityProvider } from '../oidc/provider.js';
import { bearer, testApp } from '../support/http.js';
import { Browser } from '../support/idp.js';
import { startService } from '../support/service-process.js';

const development: BrowserSignIn = { sessionSecret: 'a-session-secret-for-tests-a-session-secret', maxAgeSeconds: 3600, development: true };
const engagement = { name: 'CRM for Acme', client: 'Acme', sponsor: { name: 'Zhang San', title: 'CEO' } };

const cookieOf = (setCookie: string | string[] | undefined) => String(Array.isArray(setCookie) ? setCookie[0] : setCookie).split(';')[0]!;

t.test('development sign-in: a session cookie that reads, and writes only with its CSRF token', async (t) => {
  const { app } = await testApp({ signIn: development });
  t.teardown(() => app.close());

  const anonymous = await app.inject({ method: 'GET', url: '/auth/session' });
  t.match(anonymous.json(), { user: null, csrfToken: null, signIn: { oidc: false, development: true }, demoPeople: [{ userId: 'pat', roles: ['pm'] }] });
  t.equal((await app.inject({ method: 'GET', url: '/engagements' })).statusCode, 401, 'no cookie, no token: 401');

  const signedIn = await app.inject({ method: 'POST', url: '/auth/dev', payload: { userId: 'pat', name: 'Pat Lee', roles: ['pm'] } });
  t.equal(signedIn.statusCode, 200);
  const setCookie = String(signedIn.headers['set-cookie']);
  t.match(setCookie, /^crm_session=/);
  t.match(setCookie, /HttpOnly/);
  t.match(setCookie, /SameSite=Lax/);
  const cookie = cookieOf(signedIn.headers['set-cookie']);
  const { user, csrfToken } = signedIn.json();
  t.same(user, { id: 'pat', name: 'Pat Lee', roles: ['pm'] });

  t.equal((await app.inject({ method: 'GET', url: '/engagements', headers: { cookie } })).statusCode, 200, 'the cookie reads');
  const noToken = await app.inject({ method: 'POST', url: '/engagements', headers: { cookie }, payload: engagement });
  t.match(noToken.json(), { status: 403, code: 'forbidden', detail: /X-CSRF-Token/ }, 'a write without the CSRF token is refused');
  const wrongToken = await app.inject({ method: 'POST', url: '/engagements', headers: { cookie, 'x-csrf-token': 'forged' }, payload: engagement });
  t.equal(wrongToken.statusCode, 403);
  const written = await app.inject({ method: 'POST', url: '/engagements', headers: { cookie, 'x-csrf-token': csrfToken }, payload: engagement });
  t.equal(written.statusCode, 201, 'with it, the write goes through');
  const audit = await app.inject({ method: 'GET', url: `/engagements/${written.json().id}/audit`, headers: { cookie, 'x-min-position': written.json().position } });
  t.match(audit.json().entries[0], { actor: { id: 'pat', name: 'Pat Lee', roles: ['pm'] } }, 'the actor is the signed-in person');

  const asOther = await app.inject({ method: 'GET', url: '/engagements', headers: { cookie, ...bearer('u-kim', ['pm']) } });
  t.same(asOther.json().items, [], 'a bearer token, when sent, decides who is asking');

  const tampered = cookie.slice(0, -4) + (cookie.endsWith('AAAA') ? 'BBBB' : 'AAAA');
  t.equal((await app.inject({ method: 'GET', url: '/engagements', headers: { cookie: tampered } })).statusCode, 401, 'a tampered cookie names nobody');

  const out = await app.inject({ method: 'POST', url: '/auth/logout', headers: { cookie, 'x-csrf-token': csrfToken } });
  t.equal(out.statusCode, 200);
  const cleared = cookieOf(out.headers['set-cookie']);
  t.equal((await app.inject({ method: 'GET', url: '/engagements', headers: { cookie: cleared } })).statusCode, 401, 'signed out');
});

t.test('behind an https address the session cookie is always Secure', async (t) => {
  const { app } = await testApp({ signIn: { ...development, secureCookie: true } });
  t.teardown(() => app.close());
  const signedIn = await app.inject({ method: 'POST', url: '/auth/dev', payload: { userId: 'pat', name: 'Pat Lee', roles: ['pm'] } });
  t.match(String(signedIn.headers['set-cookie']), /; Secure/);
  const plain = await testApp({ signIn: development });
  t.teardown(() => plain.app.close());
  const overHttp = await plain.app.inject({ method: 'POST', url: '/auth/dev', payload: { userId: 'pat', name: 'Pat Lee', roles: ['pm'] } });
  t.notMatch(String(overHttp.headers['set-cookie']), /Secure/, 'over plain http on a plain http address, not');
});

t.test('the development sign-in is refused where it must be', async (t) => {
  const { app } = await testApp({ signIn: { ...development, development: false } });
  t.teardown(() => app.close());
  const refused = await app.inject({ method: 'POST', url: '/auth/dev', payload: { userId: 'pat', name: 'Pat Lee', roles: ['admin'] } });
  t.match(refused.json(), { status: 403, detail: /off in production/ });
  t.notOk(refused.headers['set-cookie'], 'no session');
  t.match((await app.inject({ method: 'GET', url: '/auth/session' })).json(), { signIn: { development: false } });
});

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

t.test('signing in with the identity provider: authorization code with PKCE, then the session', async (t) => {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const idp = await startIdentityProvider({
    accounts: [{ accountId: 'pat', name: 'Pat Lee', roles: ['pm'] }],
    clients: [{ kind: 'web', clientId: 'crm-web', redirectUris: [`${base}/auth/callback`] }],
    resources: ['urn:crm-discovery'],
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'crm-signin-'));
  const service = await startService({
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    PUBLIC_URL: base,
    AUTH_OIDC_ISSUER: idp.issuer,
    AUTH_OIDC_AUDIENCE: 'urn:crm-discovery',
    AUTH_OIDC_CLIENT_ID: 'crm-web',
    AUTH_OIDC_SCOPES: 'openid profile api',
    AUTH_OIDC_AUTHORIZE_PARAMS: 'resource=urn:crm-discovery',
  });
  t.teardown(async () => {
    if (!t.passing()) t.comment(service.log().slice(-3_000));
    await service.stop();
    await idp.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const session = (await (await fetch(`${base}/auth/session`)).json()) as { demoPeople?: unknown };
  t.match(session, { user: null, signIn: { oidc: true, development: false } });
  t.notOk(session.demoPeople, 'no demo people with a real identity provider');
  const dev = await fetch(`${base}/auth/dev`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'x', name: 'X', roles: ['admin'] }) });
  t.equal(dev.status, 403, 'no development sign-in beside an identity provider');

  const browser = new Browser();
  // The service sends the browser to the provider; the provider's login form signs Pat in and sends it back.
  let page = await browser.follow(new URL(`${base}/auth/login?returnTo=${encodeURIComponent('//evil.example.com/x')}`), `${base}/auth/callback`);
  t.equal(page.status, 200, 'the login form of the provider');
  t.match(page.url.href, idp.issuer);
  page = await browser.follow(new URL(`${page.url.pathname}/login`, page.url), `${base}/auth/callback`, { login: 'pat' });
  t.match(page.url.href, `${base}/auth/callback?`, 'back at the service with a code');
  const callback = await fetch(page.url, { redirect: 'manual', headers: { cookie: browser.cookieHeader() } });
  t.equal(callback.status, 303);
  t.equal(callback.headers.get('location'), '/', 'a return path off this site falls back to /');
  const cookie = cookieOf(callback.headers.getSetCookie().find((c) => c.startsWith('crm_session=')));
  const sessionResponse = await fetch(`${base}/auth/session`, { headers: { cookie } });
  // The session keeps the CSRF secret from now on: the browser takes the renewed cookie.
  const renewed = cookieOf(sessionResponse.headers.getSetCookie().find((c) => c.startsWith('crm_session=')) ?? cookie);
  const signedIn = await sessionResponse.json();
  t.match(signedIn, { user: { id: 'pat', name: 'Pat Lee', roles: ['pm'] }, csrfToken: String }, 'signed in as Pat with the roles of the token');
  const started = await fetch(`${base}/engagements`, {
    method: 'POST',
    headers: { cookie: renewed, 'x-csrf-token': (signedIn as { csrfToken: string }).csrfToken, 'content-type': 'application/json' },
    body: JSON.stringify(engagement),
  });
  t.equal(started.status, 201, 'and Pat starts an engagement from the browser session');

  const callbackAgain = await fetch(page.url, { redirect: 'manual' });
  t.equal(callbackAgain.status, 401, 'a callback without its sign-in (another browser, a replay) is refused');
});
