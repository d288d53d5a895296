/**
 * The service against a real OpenID Provider (test/oidc/provider.ts), black-box: the built entry
 * point runs as `npm start` does, with AUTH_OIDC_ISSUER pointing at a provider this test starts on
 * loopback, and tokens come from real OAuth flows (test/support/idp.ts). Needs no other server.
 */
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SignJWT, decodeJwt, decodeProtectedHeader, importJWK, type JWK } from 'jose';
import { generateSigningKey, startIdentityProvider, type Account, type IdentityProvider, type IdentityProviderOptions } from '../oidc/provider.js';
import { serviceToken, userToken } from '../support/idp.js';
import { startService as startServiceProcess, type ServiceProcess } from '../support/service-process.js';

const API = 'urn:crm-discovery';
const OTHER_API = 'urn:other-api';
const WEB = { clientId: 'crm-web', redirectUri: 'http://127.0.0.1:3000/callback' };
const SERVICE = { clientId: 'crm-sync', clientSecret: 'crm-sync-secret-for-tests-only' };
const pat: Account = { accountId: 'pat', name: 'Pat Lee', roles: ['pm'] };
const chen: Account = { accountId: 'chen', name: 'Chen Wei', roles: ['consultant'] };
const newEngagement = { name: 'CRM for Acme', client: 'Acme', sponsor: { name: 'Zhang San', title: 'CEO' } };

const realm = (overrides: Partial<IdentityProviderOptions> = {}): IdentityProviderOptions => ({
  accounts: [pat, chen],
  clients: [
    { kind: 'service', ...SERVICE, name: 'Nightly sync', roles: ['pm'] },
    { kind: 'web', clientId: WEB.clientId, redirectUris: [WEB.redirectUri] },
  ],
  resources: [API, OTHER_API],
  ...overrides,
});

const signIn = (idp: IdentityProvider, account: Account, resource = API) => userToken({ issuer: idp.issuer, ...WEB, resource, login: account.accountId });
const clientToken = (idp: IdentityProvider) => serviceToken({ issuer: idp.issuer, ...SERVICE, resource: API });

type Service = ServiceProcess;

/** The built service on a free port, with its own embedded store and the API's audience. */
const startService = async (env: Record<string, string>): Promise<Service> => {
  const dataDir = mkdtempSync(join(tmpdir(), 'crm-oidc-'));
  const removeDataDir = () => rmSync(dataDir, { recursive: true, force: true });
  try {
    const service = await startServiceProcess({ HOST: '127.0.0.1', DATA_DIR: dataDir, AUTH_OIDC_AUDIENCE: API, ...env });
    return { ...service, stop: () => service.stop().finally(removeDataDir) };
  } catch (error) {
    removeDataDir();
    throw error;
  }
};

