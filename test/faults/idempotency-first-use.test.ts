/**
 * Api processes sharing one DATA_DIR agree on when a key was first used, also when the same key
 * reaches them at the same moment: the ids of a command are derived from it, and two first uses
 * would give one command two sets of ids – and two appends.
 */
import t from 'tap';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

t.test('processes that see one key together record one first use', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'first-use-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  // Each process opens the store, then waits for the same instant and records the key with its own clock.
  const script =
    "import('./infra/idempotency/store.ts').then(({ SqliteIdempotencyStore }) => { const store = new SqliteIdempotencyStore(process.argv[1]); " +
    'while (Date.now() < Number(process.argv[2])); ' +
    "store.firstUse('u-pat', 'k-1', Date.now() + Number(process.argv[3])).then((at) => { process.stdout.write(String(at)); store.close(); }); })";
  const startAt = String(Date.now() + 6_000);
  const firstUses = await Promise.all(
    Array.from({ length: 6 }, (_, index) =>
      run(process.execPath, ['--import', 'tsx', '-e', script, dataDir, startAt, String(index)], { cwd: process.cwd() }).then(({ stdout }) => stdout),
    ),
  );
  t.equal(new Set(firstUses).size, 1, `every process answers the same first use: ${firstUses.join(', ')}`);
});
