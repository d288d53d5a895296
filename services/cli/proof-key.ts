/**
 * Makes a new signing key for PROOF_SIGNING_KEY:
 *   npm run proof:new-key -- --kid proof-2026-03
 * Prints the private Ed25519 JWK on stdout (keep it secret: it is the value of PROOF_SIGNING_KEY)
 * and, on stderr, its public part: after the next rotation it goes into PROOF_RETIRED_KEYS, so
 * that what this key signed keeps verifying.
 */
import { parseArgs } from 'node:util';
import { generateSigningKey } from '../../infra/proof/signing.js';

const usage = 'usage: npm run proof:new-key -- --kid <key id, e.g. proof-2026-03>';

const { values } = parseArgs({ options: { kid: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
if (values.help || !values.kid || !/^[\w.:-]{1,100}$/.test(values.kid)) {
  process.stderr.write(`${usage}\n(a kid is 1–100 letters, digits, '.', ':', '_' or '-')\n`);
  process.exit(values.help ? 0 : 2);
}
const key = await generateSigningKey(values.kid!);
const { d: _d, ...publicPart } = key;
process.stdout.write(`${JSON.stringify(key)}\n`);
process.stderr.write(
  `The line above is the private key: set it as PROOF_SIGNING_KEY and keep it secret.\n` +
    `When you rotate to a newer key, add this public part to PROOF_RETIRED_KEYS:\n${JSON.stringify(publicPart)}\n`,
);
