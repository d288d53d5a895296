/**
 * The service against a real OpenID Provider (test/oidc/provider.ts), black-box: the built entry
 * point runs as `npm start` does, with AUTH_OIDC_ISSUER pointing at a provider this test starts on
 * loopback, and tokens come from real OAuth flows (test/support/idp.ts). Needs no other server.
 */
import t from 'tap';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SignJWT, decodeJwt, decodeProtectedHeader, importJWK } from 'jose';
import { generateSigningKey, startIdentityProvider, type Account, type IdentityProvider, type IdentityProviderOptions } from '../oidc/provider.js';
import { serviceToken, userToken } from '../support/idp.js';

const root = resolve(import.meta.dirname, '../..');
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

type Service = { base: string; log: () => string; stop: () => Promise<void> };

/** Runs dist/services/main.js (built by `npm test`'s `tsc -b`) on a free port with an embedded store. */
const startService = async (env: Record<string, string>): Promise<Service> => {
  const dataDir = mkdtempSync(join(tmpdir(), 'crm-oidc-'));
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(AUTH_|EVENTSTORE_URL|MONGO_URL|KAFKA_)/.test(name)));
  const child = spawn(process.execPath, ['dist/services/main.js'], {
    cwd: root,
    env: { ...inherited, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', AUTH_OIDC_AUDIENCE: API, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const base = await new Promise<string>((resolveBase, reject) => {
    child.stdout.on('data', () => {
      const match = /serving on (http:\/\/\S+)/.exec(output);
      if (match) resolveBase(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the service exited with ${code}:\n${output}`)));
  });
  return {
    base,
    log: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
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

const services: Service[] = [];
t.teardown(async () => {
  if (!t.passing()) for (const service of services) t.comment(`service log:\n${service.log().slice(-3_000)}`);
  await Promise.all(services.map((s) => s.stop()));
  await idp.stop().catch(() => undefined);
});
const started = async (env: Record<string, string>) => {
  const service = await startService(env);
  services.push(service);
  return service;
};

const service = await started({ AUTH_OIDC_ISSUER: idp.issuer });
let tokenWithKey1 = '';

t.test('a person signed in through the authorization code flow starts an engagement and sees it', async (t) => {
  tokenWithKey1 = await signIn(idp, pat);
  t.equal(decodeProtectedHeader(tokenWithKey1).kid, key1!.kid, 'the token is signed with the provider key');

  const created = await call(service, 'POST', '/engagements', tokenWithKey1, newEngagement);
  t.equal(created.status, 201, 'a pm starts an engagement');
  const listed = await listEngagements(service, tokenWithKey1);
  t.equal(listed.status, 200, 'lists the engagements');
  t.match(listed.body, { items: [{ id: created.body['id'] }] }, 'the new engagement is among them');

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

  const withoutExp = await new SignJWT({ name: pat.name, roles: pat.roles })
    .setProtectedHeader({ alg: 'RS256', kid: key1!.kid!, typ: 'at+jwt' })
    .setIssuer(idp.issuer)
    .setAudience(API)
    .setSubject(pat.accountId)
    .setIssuedAt()
    .sign(await importJWK(key1!, 'RS256'));
  await refused(withoutExp, /exp/, 'a token without exp (signed with the provider key)');

  await refused('not-a-jwt', /./, 'a string that is no token');
});

t.test('tokens age out: expired, and older than AUTH_MAX_TOKEN_AGE', async (t) => {
  const strict = await started({ AUTH_OIDC_ISSUER: idp.issuer, AUTH_MAX_TOKEN_AGE: '2s' });
  const longLived = await signIn(idp, pat);
  t.equal((await listEngagements(strict, longLived)).status, 200, 'a fresh token is accepted where at most 2 s are allowed');

  await restartIdp({ keys: [key1!], accessTokenTtlSeconds: 1 });
  const shortLived = await signIn(idp, pat);
  t.equal((await listEngagements(service, shortLived)).status, 200, 'a 1 s token is accepted at once');
  await restartIdp({ keys: [key1!] });

  await sleep(3_000);
  const expired = await listEngagements(service, shortLived);
  t.equal(expired.status, 401, 'the 1 s token, 3 s later: 401');
  t.match(expired.body, { code: 'unauthenticated', detail: /expired/i });
  const tooOld = await listEngagements(strict, longLived);
  t.equal(tooOld.status, 401, 'the 10 min token, 3 s after it was issued, where 2 s are allowed: 401');
  t.match(tooOld.body, { code: 'unauthenticated', detail: /too old|age/i });
  t.equal((await listEngagements(service, longLived)).status, 200, 'the same token is still fine under the default 12 h');
});

let tokenWithKey2 = '';

t.test('a rotated signing key is picked up without restarting the service', async (t) => {
  t.equal((await listEngagements(service, tokenWithKey1)).status, 200, 'the service knows the first key');
  // The provider now signs with a new key and still publishes the old one.
  await restartIdp({ keys: [key2!, key1!] });
  tokenWithKey2 = await signIn(idp, pat);
  t.equal(decodeProtectedHeader(tokenWithKey2).kid, key2!.kid, 'new tokens carry the new kid');
  t.equal((await listEngagements(service, tokenWithKey2)).status, 200, 'a token with the new key is accepted');
  t.equal((await listEngagements(service, tokenWithKey1)).status, 200, 'a token with the old, still published key is accepted');
});

t.test('the identity provider is down: cached keys keep working, an unknown key is 503, never 500', async (t) => {
  await restartIdp({ keys: [key3!, key2!, key1!] });
  const tokenWithKey3 = await signIn(idp, pat);
  await idp.stop();

  t.equal((await listEngagements(service, tokenWithKey2)).status, 200, 'a token whose key is cached is accepted');
  const unknownKey = await listEngagements(service, tokenWithKey3);
  t.equal(unknownKey.status, 503, 'a token with a key the service has not seen: 503');
  t.match(unknownKey.body, { code: 'unavailable' });
  t.match(unknownKey.headers.get('retry-after'), /^\d+$/, 'with Retry-After');

  // Up again (same port, same keys): the new key is fetched and accepted.
  idp = await startIdentityProvider(realm({ port: idp.port, keys: [key3!, key2!, key1!] }));
  t.equal((await listEngagements(service, tokenWithKey3)).status, 200, 'once the provider answers again the token is accepted');
});

t.test('roles at a nested claim path (Keycloak realm_access.roles)', async (t) => {
  const keycloakLike = await startIdentityProvider(realm({ rolesClaimPath: 'realm_access.roles' }));
  t.teardown(() => keycloakLike.stop());
  const nested = await started({ AUTH_OIDC_ISSUER: keycloakLike.issuer, AUTH_ROLES_CLAIM: 'realm_access.roles' });

  const token = await signIn(keycloakLike, pat);
  t.match(decodeJwt(token), { realm_access: { roles: ['pm'] } }, 'the provider puts the roles where Keycloak does');
  t.notOk('roles' in decodeJwt(token), 'and nowhere else');
  t.equal((await call(nested, 'POST', '/engagements', token, newEngagement)).status, 201, 'a pm starts an engagement');
  t.equal((await call(service, 'POST', '/engagements', await signIn(idp, pat), newEngagement)).status, 201, 'the default path still reads roles');

  const flat = await startIdentityProvider(realm({ port: 0 }));
  t.teardown(() => flat.stop());
  const elsewhere = await started({ AUTH_OIDC_ISSUER: flat.issuer, AUTH_ROLES_CLAIM: 'realm_access.roles' });
  t.equal((await call(elsewhere, 'POST', '/engagements', await signIn(flat, pat), newEngagement)).status, 403, 'roles at another path than configured: no known role, 403');
});
