/**
 * The access matrix (see matrix.ts) on the real stack: EventStoreDB (its own protocol test server,
 * so the log holds this suite's events only) with MongoDB read models.
 */
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { startEsdbTestServer } from '../esdb-server/server.js';
import { startService } from '../support/service-process.js';
import { runMatrix, SECRET } from './matrix.js';
import { check, over } from './over-http.js';

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
