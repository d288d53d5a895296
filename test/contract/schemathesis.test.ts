/**
 * The OpenAPI document is true: Schemathesis (pinned in test/infra/schemathesis/requirements.txt,
 * installed by `npm run infra:up`) runs every check and every phase – the examples, coverage,
 * fuzzing and stateful walks along the document's links – against the service as `npm start`
 * starts it, with a token for each role, under a fixed seed and a random one. Any failure fails.
 * The operations come from `/openapi.json`, so a route added anywhere joins the run on its own.
 *
 * SCHEMATHESIS names the binary (`.infra/env` sets it); without it the test skips and says why,
 * and fails under REQUIRE_INFRA=1. SCHEMATHESIS_SEED replays a random seed a run printed.
 */
import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes, randomInt } from 'node:crypto';
import { SignJWT } from 'jose';
import { ROLES } from '../../contracts/index.js';
import { startServiceOnFreshData } from '../support/service-process.js';

const root = resolve(import.meta.dirname, '../..');
const FIXED_SEED = 20260301;

const binary = (): string | undefined => {
  const named = process.env['SCHEMATHESIS'];
  if (named) return named;
  const found = spawnSync('schemathesis', ['--version'], { encoding: 'utf8' });
  return found.status === 0 ? 'schemathesis' : undefined;
};

type OpenApi = { paths: Record<string, Record<string, { operationId?: string; parameters?: Array<{ in: string; name: string }> }>> };

/**
 * A list's cursor is opaque: only the page before hands one out, so any other value – all a
 * generator can make – is rightly 400 `validation-failed`. Those operations alone also expect 400
 * for requests that are valid by the schema.
 */
const cursorSections = (document: OpenApi): string =>
  Object.values(document.paths)
    .flatMap((operations) => Object.values(operations))
    .filter((operation) => operation.operationId && operation.parameters?.some((p) => p.in === 'query' && p.name === 'cursor'))
    .map(
      (operation) =>
        `\n# ${operation.operationId} takes an opaque cursor only a page it answered hands out.\n` +
        `[[operations]]\ninclude-operation-id = "${operation.operationId}"\n` +
        `checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", 400, 401, 403, 404, 409, 412, 422, 429, "5xx"]\n`,
    )
    .join('');

const ALL_PHASES = ['examples', 'coverage', 'fuzzing', 'stateful'];

/**
 * An admin may send every request, so its runs reach every rule: all phases under both seeds. A pm
 * starts engagements of their own, so the stateful walks go deep for them too. The other roles are
 * mostly turned away before their input is read (roles are checked first): the examples and
 * fuzzing on a few cases each show that they are, and that the refusals are documented. The
 * coverage phase is deterministic, so one run of it is all it has to give.
 */
const runs = (randomSeed: number) => [
  { role: 'admin', seed: FIXED_SEED, phases: ALL_PHASES, examples: undefined },
  { role: 'admin', seed: randomSeed, phases: ['fuzzing', 'stateful'], examples: undefined },
  { role: 'pm', seed: randomSeed, phases: ['examples', 'fuzzing', 'stateful'], examples: 3 },
  ...ROLES.filter((role) => role !== 'admin' && role !== 'pm').map((role) => ({ role, seed: randomSeed, phases: ['examples', 'fuzzing'], examples: 2 })),
];

const run = (command: string, args: string[], log: string) =>
  new Promise<{ code: number | null; output: string }>((resolveRun) => {
    const child = spawn(command, args, { cwd: root, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const take = (chunk: Buffer) => (output += chunk.toString());
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('close', (code) => {
      writeFileSync(log, output);
      resolveRun({ code, output });
    });
  });

// About three minutes on an idle two-core machine; on one shared with other suites the runs take
// longer, and the file's default 300 s would cut them off before they can report.
t.setTimeout(900_000);

const found = binary();
const skip = !found && process.env['REQUIRE_INFRA'] !== '1' && 'Schemathesis not found: run `npm run infra:up` and load .infra/env (it sets SCHEMATHESIS), or put `schemathesis` on PATH';

t.test('Schemathesis finds no failure, for any role, under a fixed and a random seed', { skip }, async (t) => {
  if (!found) return t.fail('Schemathesis not found, but REQUIRE_INFRA=1 needs it: run `npm run infra:up` and load .infra/env (SCHEMATHESIS)');
  const secret = randomBytes(32).toString('hex');
  const service = await startServiceOnFreshData(t, { AUTH_JWT_SECRET: secret });
  const document = (await (await fetch(`${service.base}/openapi.json`)).json()) as OpenApi;
  const config = join(service.dataDir, 'schemathesis.toml');
  writeFileSync(config, readFileSync(join(root, 'test/contract/schemathesis.toml'), 'utf8') + cursorSections(document));
  const reports = join(root, 'test-artifacts/schemathesis');
  mkdirSync(reports, { recursive: true });

  const randomSeed = Number(process.env['SCHEMATHESIS_SEED'] ?? randomInt(1, 2 ** 31));
  t.comment(`seeds: ${FIXED_SEED} (fixed) and ${randomSeed} (random; replay with SCHEMATHESIS_SEED=${randomSeed})`);
  for (const { role, seed, phases, examples } of runs(randomSeed)) {
    const token = await new SignJWT({ name: `Schemathesis (${role})`, roles: [role] })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(`schemathesis-${role}`)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(secret));
    const log = join(reports, `${role}-${seed}.log`);
    const what = `${role}, seed ${seed}, ${phases.join(' ')}`;
    t.comment(`${what}: running (output in ${log})`);
    const args = ['--config-file', config, 'run', `${service.base}/openapi.json`, '--checks', 'all', '--phases', phases.join(','), '--seed', String(seed)];
    if (examples) args.push('--max-examples', String(examples));
    const { code, output } = await run(found, [...args, '--header', `Authorization: Bearer ${token}`], log);
    const summary = output.trim().split('\n').at(-1) ?? '';
    t.comment(`${what}: ${summary.replace(/=+/g, '').trim()}`);
    t.equal(code, 0, `Schemathesis as ${role} under seed ${seed} passes`, code === 0 ? {} : { diagnostic: true, output: output.slice(output.indexOf('FAILURES')) || output.slice(-8000) });
  }
});
