/**
 * The access matrix (see matrix.ts) against the service as `npm start` runs it: on the embedded
 * default, and on the real stack – EventStoreDB (its own protocol test server, so the log holds this
 * suite's events only) with MongoDB read models.
 */
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { startEsdbTestServer } from '../esdb-server/server.js';
import { startService } from '../support/service-process.js';
import { matches, runMatrix, SECRET, type Call, type CellResult } from './matrix.js';

const over = (base: string) => async (call: Call, headers: Record<string, string>) => {
  const response = await fetch(`${base}${call.url}`, {
    method: call.method,
    headers: { ...headers, ...(call.body ? { 'content-type': 'application/json' } : {}) },
    ...(call.body ? { body: JSON.stringify(call.body) } : {}),
  });
  const text = await response.text();
  const isJson = (response.headers.get('content-type') ?? '').includes('json');
  return { status: response.status, body: isJson && text ? JSON.parse(text) : {} };
};

const check = (t: { ok: (value: boolean, message: string) => unknown }) => (cell: CellResult) =>
  t.ok(
    matches(cell.expected, cell.status),
    `${cell.route} as ${cell.role} (${cell.relation}): ${cell.expected === 'allowed' ? '2xx' : cell.expected}` +
      (matches(cell.expected, cell.status) ? '' : `, got ${cell.status} ${cell.detail ?? ''}`),
  );

t.test('on the embedded default', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'crm-access-'));
  const service = await startService({ DATA_DIR: dataDir, AUTH_JWT_SECRET: SECRET });
  t.teardown(async () => {
    await service.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  await runMatrix(over(service.base), check(t));
});

const { MONGO_URL } = process.env;
t.test('on the real stack: EventStoreDB and MongoDB', { skip: !MONGO_URL && 'MONGO_URL not set' }, async (t) => {
  const esdb = await startEsdbTestServer({ host: '127.0.0.1', port: 0 });
  const dataDir = mkdtempSync(join(tmpdir(), 'crm-access-'));
  const mongoUrl = `${MONGO_URL!.replace(/\/[^/]*$/, '')}/crm_access_${randomUUID().slice(0, 8)}`;
  const service = await startService({ DATA_DIR: dataDir, AUTH_JWT_SECRET: SECRET, EVENTSTORE_URL: esdb.url, MONGO_URL: mongoUrl });
  t.teardown(async () => {
    if (!t.passing()) t.comment(`service log:\n${service.log().slice(-4_000)}`);
    await service.stop();
    await esdb.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  await runMatrix(over(service.base), check(t));
});
