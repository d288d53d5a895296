/**
 * The answers of idempotent requests on their own: what a keyed command costs the event loop in
 * `SqliteIdempotencyStore` – look its answer up, record its first use (awaited, on disk), put its
 * answer – with `PER_TURN` commands in each turn of the event loop, as concurrent requests arrive.
 * Reports the event loop's busy µs and the wall-clock µs per command.
 *
 *   npm run bench:idempotency          (TURNS=3000 PER_TURN=8 RUNS=3 to change)
 *
 * BUILDS=<dist>,<other dist> compares the stores of two builds (`npm run build` output folders), run
 * by turns – a, b, b, a, … – in one process, so that the machine's drift weighs on both alike.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import type { IdempotencyStore } from '../infra/idempotency/store.js';
import { median } from './support.js';

const TURNS = Number(process.env['TURNS'] ?? 3_000);
const PER_TURN = Number(process.env['PER_TURN'] ?? 8);
const RUNS = Number(process.env['RUNS'] ?? 3);
const BUILDS = (process.env['BUILDS'] ?? 'dist').split(',');

const storeOf = async (build: string): Promise<new (dataDir: string) => IdempotencyStore> =>
  (await import(pathToFileURL(resolve(build, 'infra/idempotency/store.js')).href)).SqliteIdempotencyStore;

const run = async (Store: new (dataDir: string) => IdempotencyStore) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'crm-bench-idempotency-'));
  const store = new Store(dataDir);
  const now = Date.now();
  const started = performance.now();
  const loop = performance.eventLoopUtilization();
  for (let turn = 0; turn < TURNS; turn++) {
    const keys = Array.from({ length: PER_TURN }, () => randomUUID());
    for (const key of keys) store.get('u-bench', key, now);
    await Promise.all(keys.map((key) => store.firstUse('u-bench', key, now)));
    for (const key of keys) {
      store.put({ userId: 'u-bench', key, fingerprint: 'f'.repeat(64), status: 201, headers: { etag: '"3"' }, body: { id: key, version: 3, position: '123456' }, storedAt: now });
    }
    await nextTurn();
  }
  const busy = performance.eventLoopUtilization(loop).active;
  const wall = performance.now() - started;
  store.close();
  rmSync(dataDir, { recursive: true, force: true });
  const commands = TURNS * PER_TURN;
  return { busyUs: (1_000 * busy) / commands, wallUs: (1_000 * wall) / commands };
};

const stores = await Promise.all(BUILDS.map(storeOf));
const results = BUILDS.map(() => [] as Array<{ busyUs: number; wallUs: number }>);
console.log(`${TURNS.toLocaleString('en')} turns of ${PER_TURN} keyed commands, ${RUNS} runs per build`);
for (let round = 0; round < RUNS; round++) {
  const order = BUILDS.map((_, index) => index);
  if (round % 2 === 1) order.reverse();
  for (const index of order) {
    const result = await run(stores[index]!);
    results[index]!.push(result);
    console.log(`  ${BUILDS[index]}: ${result.busyUs.toFixed(1)} µs of the event loop per command, ${result.wallUs.toFixed(1)} µs wall clock`);
  }
}
for (const [index, build] of BUILDS.entries()) {
  const runs = results[index]!;
  console.log(`${build}: median ${median(runs.map((r) => r.busyUs)).toFixed(1)} µs of the event loop per command, ${median(runs.map((r) => r.wallUs)).toFixed(1)} µs wall clock`);
}
