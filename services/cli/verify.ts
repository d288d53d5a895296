/**
 * Checks a signed audit export or a signed confirmation receipt offline, with nothing but the
 * service's public keys – no server, no database:
 *   npm run verify -- <export or receipt file> --jwks <JWKS file or URL>
 * Prints every check it made, with progress on big files; exits 0 when all pass, 1 when one
 * fails (naming it), 2 when the file or the keys cannot be read.
 */
import { readFile, stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Jwks } from '../../infra/proof/signing.js';
import { verifyOffline } from '../proof/offline-verify.js';

const usage = 'usage: npm run verify -- <signed export or receipt (.json)> --jwks <JWKS file, or the URL of /.well-known/jwks.json>';

const stop = (message: string, code = 2): never => {
  process.stderr.write(`${message}\n`);
  process.exit(code);
};

const say = (line: string) => process.stderr.write(`${line}\n`);

const readJson = async (what: string, text: Promise<string>): Promise<unknown> => {
  let content: string;
  try {
    content = await text;
  } catch (error) {
    return stop(`cannot read ${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    return JSON.parse(content) as unknown;
  } catch (error) {
    return stop(`${what} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
};

const loadJwks = async (source: string): Promise<Jwks> => {
  const remote = /^https?:\/\//.test(source);
  say(`keys: ${remote ? 'fetching' : 'reading'} ${source}`);
  const text = remote
    ? fetch(source).then(async (response) => {
        if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
        return response.text();
      })
    : readFile(source, 'utf8');
  const jwks = (await readJson(`the JWKS ${source}`, text)) as Partial<Jwks>;
  if (!Array.isArray(jwks.keys)) return stop(`${source} is not a JWKS: it has no "keys" list`);
  say(`keys: ${jwks.keys.map((key) => key.kid ?? '(no kid)').join(', ')}`);
  return jwks as Jwks;
};

const main = async () => {
  let parsed;
  try {
    parsed = parseArgs({ allowPositionals: true, options: { jwks: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    return stop(`${error instanceof Error ? error.message : String(error)}\n${usage}`);
  }
  const { values, positionals } = parsed;
  if (values.help) return stop(usage, 0);
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0) return stop(usage);
  if (!values.jwks) return stop(`--jwks is needed: the public keys are what the signature is checked with\n${usage}`);

  const jwks = await loadJwks(values.jwks);
  const size = await stat(file).then((s) => s.size, () => stop(`cannot read ${file}: no such file`));
  say(`file: reading ${file} (${(size / 1024 / 1024).toFixed(1)} MB)`);
  const document = await readJson(file, readFile(file, 'utf8'));
  let lastShown = 0;
  const report = await verifyOffline(document, jwks, (what, done, total) => {
    const now = Date.now();
    if (done === total || now - lastShown > 1_000) {
      lastShown = now;
      say(`${what}: ${done.toLocaleString('en')} of ${total.toLocaleString('en')} events`);
    }
  });
  for (const check of report.checks) process.stdout.write(`${check.ok ? 'ok  ' : 'FAIL'}  ${check.what}: ${check.detail}\n`);
  const failed = report.checks.filter((check) => !check.ok);
  if (failed.length > 0) {
    return stop(`${file}: NOT verified – ${failed.length} check(s) failed: ${failed.map((check) => check.what).join('; ')}`, 1);
  }
  process.stdout.write(`${file}: verified (${report.kind})\n`);
};

await main();
