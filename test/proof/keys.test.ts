import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { generateSigningKey } from '../../infra/proof/signing.js';
import { loadConfig } from '../../services/wiring/config.js';
import { openSigner, SIGNING_KEYS_FILE } from '../../services/proof/keys.js';

t.test('without PROOF_SIGNING_KEY a key is generated once into DATA_DIR and used from then on', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'keys-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const first = await openSigner({ DATA_DIR: dir });
  t.equal(first.created, true);
  const file = join(dir, SIGNING_KEYS_FILE);
  t.equal(statSync(file).mode & 0o777, 0o600, 'readable by the owner only');
  const again = await openSigner({ DATA_DIR: dir });
  t.equal(again.created, false);
  t.strictSame(again.signer.jwks, first.signer.jwks, 'the same key after a restart');
  t.match(first.signer.jwks.keys[0], { kty: 'OKP', crv: 'Ed25519', kid: /^embedded-\d{4}-\d{2}-\d{2}$/ });
  t.notOk('d' in first.signer.jwks.keys[0]!, 'the JWKS holds the public part only');
  t.ok(JSON.parse(readFileSync(file, 'utf8')).keys[0].d, 'the file holds the private key');
});

t.test('PROOF_SIGNING_KEY and PROOF_RETIRED_KEYS: the active key signs, the retired ones stay published', async (t) => {
  const active = await generateSigningKey('proof-2026-04');
  const { d: _d, ...retired } = await generateSigningKey('proof-2026-03');
  const config = loadConfig({ DATA_DIR: '/nonexistent', PROOF_SIGNING_KEY: JSON.stringify(active), PROOF_RETIRED_KEYS: JSON.stringify({ keys: [retired] }) });
  const { signer, source } = await openSigner(config);
  t.equal(source, 'PROOF_SIGNING_KEY');
  t.equal(signer.kid, 'proof-2026-04');
  t.strictSame(signer.jwks.keys.map((key) => key.kid), ['proof-2026-04', 'proof-2026-03']);

  t.throws(
    () => loadConfig({ PROOF_SIGNING_KEY: '{not json' }),
    { name: 'ConfigError', message: /PROOF_SIGNING_KEY: expected JSON: a private Ed25519 JWK with a kid/ },
    'not JSON: the variable is named',
  );
  const { kid: _kid, ...nameless } = active;
  await t.rejects(openSigner({ DATA_DIR: '/nonexistent', PROOF_SIGNING_KEY: nameless }), /needs a "kid"/);
  await t.rejects(openSigner({ DATA_DIR: '/nonexistent', PROOF_SIGNING_KEY: retired }), /must be a private Ed25519 JWK/);
  await t.rejects(openSigner({ DATA_DIR: '/nonexistent', PROOF_SIGNING_KEY: active, PROOF_RETIRED_KEYS: [{ ...retired, kid: 'proof-2026-04' }] }), /a "kid" of its own/);
});
