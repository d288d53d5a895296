/**
 * Authentication: every request but the public ones carries `Authorization: Bearer <JWT>`, verified
 * by the identity port (the organisation's OpenID Provider, or HS256 on the embedded default), or the
 * web app's session cookie (browser-session.ts), whose writes carry a CSRF token. The verified
 * identity is the only source of the actor recorded on events.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Actor, Role } from '../../contracts/index.js';
import { MEMBER_ROLES_FOR, mayEver, ROLES_FOR, type Access } from '../../domain/index.js';
import { IdentityProviderUnavailableError, TokenRejectedError, type IdentityVerifier } from '../../infra/identity/index.js';
import { sessionAuthenticatedAt, sessionUser } from './browser-session.js';
import { fail } from './problem.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified caller; set by `authenticate` on every route that needs one. */
    user: Actor;
    /** When the caller last authenticated (token `auth_time`/`iat`, or the session's sign-in), with `user`. */
    authenticatedAt: string | undefined;
  }
  interface FastifyInstance {
    /** onRequest hook: a verified token sets `request.user`, anything else is 401 (503 when the provider cannot be asked). */
    authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | void>;
  }
}

const CHALLENGE = 'Bearer realm="crm-discovery"';

/** The bearer token of a request, or 401 saying how to send one. */
const bearerToken = (request: FastifyRequest): string => {
  const header = request.headers.authorization;
  const match = header === undefined ? null : /^Bearer +([A-Za-z0-9\-_.~+/]+=*) *$/i.exec(header);
  if (!match) {
    return fail('unauthenticated', header === undefined ? 'send Authorization: Bearer <token>' : 'the Authorization header must be "Bearer <token>"', {}, {
      'www-authenticate': CHALLENGE,
    });
  }
  return match[1]!;
};

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A write authenticated by the session cookie must carry the session's CSRF token; false when it was answered 403. */
const passesCsrf = (app: FastifyInstance, request: FastifyRequest, reply: FastifyReply): boolean => {
  let passed = false;
  app.csrfProtection(request, reply, () => {
    passed = true;
  });
  return passed;
};

const authenticator = (app: FastifyInstance, identity: IdentityVerifier) => async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | void> => {
  // The web app's session cookie stands in for a bearer token; a request that sends one is judged on it.
  const fromSession = request.headers.authorization === undefined && request.session ? sessionUser(request) : undefined;
  if (fromSession) {
    // Refused: the plugin has answered (403, see errors.ts); returning the reply ends the request.
    if (!SAFE_METHODS.has(request.method) && !passesCsrf(app, request, reply)) return reply;
    request.user = fromSession;
    request.authenticatedAt = sessionAuthenticatedAt(request);
    return;
  }
  const token = bearerToken(request);
  try {
    const verified = await identity.identify(token);
    request.user = verified.actor;
    request.authenticatedAt = verified.authenticatedAt;
  } catch (error) {
    if (error instanceof TokenRejectedError) {
      return fail('unauthenticated', error.reason, {}, { 'www-authenticate': `${CHALLENGE}, error="invalid_token"` });
    }
    if (error instanceof IdentityProviderUnavailableError) {
      request.log.warn({ err: error }, 'identity provider unavailable');
      return fail('unavailable', 'the identity provider cannot be reached to check this token; try again shortly', {}, { 'retry-after': '5' });
    }
    throw error;
  }
};

export const authPlugin = fp(
  async (app: FastifyInstance, options: { identity: IdentityVerifier }) => {
    app.decorateRequest('user', null as unknown as Actor);
    app.decorateRequest('authenticatedAt', undefined);
    app.decorate('authenticate', authenticator(app, options.identity));
  },
  { name: 'auth' },
);

/**
 * onRequest hook, after `authenticate`: the token's roles could grant `access` somewhere, or 403 –
 * before the body is validated or anything is looked up. Where is judged later, on the engagement.
 */
export const requireAccess = (access: Access) => async (request: FastifyRequest) => {
  const verdict = mayEver(access, request.user);
  if (!verdict.allowed) fail('forbidden', verdict.reason);
};

/** onRequest hook, after `authenticate`, for operations outside any engagement: one of `roles`, or 403. */
export const requireRole = (roles: readonly Role[]) => async (request: FastifyRequest) => {
  if (!request.user.roles.some((role) => roles.includes(role))) fail('forbidden', `this needs one of the roles ${roles.join(', ')}`);
};

const READS: readonly Access[] = ['see-overview', 'read-records', 'read-interview'];

/** Who may call an operation, in words for its OpenAPI description (derived from the access rules). */
export const accessNote = (access: Access): string => {
  const roles = `**Roles:** ${ROLES_FOR[access].join(', ')}.`;
  if (access === 'start-engagement') return `${roles} Whoever starts an engagement becomes its first pm member.`;
  if (access === 'audit-proof') return `${roles} In every engagement, and to no one else: team members, whatever their role, get 403.`;
  const members = `members of the engagement whose engagement role is ${MEMBER_ROLES_FOR[access].join(' or ')}`;
  const where =
    access === 'answer-summary'
      ? 'Only the interviewee of the interview (member or not), and never the person who drafted or sent the version.'
      : access === 'sign-baseline'
      ? `Only the signatories the baseline names, each for themself (${members}); a sign-off also needs a sign-in within the last 5 minutes.`
      : `Where: ${members}${READS.includes(access) ? '; pmo and admin in every engagement' : ' (if their token has the role); admin in every engagement'}` +
        `${access === 'read-interview' ? '; the interviewee, member or not' : ''}.`;
  return `${roles} ${where} Others get 404 for an engagement they may not see, 403 for one they may see.`;
};
