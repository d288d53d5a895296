/**
 * A real OpenID Provider for tests: the certified `oidc-provider` package on loopback, issuing RS256
 * JWT access tokens through real OAuth flows – client credentials for service clients, authorization
 * code with PKCE for web clients. Test equipment only.
 *
 * - Signing keys are passed in (the first one signs, all are published), so a test can restart the
 *   provider on the same port with a rotated key set.
 * - Each resource indicator (RFC 8707) is an API: its access tokens carry `aud` = the indicator.
 * - Access tokens carry the account's (or service client's) roles at `rolesClaimPath` – `roles`, or
 *   nested like Keycloak's `realm_access.roles` – and its `name`.
 * - Login is driven over HTTP without a browser: `GET /interaction/:uid` shows a one-field form,
 *   `POST /interaction/:uid/login` with `login=<account id>` signs that account in; consent is
 *   granted without asking, as for a first-party application.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, calculateJwkThumbprint, type JWK } from 'jose';
import Provider, { errors, type ClientMetadata, type ErrorOut, type KoaContextWithOIDC } from 'oidc-provider';

/** A person who can sign in; `sub` of their tokens is `accountId`. */
export type Account = { accountId: string; name: string; roles: readonly string[] };

/** A confidential client that gets tokens for itself with the client credentials grant. */
export type ServiceClient = { kind: 'service'; clientId: string; clientSecret: string; name: string; roles: readonly string[] };

/** A public client (a browser application) that signs people in with authorization code + PKCE. */
export type WebClient = { kind: 'web'; clientId: string; redirectUris: readonly string[] };

export type IdentityProviderOptions = {
  /** 0 (default) picks a free port. */
  port?: number;
  /** The `iss` of the tokens; defaults to `http://127.0.0.1:<port>`. */
  issuer?: string;
  /** Private RSA signing keys (JWK); the first one signs. Defaults to one new key. */
  keys?: readonly JWK[];
  /** Lifetime of access tokens; defaults to 10 minutes. */
  accessTokenTtlSeconds?: number;
  /** Where the roles go in access tokens, as a dotted path; defaults to `roles`. */
  rolesClaimPath?: string;
  accounts: readonly Account[];
  clients: readonly (ServiceClient | WebClient)[];
  /** Resource indicators of the APIs tokens may be issued for, e.g. `urn:crm-discovery`. */
  resources: readonly string[];
};

export type IdentityProvider = {
  issuer: string;
  port: number;
  /** The published key set (public keys). */
  jwks: { keys: JWK[] };
  /** The private keys, to restart with the same keys or to sign a deliberately malformed token. */
  privateKeys: JWK[];
  stop(): Promise<void>;
};

/** The scope every resource server offers; tokens carry it when requested. */
export const API_SCOPE = 'api';

/** A new RS256 signing key as a private JWK, with its thumbprint as `kid`. */
export const generateSigningKey = async (): Promise<JWK> => {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: 'RS256', use: 'sig' };
};

const publicJwk = ({ kty, n, e, kid, alg, use }: JWK): JWK => ({ kty, n, e, kid, alg, use });

/** The claims that put `value` at a dotted path: `{ realm_access: { roles } }` for `realm_access.roles`. */
const claimsWith = (path: string, value: unknown): Record<string, unknown> =>
  path
    .split('.')
    .reverse()
    .reduce<unknown>((inner, key) => ({ [key]: inner }), value) as Record<string, unknown>;

const readForm = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
};

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const loginPage = (uid: string, clientId: string) => `<!doctype html>
<title>Test identity provider: sign in</title>
<p>Sign in to ${escapeHtml(clientId)} (test identity provider – any registered account id, no password)</p>
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
  <label>Account id <input name="login" autofocus></label>
  <button>Sign in</button>
</form>
`;

const clientMetadata = (client: ServiceClient | WebClient): ClientMetadata =>
  client.kind === 'service'
    ? {
        client_id: client.clientId,
        client_secret: client.clientSecret,
        client_name: client.name,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_basic',
      }
    : {
        client_id: client.clientId,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: [...client.redirectUris],
        token_endpoint_auth_method: 'none',
      };

const listen = (server: Server, port: number) =>
  new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });

