/**
 * Bearer JWT (HS256, `AUTH_JWT_SECRET`). The verified token is the only source of the actor that is
 * recorded on events: `sub` is the user id, `name` the display name, `roles` the roles.
 */
import fastifyJwt from '@fastify/jwt';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { z } from 'zod';
import { Role, type Actor } from '../../contracts/index.js';
import { fail } from './problem.js';

const Claims = z.object({
  sub: z.string().min(1).max(200),
  name: z.string().max(200).optional(),
  roles: z.array(z.string()).default([]),
});

declare module '@fastify/jwt' {
  interface FastifyJWT {
    user: Actor;
  }
}

export const authPlugin = fp(
  async (app: FastifyInstance, options: { secret: string }) => {
    await app.register(fastifyJwt, {
      secret: options.secret,
      verify: { algorithms: ['HS256'] },
      sign: { algorithm: 'HS256' },
      formatUser: (payload) => {
        const claims = Claims.safeParse(payload);
        if (!claims.success) return fail('unauthenticated', 'the token lacks a valid sub, name or roles claim');
        const roles = claims.data.roles.filter((r): r is Role => Role.safeParse(r).success);
        return { id: claims.data.sub, name: claims.data.name ?? claims.data.sub, roles };
      },
    });
  },
  { name: 'auth' },
);

/** onRequest hook: a verified token or 401. */
export const authenticate = async (request: FastifyRequest) => {
  try {
    await request.jwtVerify();
  } catch (error) {
    if ((error as { name?: string }).name === 'ProblemError') throw error;
    const code = (error as { code?: string }).code;
    const detail =
      code === 'FST_JWT_NO_AUTHORIZATION_IN_HEADER'
        ? 'send Authorization: Bearer <token>'
        : code === 'FST_JWT_AUTHORIZATION_TOKEN_EXPIRED'
          ? 'the token has expired'
          : 'the token is invalid';
    fail('unauthenticated', detail, {}, { 'www-authenticate': 'Bearer realm="crm-discovery"' });
  }
};

/** onRequest hook, after `authenticate`: the user holds one of `roles`, or 403. */
export const requireRole =
  (roles: readonly Role[]) =>
  async (request: FastifyRequest): Promise<void> => {
    if (!request.user.roles.some((role) => roles.includes(role))) {
      fail('forbidden', `this needs one of the roles ${roles.join(', ')}`);
    }
  };
