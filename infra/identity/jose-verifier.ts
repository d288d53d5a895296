/**
 * Bearer tokens verified with `jose`: RS/ES/PS/EdDSA tokens from the organisation's OpenID
 * Provider (keys from its discovery document and JWKS), and HS256 tokens signed with a shared
 * secret for the embedded default. Both under the same rules: `exp` required, `nbf` honoured, no
 * token older than the maximum age (from `iat`); issuer and audience checked for the provider.
 *
 * A client sends the same bearer token with every request, and checking its signature again each
 * time was a seventh of a command's CPU. So a token that verified is remembered by its exact text –
 * signature included, so that only the very same bytes match – until it expires or grows too old
 * (with the tolerated clock skew, as jose judges them), and never longer than
 * `verifiedTokenTtlMs`: a key the provider withdraws stops letting its tokens in within that time.
 * Rejections are never remembered.
 */
import { LRUCache } from 'lru-cache';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors,
  jwtVerify,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
} from 'jose';
import { actorFromClaims, type ClaimNames } from './claims.js';
import { IdentityProviderUnavailableError, TokenRejectedError, type IdentityVerifier, type VerifiedIdentity } from './port.js';

export type OidcOptions = {
  /** The issuer URL exactly as it appears in `iss`. */
  issuer: string;
  /** The audience (`aud`) tokens must be meant for. */
  audience: string;
};

export type VerifierOptions = {
  oidc?: OidcOptions;
  /** HS256 shared secret, for the embedded default and tests. */
  secret?: string;
  claims: ClaimNames;
  maxTokenAgeSeconds: number;
  /**
   * How long after a fetch of the provider's keys an unknown `kid` does not trigger another one.
   * Short enough that a rotated key is picked up within seconds, long enough that tokens with made-up
   * key ids cannot make the service hammer the provider.
   */
  jwksCooldownMs?: number;
  /** How long a fetched key set is used before it is fetched again (cached keys outlive a failed refresh). */
  jwksMaxAgeMs?: number;
  /** Time allowed for each request to the provider. */
  timeoutMs?: number;
  /** Clock skew tolerated on `exp`, `nbf` and `iat`. */
  clockToleranceSeconds?: number;
  /** How long at most a verified token is trusted without checking its signature again; 0 checks every time. */
  verifiedTokenTtlMs?: number;
};

const ASYMMETRIC = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

