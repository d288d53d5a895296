/**
 * The built service (`dist/services/roles/main.js`, as `npm start` runs it) in a child process on a free
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
  const child = spawn(process.execPath, ['dist/services/roles/main.js'], {
    cwd: root,
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'], PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Both streams, as they came: the log's lines go to stdout, a crash's to stderr.
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const base = await new Promise<string>((resolveBase, reject) => {
    const serving = () => {
      const match = /serving on (http:\/\/[^\s]+)/.exec(output);
      if (match === null) return;
      child.stdout!.off('data', serving);
      resolveBase(match[1]!);
    };
    child.stdout!.on('data', serving);
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

export type RoleProcess = ServiceProcess & { pid: number; signal: (signal: NodeJS.Signals) => void; exited: () => boolean };

/** A free TCP port on localhost, for a role whose address must be known before it starts. */
export const freePort = async (): Promise<number> => {
  const { createServer } = await import('node:net');
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
};

/**
 * One role of the built service (`dist/services/<role>.js`: api, projector, publisher) on a port
 * of its own; resolves once its /health/live answers.
 */
export const startRole = async (role: 'api' | 'projector' | 'publisher', env: Record<string, string | undefined>): Promise<RoleProcess> => {
  const port = await freePort();
  const child = spawn(process.execPath, [`dist/services/roles/${role}.js`], {
    cwd: root,
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'], PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const base = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 30_000; ; ) {
    if (child.exitCode !== null) throw new Error(`the ${role} role exited with ${child.exitCode}: ${output}`);
    const live = await fetch(`${base}/health/live`).then((response) => response.ok).catch(() => false);
    if (live) break;
    if (Date.now() > deadline) throw new Error(`the ${role} role did not answer on ${base} within 30 s: ${output}`);
    await new Promise((resolveWait) => setTimeout(resolveWait, 100));
  }
  return {
    base,
    pid: child.pid!,
    log: () => output,
    signal: (signal) => child.kill(signal),
    exited: () => child.exitCode !== null || child.signalCode !== null,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
};
