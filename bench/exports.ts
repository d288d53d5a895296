/**
 * Benchmark (not a test): a command's latency while 50 audit CSV exports of 9,300 rows run at
 * once, through a listening server on the embedded SQLite store, against its latency alone
 * (commands 50 ms apart, over HTTP, to another engagement).
 * The trail: 2,325 requirements captured, prioritized twice and decided. Fifty different PMO users export, so the per-user rate limit does not turn them away.
 *
 *   node --import tsx bench/exports.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSigner } from 'fast-jwt';
import { pino } from 'pino';
import { openSqliteEventStore } from '../infra/event-store/index.js';
import { InMemoryReadModelStore } from '../infra/read-models/index.js';
import { createTokenVerifier } from '../infra/identity/index.js';
import { buildApp } from '../services/http/app.js';
import { createMetrics } from '../services/http/metrics.js';
import { InMemoryIdempotencyStore } from '../infra/idempotency/store.js';
import { SHARED_PROCESS_BATCH, startProjector } from '../services/wiring/read-side.js';
import { median, percentile } from './support.js';

const ROWS = 9_300;
const EXPORTS = 50;
const SECRET = 'bench-secret-bench-secret-bench-secret-42';
const sign = createSigner({ key: SECRET, algorithm: 'HS256', expiresIn: 3_600_000 });
const token = (sub: string, roles: string[]) => ({ authorization: `Bearer ${sign({ sub, name: sub, roles })}` });
const pm = token('pat', ['pm']);

const dir = mkdtempSync(join(tmpdir(), 'crm-exports-'));
const store = await openSqliteEventStore(dir);
const readModels = new InMemoryReadModelStore();
const metrics = createMetrics();
const readSide = await startProjector({
  eventStore: store, readModels, logger: pino({ level: 'silent' }), registry: metrics.registry, batch: SHARED_PROCESS_BATCH,
});
const app = await buildApp({ store, idempotency: new InMemoryIdempotencyStore(), readModels, readYourWrites: readSide.readYourWrites, metrics, identity: createTokenVerifier({ secret: SECRET, claims: { roles: 'roles', name: 'name' }, maxTokenAgeSeconds: 3_600 }) });
await app.listen({ port: 0, host: '127.0.0.1' });
const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

/** Seeding goes in-process; the measured commands go over HTTP. */
const seed = async (url: string, payload: object) => {
  const response = await app.inject({ method: 'POST', url, headers: pm, payload });
  if (response.statusCode >= 300) throw new Error(`${url} ${response.statusCode} ${response.body}`);
  return response.json() as { id: string; position: string };
};
const post = async (url: string, payload: object) => {
  const response = await fetch(`${base}${url}`, { method: 'POST', headers: { ...pm, 'content-type': 'application/json' }, body: JSON.stringify(payload) });
  if (response.status >= 300) throw new Error(`${url} ${response.status} ${await response.text()}`);
  return (await response.json()) as { id: string; position: string };
};
const engagement = await seed('/engagements', { name: 'E', client: 'C', sponsor: { name: 'S', title: 'CEO' } });
const interview = await seed(`/engagements/${engagement.id}/interviews`, {
  interviewee: { name: 'L', department: 'Sales', position: 'M' }, interviewers: ['C'], scheduledAt: '2026-03-05T10:00:00Z',
  durationMinutes: 60, location: 'R', method: 'phone', topics: ['reports'],
});
await seed(`/interviews/${interview.id}/conduct`, { conductedAt: '2026-03-05T10:00:00Z' });
const finding = (await seed(`/interviews/${interview.id}/findings`, { section: 'workflow', text: 'x' })) as unknown as { findingId: string };
const sources = [{ interviewId: interview.id, findingId: finding.findingId }];
// Requirements captured, prioritized twice and decided: four audit entries each, 9,300 and a few in all.
let last = engagement;
for (let i = 0; i < ROWS / 4; i++) {
  const requirement = await seed(`/engagements/${engagement.id}/requirements`, { title: `R${i}`, description: 'd', category: 'sales', departments: ['Sales'], sources });
  for (const urgency of [1, 2]) {
    await seed(`/requirements/${requirement.id}/prioritize`, { frequency: i % 4, lossIfMismanaged: (i >> 2) % 4, urgency, fundSafety: i % 7 === 0, stakeholderConcern: false, rationale: 'r' });
  }
  last = await seed(`/requirements/${requirement.id}/${i % 3 === 0 ? 'defer' : 'accept'}`, i % 3 === 0 ? { reason: 'later' } : { targetPhase: 'system-deployment' });
}
await readSide.projector.waitForPosition(last.position, 60_000);

// The measured commands go to another engagement, so that every export has the same rows.
const other = await seed('/engagements', { name: 'F', client: 'C', sponsor: { name: 'S', title: 'CEO' } });
/** Commands one after another, 50 ms apart: `count` of them, or as many as it takes until `until` settles. */
const commandLatencies = async (count: number, until?: Promise<unknown>) => {
  let settled = until === undefined;
  until?.then(() => (settled = true), () => (settled = true));
  const timings: number[] = [];
  for (let i = 0; i < count || !settled; i++) {
    const started = performance.now();
    await post(`/engagements/${other.id}/readiness`, { item: 'strategy-defined', status: i % 2 ? 'met' : 'not-met' });
    timings.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return timings;
};

const alone = await commandLatencies(30);
const started = performance.now();
const exports = Promise.all(
  Array.from({ length: EXPORTS }, async (_, i) => {
    const response = await fetch(`${base}/engagements/${engagement.id}/audit?format=csv`, { headers: token(`pmo-${i}`, ['pmo']) });
    const body = await response.text();
    if (response.status !== 200) throw new Error(`export ${response.status} ${body.slice(0, 200)}`);
    return body.split('\n').length;
  }),
);
const during = await commandLatencies(1, exports);
const lines = await exports;
const exportsMs = performance.now() - started;

const summary = (timings: number[]) => {
  const sorted = [...timings].sort((a, b) => a - b);
  return `median ${median(timings).toFixed(1)} ms, p90 ${percentile(sorted, 90).toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms (${timings.length} commands)`;
};
console.log(`a command alone: ${summary(alone)}`);
console.log(`a command during ${EXPORTS} exports of ${ROWS} rows: ${summary(during)}`);
console.log(`${EXPORTS} exports done in ${exportsMs.toFixed(0)} ms, ${lines[0]} lines each`);
await app.close();
await readSide.projector.stop();
await store.close();
rmSync(dir, { recursive: true, force: true });
