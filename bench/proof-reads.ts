/**
 * Benchmark (not a test): the reads folded from the log – the changes between two instants and the
 * explanation of a rank – over an engagement with 2,500 requirements and 10,000 requirement events
 * (each captured, prioritized twice and decided), computed from the events in memory, so the
 * figure is the fold and the ranking walk alone (reading the log costs what the backlog's asOf costs:
 * bench/as-of.ts).
 *
 *   node --import tsx bench/proof-reads.ts
 */
import type { RecordedEvent } from '../contracts/index.js';
import { changesBetween } from '../services/queries/changes.js';
import { explainPriority } from '../services/queries/priority-explanation.js';
import { median } from './support.js';

const REQUIREMENTS = 2_500;
const start = Date.parse('2026-04-01T00:00:00Z');
const actor = { id: 'u-pat', name: 'Pat Lee', roles: ['pm' as const] };
const events: RecordedEvent[] = [];
const revisions = new Map<string, number>();
const record = (data: { type: string; data: Record<string, unknown> }) => {
  const position = events.length + 1;
  const requirementId = String(data.data['requirementId']);
  const revision = (revisions.get(requirementId) ?? -1) + 1;
  revisions.set(requirementId, revision);
  events.push({
    ...data,
    eventId: `00000000-0000-4000-8000-${position.toString(16).padStart(12, '0')}`,
    schemaVersion: 1,
    occurredAt: new Date(start + position * 1_000).toISOString(),
    actor,
    correlationId: `c-${position}`,
    causationId: `c-${position}`,
    engagementId: 'eng-1',
    streamId: `requirement-${requirementId}`,
    revision,
    position: String(position),
  } as unknown as RecordedEvent);
};
process.stdout.write(`building ${REQUIREMENTS * 4} requirement events … `);
for (let i = 0; i < REQUIREMENTS; i++) {
  const requirementId = `r${i}`;
  record({ type: 'RequirementCaptured', data: { requirementId, engagementId: 'eng-1', title: `R${i}`, description: 'd', category: 'sales', departments: ['Sales'], sources: [] } });
  for (const urgency of [1, 2]) {
    const inputs = { frequency: i % 4, lossIfMismanaged: (i >> 2) % 4, urgency, fundSafety: i % 7 === 0, stakeholderConcern: false };
    const score = inputs.frequency + inputs.lossIfMismanaged + urgency + (inputs.fundSafety ? 3 : 0);
    record({ type: 'RequirementPrioritized', data: { requirementId, ...inputs, rationale: 'r', score, formulaVersion: 1 } });
  }
  record(i % 3 === 0 ? { type: 'RequirementDeferred', data: { requirementId, previousStatus: 'prioritized', reason: 'later' } } : { type: 'RequirementAccepted', data: { requirementId, previousStatus: 'prioritized', targetPhase: 'system-deployment' } });
}
console.log('done');

/** Wall time, and the CPU time of this process – on a shared machine the wall time also counts the waiting for a core. */
const time = (label: string, run: () => unknown) => {
  const timings: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    run();
    const used = process.cpuUsage(cpuStarted);
    cpu.push((used.user + used.system) / 1_000);
    timings.push(performance.now() - started);
  }
  console.log(`${label}: median ${median(timings).toFixed(0)} ms wall, ${median(cpu).toFixed(0)} ms CPU (runs: ${timings.map((t) => t.toFixed(0)).join(', ')} ms)`);
};
const at = (position: number) => new Date(start + position * 1_000 + 500).toISOString();
time(`changes over the whole log (${events.length} events)`, () => changesBetween(events, at(0), at(events.length)));
time('changes over the last 1,000 events', () => changesBetween(events, at(events.length - 1_000), at(events.length)));
time('explanation of a requirement at the end', () => explainPriority(events, 'r7', at(events.length)));
