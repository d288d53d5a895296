/**
 * `npm run projections:rebuild` on the embedded default: it rebuilds a read model in
 * `read-models.sqlite3`, which the next start serves; while the service runs it refuses, since the
 * service's read models in memory would not see the swap.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import t from 'tap';
import { SECRET, users } from '../support/http.js';
import { startService, startServiceOnFreshData } from '../support/service-process.js';

const root = resolve(import.meta.dirname, '../..');

const rebuild = async (dataDir: string, name: string) => {
  const child = spawn(process.execPath, ['dist/services/roles/rebuild.js', name], {
    cwd: root,
    env: { PATH: process.env['PATH'], DATA_DIR: dataDir, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, output };
};

t.test('a read model rebuilt with the service stopped is what the next start serves; with the service running, the rebuild refuses', async (t) => {
  const service = await startServiceOnFreshData(t, { AUTH_JWT_SECRET: SECRET });
  const created = await fetch(`${service.base}/engagements`, {
    method: 'POST',
    headers: { ...users.pm, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Rebuilt rollout', client: 'Acme', sponsor: { name: 'Dana', title: 'CEO' } }),
  });
  t.equal(created.status, 201);
  const { id } = (await created.json()) as { id: string };

  const refused = await rebuild(service.dataDir, 'engagements');
  t.not(refused.code, 0, 'refused while the service runs');
  t.match(refused.output, /stop the service first/, 'saying what to do');

  await service.stop();
  const rebuilt = await rebuild(service.dataDir, 'engagements');
  t.equal(rebuilt.code, 0, `rebuilt with the service stopped (${rebuilt.output.slice(-300)})`);
  t.match(rebuilt.output, /rebuilt engagements/);

  const again = await startService({ DATA_DIR: service.dataDir, AUTH_JWT_SECRET: SECRET });
  t.teardown(() => again.stop());
  let answer: Response;
  do answer = await fetch(`${again.base}/engagements/${id}`, { headers: users.pm });
  while (answer.status === 503 && (await answer.arrayBuffer()));
  t.equal(answer.status, 200);
  t.match(await answer.json(), { name: 'Rebuilt rollout' }, 'the rebuilt read model is served after the restart');
});
