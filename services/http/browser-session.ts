/**
 * Signing in from a browser: the session cookie the web app uses instead of a bearer token.
 *
 * - With an identity provider: the authorization-code flow with PKCE (`openid-client`). The access
 *   token it returns is verified exactly as a bearer token is (issuer, audience, expiry, roles), and
 *   the person it names is kept in the session until that token would expire.
 * - On a service without one, outside production: a development sign-in as anyone, with any roles.
 * - The session is an encrypted, authenticated cookie (`@fastify/secure-session`): HttpOnly,
 *   SameSite=Lax, Secure when the request came over TLS. Every write authenticated by it carries the
 *   CSRF token (`@fastify/csrf-protection`) in `X-CSRF-Token`.
 */
import csrfProtection from '@fastify/csrf-protection';
import secureSession from '@fastify/secure-session';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { hkdfSync } from 'node:crypto';
import * as oidc from 'openid-client';
import { z } from 'zod';
import { Role, type Actor } from '../../contracts/index.js';
import { IdentityProviderUnavailableError, TokenRejectedError, type IdentityVerifier } from '../../infra/identity/index.js';
import { fail } from './problem.js';
import { ProblemSchema } from './schemas.js';

export type BrowserSignIn = {
  /** Secret the session cookie is encrypted with (≥ 32 characters); every api process must share it. */
  sessionSecret: string;
  /** How long a development session lasts, in seconds (the maximum token age). */
  maxAgeSeconds: number;
  /**
   * Browsers reach the service over https (PUBLIC_URL), usually through a proxy that ends TLS: the
   * cookie is then always Secure. Otherwise it is Secure when the request itself came over TLS.
   */
  secureCookie?: boolean;
  /** The organisation's identity provider, when the service has one. */
  oidc?: {
    issuer: string;
    clientId: string;
    clientSecret?: string;
    /** Where the provider sends the browser back: `<public URL>/auth/callback`. */
    redirectUri: string;
    scopes: string;
    /** Extra parameters of the authorization request, e.g. `resource=urn:crm-discovery` or `audience=…`. */
    authorizeParams: Record<string, string>;
  };
  /** The development sign-in (no identity provider, not production). */
  development: boolean;
};

/** `authenticatedAt` (ms): when the person signed in (absent in sessions from before it was kept). */
type SessionUser = Actor & { expiresAt: number; via: 'oidc' | 'development'; authenticatedAt?: number };
type PendingLogin = { verifier: string; state: string; nonce: string; returnTo: string; startedAt: number };

declare module '@fastify/secure-session' {
  interface SessionData {
    user: SessionUser;
    login: PendingLogin;
    _csrf: string;
  }
}

export const SESSION_COOKIE = 'crm_session';
const LOGIN_TIMEOUT_MS = 10 * 60_000;

/** The people the development sign-in offers with one click (docs: WEB.md's first minute). */
export const DEMO_PEOPLE = [
  { userId: 'pat', name: 'Pat Lee', roles: ['pm'], title: 'Project manager' },
  { userId: 'chen', name: 'Chen Wei', roles: ['consultant'], title: 'Consultant' },
  { userId: 'li.wei', name: 'Li Wei', roles: ['stakeholder'], title: 'Sales director, interviewee' },
  { userId: 'olga', name: 'Olga Petrova', roles: ['pmo'], title: 'PMO auditor' },
  { userId: 'ada', name: 'Ada Admin', roles: ['admin'], title: 'Administrator' },
] as const satisfies ReadonlyArray<{ userId: string; name: string; roles: Role[]; title: string }>;

/** Only paths of this application are places to return to after signing in (no open redirect). */
const safeReturnTo = (value: unknown): string =>
  typeof value === 'string' && /^\/(?![/\\])[^\s]*$/.test(value) && value.length <= 2_000 ? value : '/';

const sessionKey = (secret: string) => Buffer.from(hkdfSync('sha256', secret, 'crm-discovery', 'browser session cookie', 32));

