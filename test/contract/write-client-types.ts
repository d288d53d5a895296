/**
 * Writes test/contract/generated/openapi.ts (see client-types.ts) from the document the built
 * service serves when started as `npm start` starts it; run `npm run build` first.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startService } from '../support/service-process.js';
import { CLIENT_TYPES_FILE, clientTypes } from './client-types.js';

const dataDir = mkdtempSync(join(tmpdir(), 'crm-client-types-'));
process.stdout.write('starting the built service (dist/services/roles/main.js) to read its /openapi.json …\n');
const service = await startService({ DATA_DIR: dataDir, AUTH_JWT_SECRET: randomBytes(32).toString('hex') });
try {
  const document = (await (await fetch(`${service.base}/openapi.json`)).json()) as object;
  process.stdout.write('generating the client types with openapi-typescript …\n');
  writeFileSync(CLIENT_TYPES_FILE, await clientTypes(document));
  process.stdout.write(`wrote ${relative(process.cwd(), CLIENT_TYPES_FILE)}\n`);
} finally {
  await service.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