type Answer = { status: number; headers: Headers; body: Record<string, unknown> };
const call = async (service: Service, method: 'GET' | 'POST', path: string, token: string, body?: object): Promise<Answer> => {
  const response = await fetch(`${service.base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
};
const listEngagements = (service: Service, token: string) => call(service, 'GET', '/engagements', token);

// Three signing keys: the provider starts with the first and later rotates to the others.
const [key1, key2, key3] = await Promise.all([generateSigningKey(), generateSigningKey(), generateSigningKey()]);
let idp = await startIdentityProvider(realm({ keys: [key1!] }));
/** Restarts the provider on the same port (so with the same issuer) with other settings. */
const restartIdp = async (overrides: Partial<IdentityProviderOptions>) => {
  await idp.stop();
  idp = await startIdentityProvider(realm({ port: idp.port, ...overrides }));
};

// A provider that puts the roles where Keycloak does.
const keycloakLike = await startIdentityProvider(realm({ rolesClaimPath: 'realm_access.roles' }));

// The service instances, started together (each takes a second or so).
const instances = {
  service: { AUTH_OIDC_ISSUER: idp.issuer },
  /** Accepts no token older than 2 s. */
  strict: { AUTH_OIDC_ISSUER: idp.issuer, AUTH_MAX_TOKEN_AGE: '2s' },
  /** A second instance that fetches the provider's keys once, early, and not again before the provider is down. */
  replica: { AUTH_OIDC_ISSUER: idp.issuer },
  /** Reads the roles at realm_access.roles, from the Keycloak-like provider. */
  nested: { AUTH_OIDC_ISSUER: keycloakLike.issuer, AUTH_ROLES_CLAIM: 'realm_access.roles' },
  /** Reads the roles at realm_access.roles, from the provider that puts them at roles. */
  elsewhere: { AUTH_OIDC_ISSUER: idp.issuer, AUTH_ROLES_CLAIM: 'realm_access.roles' },
};
const running = await Promise.allSettled(Object.values(instances).map(startService));
const services = running.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
t.teardown(async () => {
  if (!t.passing()) for (const service of services) t.comment(`service log:\n${service.log().slice(-3_000)}`);
  await Promise.all(services.map((s) => s.stop()));
  await Promise.all([idp.stop().catch(() => undefined), keycloakLike.stop()]);
});
const failed = running.find((r): r is PromiseRejectedResult => r.status === 'rejected');
if (failed) throw failed.reason;
const [service, strict, replica, nested, elsewhere] = services as [Service, Service, Service, Service, Service];
let tokenWithKey1 = '';

t.test('a person signed in through the authorization code flow starts an engagement and sees it', async (t) => {
  tokenWithKey1 = await signIn(idp, pat);
  t.equal(decodeProtectedHeader(tokenWithKey1).kid, key1!.kid, 'the token is signed with the provider key');

  const created = await call(service, 'POST', '/engagements', tokenWithKey1, newEngagement);
  t.equal(created.status, 201, 'a pm starts an engagement');
  const listed = await listEngagements(service, tokenWithKey1);
  t.equal(listed.status, 200, 'lists the engagements');
  t.match(listed.body, { items: [{ id: created.body['id'] }] }, 'the new engagement is among them');
  const team = await call(service, 'GET', `/engagements/${String(created.body['id'])}/members`, tokenWithKey1);
  t.match(team.body, { items: [{ userId: pat.accountId, name: pat.name, role: 'pm' }] }, 'the starter is its pm, with the sub as user id and the name from the token');

  const consultant = await call(service, 'POST', '/engagements', await signIn(idp, chen), newEngagement);
  t.equal(consultant.status, 403, 'a consultant may not start one: the roles come from the token');
});

t.test('a service client with a client credentials token', async (t) => {
  const token = await clientToken(idp);
  t.match(decodeJwt(token), { sub: SERVICE.clientId, aud: API }, 'the token is the client’s own');
  t.equal((await call(service, 'POST', '/engagements', token, newEngagement)).status, 201, 'starts an engagement with its pm role');
  t.equal((await listEngagements(service, token)).status, 200, 'lists engagements');
});

t.test('refused tokens answer 401 unauthenticated and say why', async (t) => {
  const refused = async (token: string, why: RegExp, what: string) => {
    const answer = await listEngagements(service, token);
    t.equal(answer.status, 401, `${what}: 401`);
    t.match(answer.headers.get('content-type'), /^application\/problem\+json/, `${what}: a problem document`);
    t.match(answer.body, { code: 'unauthenticated', detail: why }, `${what}: the detail says why`);
  };

  await refused(await signIn(idp, pat, OTHER_API), /audience/i, 'a token for another API');

  // Another provider, signing with the very same key, is still not the configured issuer.
  const impostor = await startIdentityProvider(realm({ keys: [key1!] }));
  t.teardown(() => impostor.stop());
  await refused(await signIn(impostor, pat), /issuer/i, 'a token from another issuer');

  // Tokens made here with jose, as a forger or a broken issuer would: everything right but one thing.
  const forged = async (signingKey: JWK, kid: string, withExp = true) => {
    const jwt = new SignJWT({ name: pat.name, roles: pat.roles })
      .setProtectedHeader({ alg: 'RS256', kid, typ: 'at+jwt' })
      .setIssuer(idp.issuer)
      .setAudience(API)
      .setSubject(pat.accountId)
      .setIssuedAt();
    return (withExp ? jwt.setExpirationTime('10m') : jwt).sign(await importJWK(signingKey, 'RS256'));
  };
  const stranger = await generateSigningKey();
  await refused(await forged(key1!, key1!.kid!, false), /exp/, 'a token without exp (signed with the provider key)');
  await refused(await forged(stranger, key1!.kid!), /signature/, 'a token naming the provider key but signed with another');
  await refused(await forged(stranger, stranger.kid!), /unknown kid/, 'a token signed with a key the provider does not publish');

  await refused('not-a-jwt', /JWT/, 'a string that is no token');
});

// The service's time rules, as a user meets them: 30 s of clock skew are tolerated on exp and iat,
// and an unknown key id makes it fetch the provider's keys again at most every 5 s.
const CLOCK_TOLERANCE_MS = 30_000;
const JWKS_COOLDOWN_MS = 5_000;

t.test('tokens age out, keys rotate, and the provider goes down', async (t) => {
  t.equal((await listEngagements(replica, tokenWithKey1)).status, 200, 'a replica accepts the first token (and caches the first key)');

  const longLived = await signIn(idp, pat);
  t.equal((await listEngagements(strict, longLived)).status, 200, 'a fresh token is accepted where AUTH_MAX_TOKEN_AGE=2s');
  await restartIdp({ keys: [key1!], accessTokenTtlSeconds: 1 });
  const shortLived = await signIn(idp, pat);
  t.equal((await listEngagements(service, shortLived)).status, 200, 'a token that lives 1 s is accepted at once');
  const issuedAt = Date.now();

  // The provider rotates to a new key and keeps publishing the old one; it issues one token with a
  // third key before going down, so that this key is never published while the replica asks.
  await restartIdp({ keys: [key3!, key1!] });
  const tokenWithKey3 = await signIn(idp, pat);
  await restartIdp({ keys: [key2!, key1!] });

  await sleep(issuedAt + 2_000 + CLOCK_TOLERANCE_MS + 1_500 - Date.now());

  t.test('a token past its exp is refused as expired', async (t) => {
    const expired = await listEngagements(service, shortLived);
    t.equal(expired.status, 401);
    t.match(expired.body, { code: 'unauthenticated', detail: /expired/i });
  });

  t.test('a token older than AUTH_MAX_TOKEN_AGE is refused as too old, though not expired', async (t) => {
    const tooOld = await listEngagements(strict, longLived);
    t.equal(tooOld.status, 401);
    t.match(tooOld.body, { code: 'unauthenticated', detail: /too old/i });
    t.equal((await listEngagements(service, longLived)).status, 200, 'the same token is fine under the default 12h');
  });

  t.test('a rotated signing key is picked up without restarting the service', async (t) => {
    const tokenWithKey2 = await signIn(idp, pat);
    t.equal(decodeProtectedHeader(tokenWithKey2).kid, key2!.kid, 'new tokens carry the new kid');
    t.equal((await listEngagements(service, tokenWithKey2)).status, 200, 'a token with the new key is accepted');
    t.equal((await listEngagements(service, tokenWithKey1)).status, 200, 'a token with the old, still published key is accepted');
  });

  t.test('the provider is down: cached keys keep working, an unknown key is 503 with Retry-After', async (t) => {
    await idp.stop();
    t.ok(Date.now() - issuedAt > JWKS_COOLDOWN_MS, 'the replica may fetch keys again by now');
    t.equal((await listEngagements(replica, tokenWithKey1)).status, 200, 'a token whose key is cached is accepted');
    const unknownKey = await listEngagements(replica, tokenWithKey3);
    t.equal(unknownKey.status, 503, 'a token with a key the replica has never seen: 503, not 401 or 500');
    t.match(unknownKey.body, { code: 'unavailable' });
    t.match(unknownKey.headers.get('retry-after'), /^\d+$/, 'with Retry-After');

    // Still signing with the second key, which every instance knows.
    idp = await startIdentityProvider(realm({ port: idp.port, keys: [key2!, key1!, key3!] }));
    t.equal((await listEngagements(replica, tokenWithKey3)).status, 200, 'once the provider answers again, the same token is accepted');
  });
});

t.test('roles at a nested claim path (Keycloak realm_access.roles)', async (t) => {
  const token = await signIn(keycloakLike, pat);
  t.match(decodeJwt(token), { realm_access: { roles: ['pm'] } }, 'the provider puts the roles where Keycloak does');
  t.notOk('roles' in decodeJwt(token), 'and nowhere else');
  t.equal((await call(nested, 'POST', '/engagements', token, newEngagement)).status, 201, 'a pm starts an engagement');
  t.equal((await call(service, 'POST', '/engagements', token, newEngagement)).status, 401, 'the first service does not trust this provider');

  const flat = await signIn(idp, pat);
  t.equal((await call(elsewhere, 'POST', '/engagements', flat, newEngagement)).status, 403, 'roles at another path than configured: no known role, 403');
  t.equal((await call(service, 'POST', '/engagements', flat, newEngagement)).status, 201, 'the default path, roles, reads them');
});

t.test('a plain-http issuer off loopback stops the service at start, naming the variable', async (t) => {
  await t.rejects(startService({ AUTH_OIDC_ISSUER: 'http://idp.example.com/realms/crm' }), /AUTH_OIDC_ISSUER: .*https/);
});
