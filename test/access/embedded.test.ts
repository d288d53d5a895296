/** The access matrix (see matrix.ts) against the service as `npm start` runs it, on the embedded default. */
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startService } from '../support/service-process.js';
import { runMatrix, SECRET } from './matrix.js';
import { check, over } from './over-http.js';

t.test('every route × role × relation on the embedded default', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'crm-access-'));
  const service = await startService({ DATA_DIR: dataDir, AUTH_JWT_SECRET: SECRET });
  t.teardown(async () => {
    await service.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  await runMatrix(over(service.base), check(t));
});

