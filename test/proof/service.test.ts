/**
 * The embedded default as `npm start` runs it: the signing key generated into DATA_DIR and kept
 * across a restart, anchors made by the process and kept beside the log, and the verification that
 * compares the log with them – and catches the log rolled back behind them.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSigner } from 'fast-jwt';
import t from 'tap';
import { startService, type ServiceProcess } from '../support/service-process.js';

const SECRET = 'proof-service-secret-proof-service-secret';
const sign = createSigner({ key: SECRET, algorithm: 'HS256', expiresIn: 3_600_000 });
const pm = { authorization: `Bearer ${sign({ sub: 'u-pat', name: 'Pat Lee', roles: ['pm'] })}`, 'content-type': 'application/json' };
const pmo = { authorization: `Bearer ${sign({ sub: 'u-audit', name: 'Auditor', roles: ['pmo'] })}` };

type Verification = { verified: boolean; head: string; anchor: { head: string; signature: string } | null; firstBreak?: object };
const asVerification = (response: Response) => response.json() as Promise<Verification>;

const until = async <T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
};

t.test('the embedded service signs with a key it keeps, anchors what changed and verifies against it', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'proof-service-'));
  let service: ServiceProcess | undefined;
  t.teardown(async () => {
    await service?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const env = { DATA_DIR: dataDir, AUTH_JWT_SECRET: SECRET, PROOF_ANCHOR_INTERVAL: '1s' };
  service = await startService(env);
  const jwks = await (await fetch(`${service.base}/.well-known/jwks.json`)).json();
  t.match(jwks, { keys: [{ kid: /^embedded-/ }] });

  const post = async (path: string, body: object) => {
    const response = await fetch(`${service!.base}${path}`, { method: 'POST', headers: pm, body: JSON.stringify(body) });
    t.ok(response.status < 300, `${path} → ${response.status}`);
    return (await response.json()) as { id: string; position: string };
  };
  const started = await post('/engagements', { name: 'CRM for Acme', client: 'Acme', sponsor: { name: 'Zhang San', title: 'CEO' } });
  const verification = () =>
    fetch(`${service!.base}/engagements/${started.id}/verification`, { headers: { ...pmo, 'x-min-position': started.position } }).then(asVerification);
  const anchored = await until('an anchor', verification, (v) => v.anchor !== null);
  t.match(anchored, { verified: true, anchor: { signature: 'valid' } }, 'anchored by the process within its interval');

  // A copy of the log as it is now, then a decision, anchored too.
  await service.stop();
  copyFileSync(join(dataDir, 'events.sqlite3'), join(dataDir, 'older.sqlite3'));
  service = await startService(env);
  t.strictSame(await (await fetch(`${service.base}/.well-known/jwks.json`)).json(), jwks, 'the same key after a restart');
  const goal = await post(`/engagements/${started.id}/goals`, { text: 'Quotes answered within a day' });
  await until('the next anchor', () => fetch(`${service!.base}/engagements/${started.id}/verification`, { headers: { ...pmo, 'x-min-position': goal.position } }).then(asVerification), (v) => v.anchor?.head !== anchored.head);
  await service.stop();

  // The older copy put back, with its head record agreeing, as a careful restore would.
  copyFileSync(join(dataDir, 'older.sqlite3'), join(dataDir, 'events.sqlite3'));
  rmSync(join(dataDir, 'events-head.sqlite3'), { force: true });
  service = await startService(env);
  const rolledBack = await verification();
  t.match(rolledBack, { verified: false, firstBreak: { streamId: `engagement-${started.id}`, reason: 'behind-anchor' } }, 'the goal the anchor saw is missing');
});
