/**
 * What the chained history costs and how fast it verifies. Not a test: run it by hand on the
 * machine in question.
 *
 *   npm run bench:proof               (ROUNDS=5 SECONDS=3 CONCURRENCY=32 VERIFY_EVENTS=1000000 to change)
 *
 * 1. Commands/s with and without the chain, in the same run: RecordFinding commands through the
 *    command bus on the embedded SQLite store (group commit, fsync), 32 at a time, in rounds that
 *    alternate between a store that seals every batch into the chain and one that stores the same
 *    events unsealed (`sealing` replaced). Goal: the chain costs ≤ 5 % of the command throughput.
 * 2. Verification: an engagement of VERIFY_EVENTS events in the SQLite store, verified from its
 *    stored rows (reading, parsing and recomputing every digest). Goal: ≥ 200,000 events/s.
 *
 * Prints the figures of every round and the medians: per second of wall-clock time, and per second
 * of CPU time this process got; and, for the commands, the time spent sealing and serializing each
 * command's event, timed around that call alone – on a shared machine the CPU time of a command is
 * mostly the fsync of its commit, whose cost moves with the other work on the disk by more than the
 * chain costs, so the time of the call is the steadier measure of what the chain adds – on a machine shared with other work the wall-clock rate measures
 * the share the process was given, the CPU-time rate what the work costs.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventEnvelope } from '../contracts/index.js';
import { openSqliteEventStore, streamName, type SqliteEventStore } from '../infra/event-store/index.js';
import { sealAndSerialize, serializeEvent, type Sealing } from '../infra/event-store/serialization.js';
import { verifyEngagement } from '../infra/proof/verify.js';
import { CommandBus } from '../services/commands/command-bus.js';
import { idSource } from '../services/commands/ids.js';
import { interviewBody, median } from './support.js';

const ROUNDS = Number(process.env['ROUNDS'] ?? 5);
const SECONDS = Number(process.env['SECONDS'] ?? 3);
const CONCURRENCY = Number(process.env['CONCURRENCY'] ?? 32);
const VERIFY_EVENTS = Number(process.env['VERIFY_EVENTS'] ?? 1_000_000);

const log = (line: string) => process.stdout.write(`${line}\n`);
const pm = { id: 'bench', name: 'Bench', roles: ['pm' as const, 'consultant' as const] };
const context = () => ({ actor: pm, now: new Date().toISOString(), correlationId: 'bench', causationId: 'bench', ids: idSource(undefined, 'bench') });

/** The same events as the chain stores, without their proofs: what the log held before the chain. */
const unchained: Sealing = (_stream, _firstRevision, _prev, envelopes) => ({ serialized: envelopes.map(serializeEvent), last: '' });

const withStore = async <T>(sealing: Sealing | undefined, work: (store: SqliteEventStore) => Promise<T>): Promise<T> => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-proof-'));
  const store = await openSqliteEventStore(dir, sealing ? { sealing } : {});
  try {
    return await work(store);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
};

type Rate = { wall: number; cpu: number; sealingMicros?: number };

/** `sealing`, with the time spent in it added up. */
const timed = (sealing: Sealing) => {
  const spent = { ms: 0 };
  const wrapped: Sealing = (...args) => {
    const at = performance.now();
    try {
      return sealing(...args);
    } finally {
      spent.ms += performance.now() - at;
    }
  };
  return { wrapped, spent };
};

/** `count` per second of wall-clock time and per second of this process's CPU time since `started`. */
const rateSince = (count: number, started: { at: number; cpu: NodeJS.CpuUsage }): Rate => {
  const cpu = process.cpuUsage(started.cpu);
  return { wall: count / ((performance.now() - started.at) / 1_000), cpu: count / ((cpu.user + cpu.system) / 1e6) };
};
const now = () => ({ at: performance.now(), cpu: process.cpuUsage() });

/** Commands per second for SECONDS: RecordFinding on CONCURRENCY interviews, each loop waiting for its answer. */
const commandsPerSecond = (side: Sealing) => {
  const { wrapped, spent } = timed(side);
  return withStore(wrapped, async (store) => {
    const bus = new CommandBus(store);
    const { id: engagementId } = await bus.execute('StartEngagement', { engagementId: randomUUID(), name: 'Bench', client: 'Acme', sponsor: { name: 'Z', title: 'CEO' }, goals: [], successCriteria: [] }, context());
    const interviews: string[] = [];
    for (let i = 0; i < CONCURRENCY; i++) {
      const interviewId = randomUUID();
      await bus.execute(
        'ScheduleInterview',
        { interviewId, engagementId, ...interviewBody } as never,
        context(),
      );
      await bus.execute('RecordInterviewConducted', { interviewId, conductedAt: '2026-03-05T02:00:00Z', attendees: ['Li Na'] } as never, context());
      interviews.push(interviewId);
    }
    let done = 0;
    const until = performance.now() + SECONDS * 1_000;
    const started = now();
    spent.ms = 0;
    await Promise.all(
      interviews.map(async (interviewId) => {
        while (performance.now() < until) {
          await bus.execute(
            'RecordFinding',
            { interviewId, findingId: randomUUID(), section: 'workflow', text: 'Quotes above the credit limit are approved by phone.', pain: 2, frequency: 'daily' } as never,
            context(),
          );
          done++;
        }
      }),
    );
    return { ...rateSince(done, started), sealingMicros: (spent.ms * 1_000) / done };
  });
};

