/**
 * The identity port: a bearer token in, the verified person out. Adapters translate their
 * library's errors into these two classes, so nothing above `infra/` knows a JWT library.
 */
import type { Actor } from '../../contracts/index.js';

/** The verified person, and when they last authenticated (docs/domain.md#baselines: a sign-off needs a fresh sign-in). */
export type VerifiedIdentity = { actor: Actor; authenticatedAt: string };

export type IdentityVerifier = {
  /** The person the token names; `TokenRejectedError` or `IdentityProviderUnavailableError` otherwise. */
  verify(token: string): Promise<Actor>;
  /** As `verify`, with the time of authentication: the token's `auth_time` (OpenID Connect), else its `iat`. */
  identify(token: string): Promise<VerifiedIdentity>;
};

/** Why a token was refused, in words a client developer can act on (never a secret). */
export class TokenRejectedError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'TokenRejectedError';
  }
}

/** The identity provider could not be asked (discovery document or keys): the token may be fine. */
export class IdentityProviderUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IdentityProviderUnavailableError';
  }
}
