/**
 * The signing keys of the proof: from PROOF_SIGNING_KEY and PROOF_RETIRED_KEYS, or – without them –
 * a key generated once into DATA_DIR, the way `dev-secret.ts` keeps the development secret.
 *
 * Rotating: generate a new key (`npm run proof:new-key`), make it PROOF_SIGNING_KEY and add the
 * public part of the old one to PROOF_RETIRED_KEYS; what the old key signed still verifies with the
 * JWKS. In DATA_DIR, the file is a JWKS whose one private key is the active one; rotating there
 * means putting a new private key first and removing `d` from the old one.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JWK } from 'jose';
import type { Logger } from 'pino';
import { generateSigningKey, ProofSigner } from '../../infra/proof/signing.js';

export const SIGNING_KEYS_FILE = 'proof-signing-keys.json';

const jwkList = (value: unknown, variable: string): JWK[] => {
  const keys = Array.isArray(value) ? value : (value as { keys?: unknown })?.keys;
  if (!Array.isArray(keys) || keys.some((key) => typeof key !== 'object' || key === null)) {
    throw new Error(`${variable}: expected a JWKS {"keys":[…]} or a JSON array of JWKs`);
  }
  return keys as JWK[];
};

/** The keys kept in `dataDir`, generated on first use. */
const keptKeys = async (dataDir: string): Promise<{ active: JWK; retired: JWK[]; file: string; created: boolean }> => {
  const file = join(dataDir, SIGNING_KEYS_FILE);
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    mkdirSync(dataDir, { recursive: true });
    const active = await generateSigningKey(`embedded-${new Date().toISOString().slice(0, 10)}`);
    try {
      writeFileSync(file, `${JSON.stringify({ keys: [active] }, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
      return { active, retired: [], file, created: true };
    } catch {
      // Another process of the same DATA_DIR wrote it first: use theirs.
      text = readFileSync(file, 'utf8');
    }
  }
  const keys = jwkList(JSON.parse(text) as unknown, file);
  const privates = keys.filter((key) => typeof key.d === 'string');
  if (privates.length !== 1) throw new Error(`${file}: expected exactly one private key (the active one) among the keys, found ${privates.length}`);
  return { active: privates[0]!, retired: keys.filter((key) => key.d === undefined), file, created: false };
};

export const openSigner = async (config: { DATA_DIR: string; PROOF_SIGNING_KEY?: unknown; PROOF_RETIRED_KEYS?: unknown }) => {
  const retired = config.PROOF_RETIRED_KEYS === undefined ? [] : jwkList(config.PROOF_RETIRED_KEYS, 'PROOF_RETIRED_KEYS');
  if (config.PROOF_SIGNING_KEY !== undefined) {
    return { signer: await ProofSigner.fromJwks(config.PROOF_SIGNING_KEY as JWK, retired), source: 'PROOF_SIGNING_KEY' };
  }
  const kept = await keptKeys(config.DATA_DIR);
  return { signer: await ProofSigner.fromJwks(kept.active, [...kept.retired, ...retired]), source: kept.file, created: kept.created };
};

/**
 * The roles apart share anchors through MongoDB, but a generated key only through DATA_DIR: an api
 * process on another machine would find every anchor's signature invalid.
 */
export const warnUnlessKeyConfigured = (config: { MONGO_URL?: string | undefined }, source: string, logger: Pick<Logger, 'warn'>): void => {
  if (source === 'PROOF_SIGNING_KEY' || !config.MONGO_URL) return;
  logger.warn(
    { keys: source },
    'PROOF_SIGNING_KEY is not set: anchors are signed with a key kept in DATA_DIR, which processes on another DATA_DIR do not publish – give every process the same PROOF_SIGNING_KEY (npm run proof:new-key)',
  );
};
