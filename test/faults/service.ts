/**
 * The real service as an operator runs it, for the fault suite: `node dist/services/roles/main.js` on the
 * embedded store in a data directory of the test's, a load of findings sent with Idempotency-Keys
 * whose acknowledgements are written down, the data CLI, and a look into the log file itself.
 * `npm test` compiles `dist/` first; on its own, run `npx tsc -b` before.
 */
import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { scheduleBody, SECRET, users } from '../support/http.js';

const repoRoot = resolve(import.meta.dirname, '../..');

export type Started = { ok: true; url: string; child: ChildProcess; exited: Promise<number | null> } | { ok: false; code: number | null; output: string };

const environment = (dataDir: string) => ({
  ...process.env,
  DATA_DIR: dataDir,
  PORT: '0',
  HOST: '127.0.0.1',
  AUTH_JWT_SECRET: SECRET,
  LOG_LEVEL: 'warn',
  NODE_ENV: 'test',
  // The embedded default, whatever test servers the environment names.
  EVENTSTORE_URL: '',
  MONGO_URL: '',
  KAFKA_BROKERS: '',
});

/** Starts the service; answers its URL once it serves, or how it ended when it refused to start. */
export const startService = (dataDir: string): Promise<Started> =>
  new Promise((done) => {
    const child = spawn(process.execPath, [resolve(repoRoot, 'dist/services/roles/main.js')], { env: environment(dataDir), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((ended) => child.on('exit', (code) => ended(code)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      output += `${line}\n`;
      const serving = /serving on (http:\/\/\S+)/.exec(line);
      if (serving) done({ ok: true, url: serving[1]!, child, exited });
    });
    void exited.then((code) => done({ ok: false, code, output }));
  });

export const killHard = async (service: Started) => {
  if (!service.ok) return;
  service.child.kill('SIGKILL');
  await service.exited;
};

export const stop = async (service: Started) => {
  if (!service.ok) return;
  service.child.kill('SIGTERM');
  await service.exited;
};

/** Runs `node dist/services/cli/data.js <args>` on `dataDir`. */
export const dataCli = (dataDir: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> =>
  new Promise((done) => {
    const child = spawn(process.execPath, [resolve(repoRoot, 'dist/services/cli/data.js'), ...args], { env: environment(dataDir) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });

export type Reply = { status: number; replayed: boolean; body: Record<string, unknown> };

export const post = async (url: string, path: string, headers: Record<string, string>, body: object, key?: string): Promise<Reply> => {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, replayed: response.headers.get('idempotent-replayed') === 'true', body: (await response.json()) as Record<string, unknown> };
};

/** An engagement with `count` conducted interviews to record findings on. */
export const interviews = async (url: string, count: number): Promise<string[]> => {
  const expect = (reply: Reply) => {
    if (reply.status >= 300) throw new Error(`setting up failed: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body['id'] as string;
  };
  const engagementId = expect(await post(url, '/engagements', users.pm, { name: 'CRM for Acme', client: 'Acme Trading', sponsor: { name: 'Zhang San', title: 'CEO' } }));
  expect(await post(url, `/engagements/${engagementId}/members`, users.pm, { userId: 'u-chen', name: 'Chen Wei', role: 'consultant' }));
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = expect(await post(url, `/engagements/${engagementId}/interviews`, users.consultant, scheduleBody()));
    expect(await post(url, `/interviews/${id}/conduct`, users.consultant, { conductedAt: '2026-03-05T02:00:00Z', attendees: ['Li Na'] }));
    ids.push(id);
  }
  return ids;
};

export type Acknowledged = { key: string; interviewId: string; text: string; findingId: string; position: bigint };

export const findingBody = (text: string) => ({ section: 'workflow', text, pain: 2, frequency: 'daily' });

/**
 * One client per interview, each recording findings one after the other with a key of its own,
 * until `until` says stop or the service goes away. Every 201 is written down.
 */
export const load = (url: string, interviewIds: string[], prefix: string, acknowledged: Acknowledged[], until: () => boolean) =>
  Promise.all(
    interviewIds.map(async (interviewId, client) => {
      for (let n = 0; !until(); n++) {
        const key = `${prefix}-${client}-${n}`;
        const text = `Finding ${key}: quotes are approved by phone`;
        let reply: Reply;
        try {
          reply = await post(url, `/interviews/${interviewId}/findings`, users.consultant, findingBody(text), key);
        } catch {
          return; // the service is gone
        }
        if (reply.status === 201) {
          acknowledged.push({ key, interviewId, text, findingId: reply.body['findingId'] as string, position: BigInt(reply.body['position'] as string) });
        }
      }
    }),
  );

/** The ids of the findings the log file holds, read from the file itself. */
export const findingsInLog = (logFile: string): Set<string> => {
  const db = new Database(logFile, { fileMustExist: true });
  try {
    const rows = db.prepare("SELECT json_extract(data, '$.findingId') AS id FROM events WHERE type = 'FindingRecorded'").all() as Array<{ id: string }>;
    return new Set(rows.map((row) => row.id));
  } finally {
    db.close();
  }
};

export const maxOf = (positions: bigint[]) => positions.reduce((a, b) => (a > b ? a : b), 0n);
