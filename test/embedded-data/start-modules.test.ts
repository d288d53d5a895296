/**
 * The embedded default starts without the clients of servers it does not use: the MongoDB, Kafka,
 * EventStoreDB and SMTP drivers are hundreds of modules whose loading delayed every start
 * (README, *Starting on a long log*). The built service runs as `npm start` runs it, and reports the
 * packages it loaded when it stops.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { startServiceOnFreshData } from '../support/service-process.js';

const DRIVERS = ['mongodb', 'kafkajs', '@eventstore/db-client', 'nodemailer'];

/** A module that, loaded first with --import, writes the files of every CommonJS package the process loaded when it exits. */
const reporter = (file: string) => `
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
const require = createRequire(import.meta.url);
process.on('exit', () => writeFileSync(${JSON.stringify(file)}, Object.keys(require.cache).join('\\n')));
`;

const packagesOf = (files: string[]) =>
  new Set(files.map((file) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1]).filter((name): name is string => name !== undefined));

t.test('the embedded default serves without loading the MongoDB, Kafka, EventStoreDB and SMTP clients', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'crm-start-modules-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const report = join(dir, 'loaded.txt');
  writeFileSync(join(dir, 'report.mjs'), reporter(report));
  const service = await startServiceOnFreshData(t, { AUTH_JWT_SECRET: 'start-modules-secret-start-modules-secret', NODE_OPTIONS: `--import ${join(dir, 'report.mjs')}` });
  const live = await fetch(`${service.base}/health/live`);
  t.equal(live.status, 200);
  await service.stop();

  const loaded = packagesOf(readFileSync(report, 'utf8').split('\n'));
  t.ok(loaded.has('better-sqlite3') && loaded.has('fastify'), 'the report names the packages the embedded default uses');
  for (const driver of DRIVERS) t.notOk(loaded.has(driver), `${driver} is not loaded`);
});
