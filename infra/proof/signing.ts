/**
 * Signing what the service hands to witnesses (anchors, receipts, audit exports) with Ed25519, as
 * JWS (RFC 7515) through jose, never by hand. A signed document carries its signature in a
 * `signature` field: a JWS with a detached payload (RFC 7515, appendix F) over the RFC 8785
 * canonical JSON of the document without that field – so the document stays readable as it is,
 * and any JSON tool can recompute what was signed.
 *
 * Keys: one active private key, named by its `kid`; earlier keys stay published (public parts
 * only) in the JWKS, so that what they signed still verifies after a rotation.
 */
import { canonicalJson } from '../event-store/canonical-json.js';
import { createLocalJWKSet, exportJWK, FlattenedSign, flattenedVerify, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';

export const SIGNATURE_ALGORITHM = 'EdDSA';

/** A JSON Web Key Set of public keys, as served at `/.well-known/jwks.json`. */
export type Jwks = { keys: JWK[] };

/** A document and its detached JWS. */
export type Signed<T extends object> = T & { signature: string };

const encoder = new TextEncoder();

/** The bytes a document's signature covers: its canonical JSON without the `signature` field. */
export const signedBytes = (document: object): Uint8Array => {
  const { signature: _signature, ...rest } = document as { signature?: unknown };
  return encoder.encode(canonicalJson(rest));
};

const publicPart = ({ d: _d, ...key }: JWK): JWK => key;

export class ProofSigner {
  readonly kid: string;
  readonly #key: CryptoKey | Uint8Array;
  readonly #published: Jwks;

  private constructor(kid: string, key: CryptoKey | Uint8Array, published: Jwks) {
    this.kid = kid;
    this.#key = key;
    this.#published = published;
  }

  /**
   * The signer of the active private JWK (Ed25519, with a `kid`) that also publishes `retired`
   * public keys. Fails naming what is wrong with the key.
   */
  static async fromJwks(active: JWK, retired: readonly JWK[] = []): Promise<ProofSigner> {
    if (active.kty !== 'OKP' || active.crv !== 'Ed25519' || typeof active.d !== 'string') {
      throw new Error('the signing key must be a private Ed25519 JWK ({"kty":"OKP","crv":"Ed25519","d":…,"x":…,"kid":…})');
    }
    if (typeof active.kid !== 'string' || active.kid.length === 0) throw new Error('the signing key needs a "kid" that names it in the JWKS');
    const kids = [active.kid, ...retired.map((key) => key.kid)];
    if (retired.some((key) => typeof key.kid !== 'string') || new Set(kids).size !== kids.length) {
      throw new Error('every published key needs a "kid" of its own');
    }
    const key = await importJWK({ ...active, alg: SIGNATURE_ALGORITHM }, SIGNATURE_ALGORITHM);
    return new ProofSigner(active.kid, key, { keys: [publicPart(active), ...retired.map(publicPart)].map((k) => ({ ...k, alg: SIGNATURE_ALGORITHM, use: 'sig' })) });
  }

  /** The public keys that verify what this service signed, the active one first. */
  get jwks(): Jwks {
    return this.#published;
  }

  /** `document` with its `signature`. */
  async sign<T extends object>(document: T): Promise<Signed<T>> {
    const { protected: header, signature } = await new FlattenedSign(signedBytes(document))
      .setProtectedHeader({ alg: SIGNATURE_ALGORITHM, kid: this.kid })
      .sign(this.#key);
    return { ...document, signature: `${header}..${signature}` };
  }
}

/** A new Ed25519 private JWK named `kid`. */
export const generateSigningKey = async (kid: string): Promise<JWK> => {
  const { privateKey } = await generateKeyPair(SIGNATURE_ALGORITHM, { crv: 'Ed25519', extractable: true });
  return { ...(await exportJWK(privateKey)), kid };
};

export type SignatureCheck = { valid: true; kid: string } | { valid: false; reason: string };

/** Checks a signed document's signature against the public keys in `jwks`. */
export const checkSignature = async (document: object, jwks: Jwks): Promise<SignatureCheck> => {
  const signature = (document as { signature?: unknown }).signature;
  if (typeof signature !== 'string') return { valid: false, reason: 'the document carries no signature' };
  const [header, payload, value, ...rest] = signature.split('.');
  if (header === undefined || payload !== '' || value === undefined || rest.length > 0) {
    return { valid: false, reason: 'the signature is not a JWS with a detached payload (header..signature)' };
  }
  try {
    const { protectedHeader } = await flattenedVerify(
      { protected: header, payload: Buffer.from(signedBytes(document)).toString('base64url'), signature: value },
      createLocalJWKSet(jwks),
      { algorithms: [SIGNATURE_ALGORITHM] },
    );
    return { valid: true, kid: String(protectedHeader?.kid) };
  } catch (error) {
    return { valid: false, reason: `the signature does not verify: ${error instanceof Error ? error.message : String(error)}` };
  }
};