const DevSignInBody = z.strictObject({
  userId: z.string().trim().min(1).max(200),
  name: z.string().trim().min(1).max(200),
  roles: z.array(Role).max(5),
});

const SessionAnswer = z.object({
  user: z.object({ id: z.string(), name: z.string(), roles: z.array(Role) }).nullable(),
  csrfToken: z.string().nullable().describe('Send it as X-CSRF-Token with every write the session cookie authenticates'),
  expiresAt: z.string().nullable(),
  signIn: z.object({ oidc: z.boolean(), development: z.boolean() }),
  demoPeople: z.array(z.object({ userId: z.string(), name: z.string(), roles: z.array(Role), title: z.string() })).optional(),
});

/** The user the session names, if it names one that has not expired. */
export const sessionUser = (request: FastifyRequest): Actor | undefined => {
  const user = request.session?.get('user');
  if (!user || user.expiresAt <= Date.now()) return undefined;
  return { id: user.id, name: user.name, roles: user.roles };
};

/** When the session's user signed in: a sign-off needs that to be recent (docs/domain.md#baselines). */
export const sessionAuthenticatedAt = (request: FastifyRequest): string | undefined => {
  const at = request.session?.get('user')?.authenticatedAt;
  return at === undefined ? undefined : new Date(at).toISOString();
};