export const createTokenVerifier = (options: VerifierOptions): IdentityVerifier => {
  if (!options.oidc && !options.secret) throw new Error('a token verifier needs an OpenID issuer, a shared secret, or both');
  const common: JWTVerifyOptions = {
    requiredClaims: ['exp', 'iat'],
    maxTokenAge: options.maxTokenAgeSeconds,
    clockTolerance: options.clockToleranceSeconds ?? 30,
  };
  // Imported once: handed over as bytes, jose imports the key again for every token it verifies.
  const secretKey =
    options.secret === undefined
      ? undefined
      : crypto.subtle.importKey('raw', new TextEncoder().encode(options.secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  const provider = options.oidc ? providerKeys(options.oidc, options) : undefined;

  const verifyClaims = async (token: string): Promise<Record<string, unknown>> => {
    let alg: unknown;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw new TokenRejectedError('the token is not a JWT (header.payload.signature, base64url)');
    }
    if (alg === 'HS256') {
      if (!secretKey) throw new TokenRejectedError('HS256 tokens are not accepted here: use a token from the identity provider');
      return (await jwtVerify(token, await secretKey, { ...common, algorithms: ['HS256'] })).payload;
    }
    if (!provider) {
      throw new TokenRejectedError(`tokens signed with ${String(alg)} are not accepted here: no identity provider is configured (HS256 only)`);
    }
    const { payload } = await jwtVerify(token, provider.getKey, {
      ...common,
      algorithms: ASYMMETRIC,
      issuer: provider.issuer,
      audience: provider.audience,
    });
    return payload;
  };

  const toleranceSeconds = options.clockToleranceSeconds ?? 30;
  const trustMs = options.verifiedTokenTtlMs ?? 60_000;
  const verified = new LRUCache<string, VerifiedIdentity>({ max: 10_000 });

  const identify = async (token: string): Promise<VerifiedIdentity> => {
    const known = trustMs > 0 ? verified.get(token) : undefined;
    if (known) return copyOf(known);
    let identity: VerifiedIdentity;
    let validUntilMs: number;
    try {
      const claims = await verifyClaims(token);
      const authTime = typeof claims['auth_time'] === 'number' ? claims['auth_time'] : (claims['iat'] as number);
      identity = { actor: actorFromClaims(claims, options.claims), authenticatedAt: new Date(authTime * 1000).toISOString() };
      // `exp` and `iat` are required and checked by jose, so both are numbers here.
      validUntilMs = 1_000 * (Math.min(claims['exp'] as number, (claims['iat'] as number) + options.maxTokenAgeSeconds) + toleranceSeconds);
    } catch (error) {
      throw translate(error, options);
    }
    const ttl = Math.min(trustMs, Math.floor(validUntilMs - Date.now()));
    if (ttl > 0) verified.set(token, copyOf(identity), { ttl });
    return identity;
  };
  return { identify, verify: async (token) => (await identify(token)).actor };
};

/** Each request gets its own copy: a caller that changes its actor cannot change the next request's. */
const copyOf = (identity: VerifiedIdentity): VerifiedIdentity => ({
  ...identity,
  actor: { ...identity.actor, roles: [...identity.actor.roles] },
});

/**
 * The provider's signing keys: its discovery document is fetched on first use (so the service
 * starts while the provider is down) and its JWKS cached by jose, fetched again on an unknown
 * `kid`. When a refresh fails, keys already fetched keep working; only a token whose key has never
 * been seen needs the provider, and then its absence is an outage, not a bad token.
 */
const providerKeys = (oidc: OidcOptions, options: VerifierOptions) => {
  const timeoutMs = options.timeoutMs ?? 5_000;
  let keySet: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;

  const discover = async () => {
    const url = `${oidc.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    let document: { issuer?: unknown; jwks_uri?: unknown };
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
      if (!response.ok) throw new Error(`${url} answered ${response.status}`);
      document = (await response.json()) as typeof document;
    } catch (error) {
      throw new IdentityProviderUnavailableError(`the identity provider's discovery document could not be fetched from ${url}`, { cause: error });
    }
    // OpenID Connect Discovery 1.0, 4.3: the document must name the issuer it was fetched for.
    if (document.issuer !== oidc.issuer) {
      throw new IdentityProviderUnavailableError(`the discovery document at ${url} names the issuer ${String(document.issuer)}, not ${oidc.issuer}`);
    }
    if (typeof document.jwks_uri !== 'string') throw new IdentityProviderUnavailableError(`the discovery document at ${url} has no jwks_uri`);
    return createRemoteJWKSet(new URL(document.jwks_uri), {
      cooldownDuration: options.jwksCooldownMs ?? 5_000,
      cacheMaxAge: options.jwksMaxAgeMs ?? 10 * 60_000,
      timeoutDuration: timeoutMs,
    });
  };

  const getKey: JWTVerifyGetKey = async (header, token) => {
    keySet ??= discover().catch((error: unknown) => {
      keySet = undefined; // the next token asks again
      throw error;
    });
    const remote = await keySet;
    try {
      return await remote(header, token);
    } catch (error) {
      if (isKeySelectionError(error)) throw error;
      // Fetching the keys failed: a key fetched earlier still verifies its tokens.
      const known = remote.jwks();
      if (known) {
        try {
          return await createLocalJWKSet(known)(header, token);
        } catch (lookup) {
          if (!(lookup instanceof errors.JWKSNoMatchingKey)) throw lookup;
        }
      }
      throw new IdentityProviderUnavailableError(`the identity provider's keys could not be fetched, and key ${String(header.kid)} is not cached`, {
        cause: error,
      });
    }
  };

  return { getKey, issuer: oidc.issuer, audience: oidc.audience };
};

const isKeySelectionError = (error: unknown) =>
  error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys || error instanceof errors.JOSEAlgNotAllowed;

const translate = (error: unknown, options: VerifierOptions): Error => {
  if (error instanceof TokenRejectedError || error instanceof IdentityProviderUnavailableError) return error;
  const tooOld = () =>
    new TokenRejectedError(`the token is too old: it was issued more than ${options.maxTokenAgeSeconds} s ago (AUTH_MAX_TOKEN_AGE); get a new one`);
  // jose reports a token past the maximum age as expired, naming the "iat" claim.
  if (error instanceof errors.JWTExpired) return error.claim === 'iat' ? tooOld() : new TokenRejectedError('the token has expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    const { claim, reason } = error;
    if (reason === 'missing') return new TokenRejectedError(`the token has no "${claim}" claim; tokens must carry exp and iat`);
    switch (claim) {
      case 'aud':
        return new TokenRejectedError(`the token is not meant for this service: its audience (aud) is not ${options.oidc?.audience ?? 'accepted'}`);
      case 'iss':
        return new TokenRejectedError(`the token was issued by another issuer than ${options.oidc?.issuer ?? 'the one configured'}`);
      case 'nbf':
        return new TokenRejectedError('the token is not valid yet (nbf)');
      case 'iat':
        return tooOld();
      default:
        return new TokenRejectedError(`the token's "${claim}" claim is invalid`);
    }
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return new TokenRejectedError('the token signature does not verify');
  if (error instanceof errors.JWKSNoMatchingKey) return new TokenRejectedError('the token was signed with a key the identity provider does not publish (unknown kid)');
  if (error instanceof errors.JWKSMultipleMatchingKeys) return new TokenRejectedError('the token does not say which of the provider’s keys signed it (kid)');
  if (error instanceof errors.JOSEAlgNotAllowed) return new TokenRejectedError('the token is signed with an algorithm that is not accepted');
  if (error instanceof errors.JOSEError) return new TokenRejectedError('the token is malformed');
  return error instanceof Error ? error : new Error(String(error));
};
