/**
 * Benchmark (not a test): `GET /engagements/:id/backlog?asOf=…` for an engagement with 10,000
 * requirement events, through the HTTP app on the embedded SQLite store (goal ≤ 1 s).
 *
 *   node --import tsx bench/as-of.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createSigner } from 'fast-jwt';
import { openSqliteEventStore } from '../infra/event-store/index.js';
import { createTokenVerifier } from '../infra/identity/index.js';
import { InMemoryReadModelStore } from '../infra/read-models/index.js';
import { buildApp } from '../services/http/app.js';
import { createMetrics } from '../services/http/metrics.js';
import { InMemoryIdempotencyStore } from '../infra/idempotency/store.js';
import { startProjector } from '../services/wiring/read-side.js';
import { median } from './support.js';

const SECRET = 'bench-secret-bench-secret-bench-secret-42';
const headers = { authorization: `Bearer ${createSigner({ key: SECRET, algorithm: 'HS256', expiresIn: 3_600_000 })({ sub: 'b', name: 'B', roles: ['pm', 'consultant'] })}` };
const dir = mkdtempSync(join(tmpdir(), 'crm-asof-'));
const store = await openSqliteEventStore(dir);
const readModels = new InMemoryReadModelStore();
const metrics = createMetrics();
const readSide = await startProjector({ eventStore: store, readModels, logger: pino({ level: 'silent' }), registry: metrics.registry });
const app = await buildApp({ store, idempotency: new InMemoryIdempotencyStore(), readModels, readYourWrites: readSide.readYourWrites, metrics, identity: createTokenVerifier({ secret: SECRET, claims: { roles: 'roles', name: 'name' }, maxTokenAgeSeconds: 3_600 }) });
const post = async (url: string, payload: object) => {
  const response = await app.inject({ method: 'POST', url, headers, payload });
  if (response.statusCode >= 300) throw new Error(`${url} ${response.statusCode} ${response.body}`);
  return response.json() as { id: string; findingId?: string };
};
const engagement = await post('/engagements', { name: 'E', client: 'C', sponsor: { name: 'S', title: 'CEO' } });
const interview = await post(`/engagements/${engagement.id}/interviews`, {
  interviewee: { name: 'L', department: 'Sales', position: 'M' }, interviewers: ['C'], scheduledAt: '2026-03-05T10:00:00Z',
  durationMinutes: 60, location: 'R', method: 'phone', topics: ['reports'],
});
await post(`/interviews/${interview.id}/conduct`, { conductedAt: '2026-03-05T10:00:00Z' });
const finding = await post(`/interviews/${interview.id}/findings`, { section: 'workflow', text: 'x' });
const sources = [{ interviewId: interview.id, findingId: finding.findingId }];
// 2,500 requirements × (captured, prioritized, re-prioritized, decided) = 10,000 requirement events.
for (let i = 0; i < 2_500; i++) {
  const requirement = await post(`/engagements/${engagement.id}/requirements`, { title: `R${i}`, description: 'd', category: 'sales', departments: ['Sales'], sources });
  for (const urgency of [1, 2]) {
    await post(`/requirements/${requirement.id}/prioritize`, { frequency: i % 4, lossIfMismanaged: (i >> 2) % 4, urgency, fundSafety: i % 7 === 0, stakeholderConcern: false, rationale: 'r' });
  }
  await post(`/requirements/${requirement.id}/${i % 3 === 0 ? 'defer' : 'accept'}`, i % 3 === 0 ? { reason: 'later' } : { targetPhase: 'system-deployment' });
}
const asOf = new Date().toISOString();
const timings: number[] = [];
for (let run = 0; run < 5; run++) {
  const started = performance.now();
  const response = await app.inject({ method: 'GET', url: `/engagements/${engagement.id}/backlog?asOf=${asOf}&limit=200`, headers });
  timings.push(performance.now() - started);
  if (response.statusCode !== 200) throw new Error(`asOf ${response.statusCode}`);
}
console.log(`asOf over 10,000 requirement events: median ${median(timings).toFixed(0)} ms (runs: ${timings.map((t) => t.toFixed(0)).join(', ')} ms)`);
await app.close();
await readSide.projector.stop();
await store.close();
rmSync(dir, { recursive: true, force: true });