export const browserSessionPlugin = fp(
  async (app: FastifyInstance, options: { signIn: BrowserSignIn; identity: IdentityVerifier }) => {
    const { signIn, identity } = options;
    await app.register(secureSession, {
      key: sessionKey(signIn.sessionSecret),
      cookieName: SESSION_COOKIE,
      cookie: { path: '/', httpOnly: true, sameSite: 'lax', secure: signIn.secureCookie ? true : 'auto' },
      expiry: signIn.maxAgeSeconds,
    });
    await app.register(csrfProtection, {
      sessionPlugin: '@fastify/secure-session',
      getToken: (request) => request.headers['x-csrf-token'] as string | undefined,
    });

    let provider: Promise<oidc.Configuration> | undefined;
    const providerConfiguration = () => {
      const settings = signIn.oidc!;
      provider ??= oidc
        .discovery(
          new URL(settings.issuer),
          settings.clientId,
          settings.clientSecret,
          settings.clientSecret ? undefined : oidc.None(),
          // Loopback issuers (tests, development) are http; the configuration refuses them anywhere else.
          settings.issuer.startsWith('http://') ? { execute: [oidc.allowInsecureRequests] } : undefined,
        )
        .catch((error: unknown) => {
          provider = undefined;
          throw new IdentityProviderUnavailableError('the identity provider could not be reached for sign-in', { cause: error });
        });
      return provider;
    };

    const answer = (request: FastifyRequest, reply: FastifyReply) => {
      const user = request.session.get('user');
      const active = sessionUser(request);
      return {
        user: active ?? null,
        csrfToken: active ? reply.generateCsrf() : null,
        expiresAt: active && user ? new Date(user.expiresAt).toISOString() : null,
        signIn: { oidc: signIn.oidc !== undefined, development: signIn.development },
        ...(signIn.development ? { demoPeople: DEMO_PEOPLE.map((p) => ({ ...p, roles: [...p.roles] })) } : {}),
      };
    };

    const typed = app.withTypeProvider<ZodTypeProvider>();
    const tags = ['sign-in'];

    typed.get('/auth/session', {
      schema: { tags, summary: 'Who the session cookie names, its CSRF token, and the ways to sign in', response: { 200: SessionAnswer } },
      handler: async (request, reply) => answer(request, reply),
    });

    typed.post('/auth/dev', {
      schema: {
        tags,
        summary: 'Development sign-in as anyone with any roles (no identity provider, not production)',
        body: DevSignInBody,
        response: { 200: SessionAnswer, 403: ProblemSchema },
      },
      handler: async (request, reply) => {
        if (!signIn.development) {
          return fail('forbidden', signIn.oidc ? 'sign in with the identity provider' : 'the development sign-in is off in production');
        }
        const { userId, name, roles } = request.body;
        request.session.set('user', { id: userId, name, roles, via: 'development', expiresAt: Date.now() + signIn.maxAgeSeconds * 1000, authenticatedAt: Date.now() });
        request.log.info({ userId, roles }, 'development sign-in');
        return answer(request, reply);
      },
    });

    typed.get('/auth/login', {
      schema: {
        tags,
        summary: "Start signing in with the organisation's identity provider",
        querystring: z.object({ returnTo: z.string().max(2_000).optional() }),
        response: { 404: ProblemSchema },
      },
      handler: async (request, reply) => {
        if (!signIn.oidc) return fail('not-found', 'this service has no identity provider to sign in with');
        const configuration = await providerConfiguration();
        const verifier = oidc.randomPKCECodeVerifier();
        const login: PendingLogin = {
          verifier,
          state: oidc.randomState(),
          nonce: oidc.randomNonce(),
          returnTo: safeReturnTo(request.query.returnTo),
          startedAt: Date.now(),
        };
        request.session.set('login', login);
        const url = oidc.buildAuthorizationUrl(configuration, {
          redirect_uri: signIn.oidc.redirectUri,
          scope: signIn.oidc.scopes,
          code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
          state: login.state,
          nonce: login.nonce,
          ...signIn.oidc.authorizeParams,
        });
        return reply.redirect(url.href, 303);
      },
    });

    app.get('/auth/callback', { schema: { hide: true } }, async (request, reply) => {
      if (!signIn.oidc) return fail('not-found', 'this service has no identity provider to sign in with');
      const login = request.session.get('login');
      request.session.set('login', undefined);
      if (!login || Date.now() - login.startedAt > LOGIN_TIMEOUT_MS) {
        return fail('unauthenticated', 'this sign-in was not started here or took too long; start again from the sign-in page');
      }
      const configuration = await providerConfiguration();
      const current = new URL(request.url, signIn.oidc.redirectUri);
      let tokens: oidc.TokenEndpointResponse;
      try {
        tokens = await oidc.authorizationCodeGrant(configuration, current, {
          pkceCodeVerifier: login.verifier,
          expectedState: login.state,
          expectedNonce: login.nonce,
        });
      } catch (error) {
        request.log.warn({ err: error }, 'sign-in with the identity provider failed');
        const reason = error instanceof oidc.AuthorizationResponseError ? `: ${error.error}` : '';
        return fail('unauthenticated', `the identity provider did not sign you in${reason}; try again from the sign-in page`);
      }
      let user: Actor;
      let authenticatedAt: number;
      try {
        const verified = await identity.identify(tokens.access_token);
        user = verified.actor;
        authenticatedAt = Date.parse(verified.authenticatedAt);
      } catch (error) {
        if (error instanceof TokenRejectedError) return fail('unauthenticated', `the identity provider's token is not accepted here: ${error.reason}`);
        throw error;
      }
      const lifetime = Math.min(tokens.expires_in ?? signIn.maxAgeSeconds, signIn.maxAgeSeconds);
      request.session.set('user', { ...user, via: 'oidc', expiresAt: Date.now() + lifetime * 1000, authenticatedAt });
      return reply.redirect(login.returnTo, 303);
    });

    app.post(
      '/auth/logout',
      {
        schema: {
          tags: ['sign-in'],
          summary: 'Sign out: the session cookie is cleared',
          response: { 200: z.object({ signedOut: z.literal(true), endSessionUrl: z.string().optional() }), 403: ProblemSchema },
        },
        onRequest: app.csrfProtection,
      },
      async (request) => {
        request.session.delete();
        if (!signIn.oidc) return { signedOut: true };
        const configuration = await providerConfiguration().catch(() => undefined);
        const endSession = configuration?.serverMetadata().end_session_endpoint;
        return endSession ? { signedOut: true, endSessionUrl: endSession } : { signedOut: true };
      },
    );
  },
  { name: 'browser-session', dependencies: ['auth'] },
);