export const startIdentityProvider = async (options: IdentityProviderOptions): Promise<IdentityProvider> => {
  const privateKeys = options.keys?.length ? [...options.keys] : [await generateSigningKey()];
  const rolesClaimPath = options.rolesClaimPath ?? 'roles';
  const accounts = new Map(options.accounts.map((a) => [a.accountId, a]));
  const serviceClients = new Map(options.clients.flatMap((c) => (c.kind === 'service' ? [[c.clientId, c] as const] : [])));
  const resources = new Set(options.resources);
  const accessTokenTtl = options.accessTokenTtlSeconds ?? 600;

  // The issuer names the port, so the provider is made once the server listens; until then, 503.
  let handle: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server = createServer((req, res) => {
    // No keep-alive: a client must never reuse a connection to a provider that has been stopped
    // and restarted on the same port (it fails with "other side closed" instead of reconnecting).
    res.setHeader('connection', 'close');
    if (handle) return handle(req, res);
    res.writeHead(503, { 'retry-after': '1' }).end();
  });
  const port = await listen(server, options.port ?? 0);
  const issuer = options.issuer ?? `http://127.0.0.1:${port}`;

  const provider = new Provider(issuer, {
    jwks: { keys: privateKeys },
    clients: options.clients.map(clientMetadata),
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    claims: { openid: ['sub'], profile: ['name'] },
    scopes: ['openid', 'profile', API_SCOPE],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // The web client asks for the API at the authorization endpoint; the token request may omit it.
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx: KoaContextWithOIDC, indicator: string) => {
          if (!resources.has(indicator)) throw new errors.InvalidTarget(`unknown resource ${indicator}`);
          return {
            scope: API_SCOPE,
            audience: indicator,
            accessTokenFormat: 'jwt' as const,
            accessTokenTTL: accessTokenTtl,
            jwt: { sign: { alg: 'RS256' as const } },
          };
        },
      },
    },
    findAccount: async (_ctx: KoaContextWithOIDC, sub: string) => {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return { accountId: sub, claims: async () => ({ sub, name: account.name }) };
    },
    extraTokenClaims: async (_ctx: KoaContextWithOIDC, token) => {
      const holder = 'accountId' in token && token.accountId ? accounts.get(token.accountId) : serviceClients.get(token.clientId ?? '');
      if (!holder) return undefined;
      return { name: holder.name, ...claimsWith(rolesClaimPath, [...holder.roles]) };
    },
    pkce: { required: () => true },
    ttl: { AccessToken: accessTokenTtl, ClientCredentials: accessTokenTtl, IdToken: 600, Session: 3_600, Grant: 3_600, Interaction: 600 },
    renderError: async (ctx: KoaContextWithOIDC, out: ErrorOut) => {
      ctx.type = 'json';
      ctx.body = out;
    },
  });

  // Login and consent without a browser; everything else is the provider's own.
  provider.use(async (ctx, next) => {
    const match = /^\/interaction\/([^/]+)(\/login)?$/.exec(ctx.path);
    if (!match) return next();
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const { prompt, params } = details;
    const clientId = String(params['client_id'] ?? '');
    if (prompt.name === 'login' && ctx.method === 'GET' && !match[2]) {
      ctx.type = 'html';
      ctx.body = loginPage(details.uid, clientId);
      return;
    }
    if (prompt.name === 'login' && ctx.method === 'POST' && match[2]) {
      const login = (await readForm(ctx.req)).get('login') ?? '';
      if (!accounts.has(login)) {
        ctx.status = 401;
        ctx.type = 'html';
        ctx.body = `<!doctype html><p>No account ${escapeHtml(login)}.</p>${loginPage(details.uid, clientId)}`;
        return;
      }
      ctx.status = 303;
      ctx.redirect(await provider.interactionResult(ctx.req, ctx.res, { login: { accountId: login } }, { mergeWithLastSubmission: false }));
      return;
    }
    if (prompt.name === 'consent' && ctx.method === 'GET' && !match[2]) {
      const grant = details.grantId
        ? ((await provider.Grant.find(details.grantId)) ?? new provider.Grant({ accountId: details.session?.accountId ?? '', clientId }))
        : new provider.Grant({ accountId: details.session?.accountId ?? '', clientId });
      const missing = prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
      for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
      const grantId = await grant.save();
      ctx.status = 303;
      ctx.redirect(await provider.interactionResult(ctx.req, ctx.res, { consent: { grantId } }, { mergeWithLastSubmission: true }));
      return;
    }
    ctx.status = 400;
    ctx.body = { error: 'invalid_request', error_description: `no ${ctx.method} ${ctx.path} for the ${prompt.name} prompt` };
  });

  handle = provider.callback();

  return {
    issuer,
    port,
    jwks: { keys: privateKeys.map(publicJwk) },
    privateKeys,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // A request still in flight would keep close() waiting.
        server.closeAllConnections();
      }),
  };
};
