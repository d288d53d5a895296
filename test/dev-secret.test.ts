/**
 * A secret kept in DATA_DIR (the development token secret, the ids secret, the session secret) is
 * the same for every process that starts on that directory, even when they start at once: two
 * api processes that disagreed on the ids secret would give one Idempotency-Key two ids.
 */
import t from 'tap';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { keptSecret } from '../services/wiring/dev-secret.js';

const run = promisify(execFile);

t.test('processes starting together on one directory keep one secret', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kept-secret-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  // Each process loads first, then waits for the same instant, so that they reach the file together.
  const script =
    "import('./services/wiring/dev-secret.ts').then(({ keptSecret }) => { while (Date.now() < Number(process.argv[2])); " +
    "process.stdout.write(keptSecret(process.argv[1], 'ids-secret').secret); })";
  const startAt = String(Date.now() + 6_000);
  const secrets = await Promise.all(
    Array.from({ length: 8 }, () => run(process.execPath, ['--import', 'tsx', '-e', script, dataDir, startAt], { cwd: process.cwd() }).then(({ stdout }) => stdout)),
  );
  t.equal(new Set(secrets).size, 1, 'every process read the same secret');
  t.match(secrets[0], /^[A-Za-z0-9_-]{43}$/, 'a 256-bit secret');
  t.same(readdirSync(dataDir), ['ids-secret'], 'no draft is left behind');
  t.equal(keptSecret(dataDir, 'ids-secret').secret, secrets[0], 'and it is read again after');
});
