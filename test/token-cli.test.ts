import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../services/wiring/config.js';
import { identityVerifier } from '../services/wiring/process.js';

const cli = (env: Record<string, string>, args = ['--sub', 'u-pat', '--name', 'Pat Lee', '--roles', 'pm']) => {
  const { PATH, HOME } = process.env;
  return spawnSync(process.execPath, ['--import', 'tsx', 'services/cli/token.ts', ...args], {
    env: { PATH: PATH ?? '', HOME: HOME ?? '', ...env },
    encoding: 'utf8',
  });
};
const silent = pino({ level: 'silent' });

t.test('npm run token signs with the secret npm start verifies with, or says why it cannot', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'token-cli-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));

  const before = cli({ DATA_DIR: dataDir });
  t.equal(before.status, 1, 'no secret yet: it stops instead of making a second one');
  t.equal(before.stdout, '');
  t.match(before.stderr, /AUTH_JWT_SECRET/);
  t.match(before.stderr, new RegExp(`DATA_DIR \\(${dataDir}\\)`));

  // What `npm start` does with this DATA_DIR: it creates the development secret and verifies with it.
  const { identity } = identityVerifier(loadConfig({ DATA_DIR: dataDir }), silent);
  const minted = cli({ DATA_DIR: dataDir });
  t.equal(minted.status, 0, minted.stderr);
  t.same(await identity.verify(minted.stdout.trim()), { id: 'u-pat', name: 'Pat Lee', roles: ['pm'] }, 'the server accepts it');

  const secret = 'a-shared-secret-a-shared-secret-a-shared-secret';
  const shared = cli({ DATA_DIR: dataDir, AUTH_JWT_SECRET: secret });
  const { identity: withSecret } = identityVerifier(loadConfig({ DATA_DIR: dataDir, AUTH_JWT_SECRET: secret }), silent);
  t.match(await withSecret.verify(shared.stdout.trim()), { id: 'u-pat' }, 'AUTH_JWT_SECRET wins when set');
  await t.rejects(identity.verify(shared.stdout.trim()), /signature/, 'and a server on the other secret refuses it');

  const oidc = cli({ DATA_DIR: dataDir, AUTH_OIDC_ISSUER: 'https://login.example.com/realms/crm', AUTH_OIDC_AUDIENCE: 'urn:crm-discovery' });
  t.equal(oidc.status, 1);
  t.match(oidc.stderr, /identity provider/);

  const tooLong = cli({ DATA_DIR: dataDir }, ['--sub', 'u', '--roles', 'pm', '--expires', '2d']);
  t.equal(tooLong.status, 2);
  t.match(tooLong.stderr, /AUTH_MAX_TOKEN_AGE/);
  const badRole = cli({ DATA_DIR: dataDir }, ['--sub', 'u', '--roles', 'boss']);
  t.equal(badRole.status, 2);
  t.match(badRole.stderr, /unknown role\(s\): boss/);
});
