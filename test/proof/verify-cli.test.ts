/**
 * `npm run verify`: a signed export and a signed receipt, written to files while the service ran,
 * checked after it is gone with nothing but the JWKS file.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { discovery, testApp, users } from '../support/http.js';

const cli = (args: string[]) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'services/cli/verify.ts', ...args], { env: { PATH: process.env.PATH ?? '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });

t.test('npm run verify checks exports and receipts offline and names what fails', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'verify-cli-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const { app } = await testApp();
  const d = discovery(app);
  const { engagementId, interviewId } = await d.awaitingConfirmation();
  const confirmed = await d.confirm(interviewId, 1);
  const get = async (url: string, headers: Record<string, string>) =>
    (await app.inject({ method: 'GET', url, headers: { ...headers, 'x-min-position': confirmed.position } })).body;
  const files = {
    jwks: join(dir, 'jwks.json'),
    export: join(dir, 'audit.signed.json'),
    receipt: join(dir, 'receipt.json'),
    tampered: join(dir, 'tampered.json'),
  };
  writeFileSync(files.jwks, await get('/.well-known/jwks.json', {}));
  const exported = await get(`/engagements/${engagementId}/audit/export`, users.pmo);
  writeFileSync(files.export, exported);
  writeFileSync(files.receipt, await get(`/interviews/${interviewId}/summary/receipt`, users.interviewee));
  writeFileSync(files.tampered, exported.replace('Sales approves quotes by phone.', 'Sales approves quotes by email.'));
  await app.close();

  const good = await cli([files.export, '--jwks', files.jwks]);
  t.equal(good.status, 0, good.stderr);
  t.match(good.stdout, /ok\s+signature of the export: signed with key ephemeral/);
  t.match(good.stdout, /ok\s+chain: every event recomputed from the genesis: \d+ events verify/);
  t.match(good.stdout, /audit\.signed\.json: verified \(engagement-audit-export\)/);
  t.match(good.stderr, /recomputing the chain: \d+ of \d+ events/, 'progress goes to stderr');

  const receipt = await cli([files.receipt, '--jwks', files.jwks]);
  t.equal(receipt.status, 0, receipt.stderr);
  t.match(receipt.stdout, /ok\s+summary hash/);

  const tampered = await cli([files.tampered, '--jwks', files.jwks]);
  t.equal(tampered.status, 1);
  t.match(tampered.stdout, /FAIL\s+signature of the export/);
  t.match(tampered.stdout, /FAIL\s+chain: every event recomputed from the genesis: first broken event: interview-.* revision \d+ \(event [\w-]+\): digest-mismatch/);
  t.match(tampered.stderr, /NOT verified – \d+ check\(s\) failed/);

  const noKeys = await cli([files.export]);
  t.equal(noKeys.status, 2);
  t.match(noKeys.stderr, /--jwks is needed/);
  const missing = await cli([join(dir, 'nope.json'), '--jwks', files.jwks]);
  t.equal(missing.status, 2);
  t.match(missing.stderr, /cannot read .*nope\.json/);
});