const finding = (engagementId: string, interview: number, n: number): EventEnvelope => ({
  type: 'FindingRecorded',
  data: {
    interviewId: `int-${interview}`,
    findingId: `f-${n}`,
    section: 'workflow',
    text: 'Quotes above the customer credit limit are printed and walked to finance for a signature; approvals take two days.',
    pain: 3,
    frequency: 'daily',
  },
  eventId: randomUUID(),
  schemaVersion: 1,
  occurredAt: '2026-03-05T02:00:00.000Z',
  actor: { id: 'u-chen', name: 'Chen Wei', roles: ['consultant'] },
  correlationId: `req-${interview}-${n}`,
  causationId: `cmd-${interview}-${n}`,
  engagementId,
});

const verification = () =>
  withStore(undefined, async (store) => {
    const engagementId = 'bench-verify';
    const perStream = 2_000;
    const filledAt = performance.now();
    for (let appended = 0, stream = 0; appended < VERIFY_EVENTS; stream++) {
      const size = Math.min(perStream, VERIFY_EVENTS - appended);
      await store.appendToStream(streamName.interview(`int-${stream}`), Array.from({ length: size }, (_, i) => finding(engagementId, stream, i)), 'no-stream');
      appended += size;
      if (stream % 50 === 0) process.stderr.write(`\r  filling: ${appended.toLocaleString('en')} of ${VERIFY_EVENTS.toLocaleString('en')} events`);
    }
    process.stderr.write(`\r  filled ${VERIFY_EVENTS.toLocaleString('en')} events in ${((performance.now() - filledAt) / 1_000).toFixed(1)} s\n`);
    const rounds: Rate[] = [];
    for (let round = 0; round < 3; round++) {
      const started = now();
      const result = await verifyEngagement(engagementId, store.readEngagementAsStored(engagementId));
      if (!result.verified || result.events !== VERIFY_EVENTS) throw new Error(`the bench log did not verify: ${JSON.stringify(result.firstBreak)}`);
      const rate = rateSince(result.events, started);
      rounds.push(rate);
      log(`  verification round ${round + 1}: ${show(rate)} events`);
    }
    return medians(rounds);
  });

const show = (rate: Rate) =>
  `${Math.round(rate.wall).toLocaleString('en')}/s wall, ${Math.round(rate.cpu).toLocaleString('en')}/s CPU${rate.sealingMicros === undefined ? '' : `, ${rate.sealingMicros.toFixed(1)} µs sealing`}`;
const medians = (rates: Rate[]): Rate => ({
  wall: median(rates.map((r) => r.wall)),
  cpu: median(rates.map((r) => r.cpu)),
  ...(rates[0]?.sealingMicros === undefined ? {} : { sealingMicros: median(rates.map((r) => r.sealingMicros!)) }),
});

log(`proof benchmark: ${ROUNDS} interleaved rounds of ${SECONDS} s, ${CONCURRENCY} concurrent commands; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
// One round of each first, not counted: the JIT compiles the command path before anything is measured.
await commandsPerSecond(sealAndSerialize);
await commandsPerSecond(unchained);
const chained: Rate[] = [];
const bare: Rate[] = [];
for (let round = 1; round <= ROUNDS; round++) {
  // Alternating which goes first keeps a trend in the machine's load from favouring one side.
  const order = round % 2 === 1 ? (['chained', 'unchained'] as const) : (['unchained', 'chained'] as const);
  for (const side of order) {
    const figure = await commandsPerSecond(side === 'chained' ? sealAndSerialize : unchained);
    (side === 'chained' ? chained : bare).push(figure);
    log(`  round ${round} ${side.padEnd(9)}: ${show(figure)} commands`);
  }
}
const withChain = medians(chained);
const without = medians(bare);
const cost = (a: number, b: number) => ((1 - a / b) * 100).toFixed(1);
log(`commands, median: with the chain ${show(withChain)}; without ${show(without)}`);
log(`  cost of the chain: ${cost(withChain.wall, without.wall)} % of wall-clock throughput, ${cost(withChain.cpu, without.cpu)} % per CPU second (goal ≤ 5 %)`);
const added = withChain.sealingMicros! - without.sealingMicros!;
log(
  `  sealing and serializing an event: ${withChain.sealingMicros!.toFixed(1)} µs with the chain, ${without.sealingMicros!.toFixed(1)} µs without; ` +
    `the ${added.toFixed(1)} µs added are ${((added / (1e6 / withChain.cpu)) * 100).toFixed(1)} % of a command's ${(1e6 / withChain.cpu).toFixed(0)} µs of CPU time`,
);
log(`verification over ${VERIFY_EVENTS.toLocaleString('en')} events:`);
const verified = await verification();
log(`events verified, median: ${show(verified)} (goal ≥ 200,000/s); load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
