/**
 * The built service (`dist/services/main.js`, as `npm start` runs it) in a child process on a free
 * port, for suites that drive it over HTTP. `npm test` builds before it tests.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

export type ServiceProcess = { base: string; log: () => string; stop: () => Promise<void> };

export const startService = async (env: Record<string, string | undefined>): Promise<ServiceProcess> => {
  const child = spawn(process.execPath, ['dist/services/main.js'], {
    cwd: root,
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'], PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const base = await new Promise<string>((resolveBase, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /serving on (http:\/\/[^\s]+)/.exec(out);
      if (match) resolveBase(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the service exited with ${code}: ${output}`)));
  });
  return {
    base,
    log: () => output,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
};

/** The service on a fresh temporary DATA_DIR; both are gone when the test ends. */
export const startServiceOnFreshData = async (t: { teardown: (fn: () => Promise<void>) => void }, env: Record<string, string>) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'crm-service-'));
  const service = await startService({ DATA_DIR: dataDir, ...env });
  t.teardown(async () => {
    await service.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return { ...service, dataDir };
};
