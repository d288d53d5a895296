/**
 * What the chained history costs and how fast it verifies. Not a test: run it by hand on the
 * machine in question.
 *
 *   npm run bench:proof               (ROUNDS=5 SECONDS=3 HTTP_SECONDS=5 CONCURRENCY=32 VERIFY_EVENTS=1000000
 *                                      PARTS=bus,http,verify to change)
 *
 * 1. Commands/s with and without the chain, in the same run: RecordFinding commands through the
 *    command bus on the embedded SQLite store (group commit, fsync), 32 at a time, in rounds that
 *    alternate between a store that seals every batch into the chain and one that stores the same
 *    events unsealed (`sealing` replaced). Goal: the chain costs ≤ 5 % of the command throughput.
 *    The same over HTTP: two processes (`bench/chain-server.ts`), one with the chain and one without,
 *    both taking RecordFinding over 32 connections each at the same time for HTTP_SECONDS
 *    (autocannon): the commands/s a client sees, and the server's CPU time per command, with and
 *    without. At the same time, so that the machine's other work and its drift weigh on both alike:
 *    taken in turns, rounds swung by ±15 % and the chain's cost came out anywhere from −2 to +10 %.
 * 2. Verification: an engagement of VERIFY_EVENTS events in the SQLite store, verified from its
 *    stored rows (reading, parsing and recomputing every digest). Goal: ≥ 200,000 events/s.
 *
 * BASE=<another checkout of this repository> measures that build too, in the same run, round for
 * round alternating with this one (its node_modules must be installed or linked): a before/after
 * on a shared machine, where the load moves more between two runs than a change does. Both builds
 * verify the same stored log, so the base must read this build's log (as every build since the
 * stored text became canonical does).
 *
 * Prints the figures of every round and the medians: per second of wall-clock time, and per second
 * of CPU time this process got (on a machine shared with other work the wall-clock rate measures
 * the share the process was given, the CPU-time rate what the work costs). For the commands also
 * the time spent in sealing and serializing each command's event, timed around the call inside the
 * command rounds, and the CPU time of the same call timed alone in a loop of 100,000 events, with
 * and without the chain: a command's CPU time is mostly the fsyncs of its commit, which move with
 * the other work on the disk by more than the chain costs, so the call timed alone, set against a
 * command's CPU time, is the steadier measure of what the chain adds.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { EventEnvelope } from '../contracts/index.js';
import * as eventStore from '../infra/event-store/index.js';
import * as serialization from '../infra/event-store/serialization.js';
import type { Sealing, SerializedEvent } from '../infra/event-store/serialization.js';
import * as verify from '../infra/proof/verify.js';
import * as commandBus from '../services/commands/command-bus.js';
import * as ids from '../services/commands/ids.js';
import { benchHeaders, conductedInterviews, interviewBody, load, median, processUsage, startProcess, stop } from './support.js';

const ROUNDS = Number(process.env['ROUNDS'] ?? 5);
const SECONDS = Number(process.env['SECONDS'] ?? 3);
const CONCURRENCY = Number(process.env['CONCURRENCY'] ?? 32);
const VERIFY_EVENTS = Number(process.env['VERIFY_EVENTS'] ?? 1_000_000);
const HTTP_SECONDS = Number(process.env['HTTP_SECONDS'] ?? 5);
/** Which parts run: `bus` (commands through the command bus), `http` (commands over HTTP), `verify`. */
const PARTS = new Set((process.env['PARTS'] ?? 'bus,http,verify').split(',').map((part) => part.trim()));

const BASE = process.env['BASE'];

const log = (line: string) => process.stdout.write(`${line}\n`);
const pm = { id: 'bench', name: 'Bench', roles: ['pm' as const, 'consultant' as const] };

/** What the benchmark uses of a build: this checkout's modules, or the same modules of BASE. */
type Build = {
  name: string;
  openSqliteEventStore: typeof eventStore.openSqliteEventStore;
  sealAndSerialize: Sealing;
  serializeEvent: (envelope: EventEnvelope) => SerializedEvent;
  CommandBus: typeof commandBus.CommandBus;
  idSource: typeof ids.idSource;
  /** Verifies an engagement of `store`; answers the number of events and whether they verified. */
  verify: (store: eventStore.SqliteEventStore, engagementId: string) => Promise<{ verified: boolean; events: number; firstBreak?: unknown }>;
};

const thisBuild: Build = {
  name: BASE ? 'this' : 'build',
  openSqliteEventStore: eventStore.openSqliteEventStore,
  sealAndSerialize: serialization.sealAndSerialize,
  serializeEvent: serialization.serializeEvent,
  CommandBus: commandBus.CommandBus,
  idSource: ids.idSource,
  verify: (store, engagementId) => verify.verifyEngagement(engagementId, store.readEngagementAsStored(engagementId)),
};

/** The same modules of the checkout at `root`, whose port may differ from this one's: typed loosely on purpose. */
const loadBuild = async (root: string): Promise<Build> => {
  const load = async (path: string) => {
    const file = join(resolve(root), path);
    const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    return <T>(name: string): T => {
      if (module[name] === undefined) throw new Error(`BASE=${root}: ${path} exports no ${name}; is it a checkout of this repository?`);
      return module[name] as T;
    };
  };
  const [store, serialized, verified, bus, idModule] = await Promise.all(
    ['infra/event-store/index.ts', 'infra/event-store/serialization.ts', 'infra/proof/verify.ts', 'services/commands/command-bus.ts', 'services/commands/ids.ts'].map(load),
  );
  const verifyEngagement = verified!<(id: string, events: unknown) => ReturnType<Build['verify']>>('verifyEngagement');
  return {
    name: 'base',
    openSqliteEventStore: store!('openSqliteEventStore'),
    sealAndSerialize: serialized!('sealAndSerialize'),
    serializeEvent: serialized!('serializeEvent'),
    CommandBus: bus!('CommandBus'),
    idSource: idModule!('idSource'),
    verify: (s, engagementId) => verifyEngagement(engagementId, (s as unknown as { readEngagementAsStored: (id: string) => unknown }).readEngagementAsStored(engagementId)),
  };
};

const builds: Build[] = BASE ? [thisBuild, await loadBuild(BASE)] : [thisBuild];

const contextOf = (build: Build) => ({ actor: pm, now: new Date().toISOString(), correlationId: 'bench', causationId: 'bench', ids: build.idSource(undefined, 'bench') });

/** The same events as the chain stores, without their proofs: what the log held before the chain. */
const unchained =
  (build: Build): Sealing =>
  (_stream, _firstRevision, _prev, envelopes) => ({ serialized: envelopes.map(build.serializeEvent), last: '' });

const withStore = async <T>(build: Build, sealing: Sealing | undefined, work: (store: eventStore.SqliteEventStore) => Promise<T>): Promise<T> => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-proof-'));
  const store = await build.openSqliteEventStore(dir, sealing ? { sealing } : {});
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
const commandsPerSecond = (build: Build, side: Sealing) => {
  const { wrapped, spent } = timed(side);
  const context = () => contextOf(build);
  return withStore(build, wrapped, async (store) => {
    const bus = new build.CommandBus(store);
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

const SEALED_ALONE = 100_000;

/**
 * CPU µs per event of sealing and serializing RecordFinding's events in a loop, and of serializing
 * them without the chain, for each build, in seven alternating rounds: what the chain adds to a
 * command, free of the fsyncs and the other processes that make the command rounds swing.
 */
const sealedAlone = (): Array<{ chained: number; unchained: number }> => {
  const envelopes = Array.from({ length: SEALED_ALONE }, (_, i) => finding(randomUUID(), i % 32, i));
  const perEvent = (work: (envelope: EventEnvelope, i: number) => unknown) => {
    const started = process.cpuUsage();
    for (let i = 0; i < envelopes.length; i++) work(envelopes[i]!, i);
    const spent = process.cpuUsage(started);
    return (spent.user + spent.system) / envelopes.length;
  };
  const rounds = builds.map(() => ({ chained: [] as number[], unchained: [] as number[] }));
  let prev = '0'.repeat(64);
  for (let round = 0; round < 8; round++) {
    for (const b of round % 2 === 0 ? builds.keys() : [...builds.keys()].reverse()) {
      const build = builds[b]!;
      // The digest of one event is the next one's `prev`, as in a stream.
      const chained = perEvent((envelope, i) => (prev = build.sealAndSerialize(`interview-int-${i % 32}`, i, () => prev, [envelope]).last));
      const unchained = perEvent((envelope) => build.serializeEvent(envelope));
      // The first round only warms the JIT up.
      if (round > 0) {
        rounds[b]!.chained.push(chained);
        rounds[b]!.unchained.push(unchained);
      }
    }
  }
  return rounds.map((r) => ({ chained: median(r.chained), unchained: median(r.unchained) }));
};

/** Fills one log, then verifies it with each build in turn, three rounds, alternating which goes first. */
const verification = async (): Promise<Rate[]> => {
  const engagementId = 'bench-verify';
  const dir = mkdtempSync(join(tmpdir(), 'bench-proof-'));
  try {
    const filling = await thisBuild.openSqliteEventStore(dir);
    const perStream = 2_000;
    const filledAt = performance.now();
    for (let appended = 0, stream = 0; appended < VERIFY_EVENTS; stream++) {
      const size = Math.min(perStream, VERIFY_EVENTS - appended);
      await filling.appendToStream(eventStore.streamName.interview(`int-${stream}`), Array.from({ length: size }, (_, i) => finding(engagementId, stream, i)), 'no-stream');
      appended += size;
      if (stream % 50 === 0) process.stderr.write(`\r  filling: ${appended.toLocaleString('en')} of ${VERIFY_EVENTS.toLocaleString('en')} events`);
    }
    await filling.close();
    process.stderr.write(`\r  filled ${VERIFY_EVENTS.toLocaleString('en')} events in ${((performance.now() - filledAt) / 1_000).toFixed(1)} s\n`);
    const rounds: Rate[][] = builds.map(() => []);
    for (let round = 0; round < 3; round++) {
      for (const b of round % 2 === 0 ? builds.keys() : [...builds.keys()].reverse()) {
        const build = builds[b]!;
        const store = await build.openSqliteEventStore(dir);
        try {
          const started = now();
          const result = await build.verify(store, engagementId);
          if (!result.verified || result.events !== VERIFY_EVENTS) throw new Error(`the bench log did not verify with the ${build.name} build: ${JSON.stringify(result.firstBreak)}`);
          const rate = rateSince(result.events, started);
          rounds[b]!.push(rate);
          log(`  verification round ${round + 1}, ${build.name}: ${show(rate)} events`);
        } finally {
          await store.close();
        }
      }
    }
    return rounds.map(medians);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

const show = (rate: Rate) =>
  `${Math.round(rate.wall).toLocaleString('en')}/s wall, ${Math.round(rate.cpu).toLocaleString('en')}/s CPU${rate.sealingMicros === undefined ? '' : `, ${rate.sealingMicros.toFixed(1)} µs sealing`}`;
const medians = (rates: Rate[]): Rate => ({
  wall: median(rates.map((r) => r.wall)),
  cpu: median(rates.map((r) => r.cpu)),
  ...(rates[0]?.sealingMicros === undefined ? {} : { sealingMicros: median(rates.map((r) => r.sealingMicros!)) }),
});

log(
  `proof benchmark: ${ROUNDS} interleaved rounds of ${SECONDS} s, ${CONCURRENCY} concurrent commands` +
    `${BASE ? `, this build against the base build at ${BASE}` : ''}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`,
);
const cost = (a: number, b: number) => ((1 - a / b) * 100).toFixed(1);
if (PARTS.has('bus')) {
  // One round of each first, not counted: the JIT compiles the command path before anything is measured.
  for (const build of builds) {
    await commandsPerSecond(build, build.sealAndSerialize);
    await commandsPerSecond(build, unchained(build));
  }
  const sides = builds.flatMap((build) => [
    { build, chained: true, label: `${BASE ? `${build.name} ` : ''}chained`, rates: [] as Rate[] },
    { build, chained: false, label: `${BASE ? `${build.name} ` : ''}unchained`, rates: [] as Rate[] },
  ]);
  const width = Math.max(...sides.map((side) => side.label.length));
  for (let round = 1; round <= ROUNDS; round++) {
    // Alternating which goes first keeps a trend in the machine's load from favouring one side.
    for (const side of round % 2 === 1 ? sides : [...sides].reverse()) {
      const figure = await commandsPerSecond(side.build, side.chained ? side.build.sealAndSerialize : unchained(side.build));
      side.rates.push(figure);
      log(`  round ${round} ${side.label.padEnd(width)}: ${show(figure)} commands`);
    }
  }
  const alone = sealedAlone();
  for (const [b, build] of builds.entries()) {
    const [chained, bare] = sides.filter((side) => side.build === build);
    const withChain = medians(chained!.rates);
    const without = medians(bare!.rates);
    log(`commands${BASE ? `, ${build.name} build` : ''}, median: with the chain ${show(withChain)}; without ${show(without)}`);
    log(`  cost of the chain: ${cost(withChain.wall, without.wall)} % of wall-clock throughput, ${cost(withChain.cpu, without.cpu)} % per CPU second (goal ≤ 5 %)`);
    // Wall clock around a few microseconds of work: it grows with the time the process waits for a
    // core, so it is not set against a command's CPU time; the call timed alone below is.
    log(
      `  sealing and serializing an event, wall clock inside the command rounds: ${withChain.sealingMicros!.toFixed(1)} µs with the chain, ` +
        `${without.sealingMicros!.toFixed(1)} µs without`,
    );
    const { chained: sealed, unchained: serialized } = alone[b]!;
    log(
      `  timed alone, CPU time per event: ${sealed.toFixed(2)} µs sealed and serialized, ${serialized.toFixed(2)} µs serialized without the chain; ` +
        `the ${(sealed - serialized).toFixed(2)} µs added are ${(((sealed - serialized) / (1e6 / without.cpu)) * 100).toFixed(1)} % of a command without the chain (${(1e6 / without.cpu).toFixed(0)} µs)`,
    );
  }
}

/**
 * Commands/s over HTTP with and without the chain: one server of each, both under the same load at
 * the same time; each round's figures are each server's requests/s and CPU time.
 */
const overHttp = async () => {
  const servers = await Promise.all(
    (['on', 'off'] as const).map(async (chain) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'bench-proof-http-'));
      const server = await startProcess(['--import', 'tsx', 'bench/chain-server.ts'], { DATA_DIR: dataDir, CHAIN: chain });
      return { chain, dataDir, server, rates: [] as Rate[] };
    }),
  );
  try {
    const body = JSON.stringify({ section: 'workflow', text: 'Quotes above the credit limit are approved by phone.', pain: 2, frequency: 'daily' });
    /**
     * Each round records findings in interviews of its own: the rounds compare the chain, not
     * interviews grown by the rounds before.
     */
    const freshInterviews = async (address: string) => (await conductedInterviews(address, CONCURRENCY)).interviewIds;
    const measure = async (side: (typeof servers)[number], interviews: string[], seconds: number) => {
      const before = processUsage(side.server.child.pid!).cpuSeconds;
      const result = await load({
        url: side.server.address,
        connections: CONCURRENCY,
        duration: seconds,
        requests: [{ method: 'POST', headers: benchHeaders, body, setupRequest: (request) => ({ ...request, path: `/interviews/${interviews[Math.floor(Math.random() * interviews.length)]}/findings` }) }],
      });
      if (result.non2xx > 0 || result.errors > 0) throw new Error(`CHAIN=${side.chain}: ${result.non2xx} answers not 2xx, ${result.errors} errors`);
      const cpu = processUsage(side.server.child.pid!).cpuSeconds - before;
      return { wall: result.requestsPerSecond, cpu: result.total / cpu };
    };
    // Both servers take their load at once, so that whatever else the machine does – and how it
    // drifts – weighs on both alike; the two share the cores, and the one whose commands cost
    // less gets through more of them.
    const together = async (seconds: number) => {
      const prepared = [];
      for (const side of servers) prepared.push({ side, interviews: await freshInterviews(side.server.address) });
      return Promise.all(prepared.map(({ side, interviews }) => measure(side, interviews, seconds)));
    };
    // Not counted: the JIT compiles the command path first.
    await together(2);
    const costs: number[] = [];
    for (let r = 1; r <= ROUNDS; r++) {
      const [chained, unchained] = await together(HTTP_SECONDS);
      servers[0]!.rates.push(chained!);
      servers[1]!.rates.push(unchained!);
      costs.push(1 - chained!.wall / unchained!.wall);
      log(`  HTTP round ${r}: chained ${show(chained!)}; unchained ${show(unchained!)} commands; the chain costs ${(100 * costs.at(-1)!).toFixed(1)} %`);
    }
    return { chained: medians(servers[0]!.rates), unchained: medians(servers[1]!.rates), cost: median(costs) };
  } finally {
    for (const { server, dataDir } of servers) {
      await stop(server.child);
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
};
if (PARTS.has('http')) {
  log(`commands over HTTP, RecordFinding on ${CONCURRENCY} connections to each server, both at once, ${HTTP_SECONDS} s per round:`);
  const http = await overHttp();
  log(`commands over HTTP, median: with the chain ${show(http.chained)}; without ${show(http.unchained)}`);
  log(
    `  cost of the chain: ${(100 * http.cost).toFixed(1)} % of the throughput (median of the rounds' own ratios; goal ≤ 5 %), ` +
      `${cost(http.chained.cpu, http.unchained.cpu)} % per CPU second of the server`,
  );
}
if (PARTS.has('verify')) {
  log(`verification over ${VERIFY_EVENTS.toLocaleString('en')} events:`);
  const verified = await verification();
  for (const [b, build] of builds.entries()) log(`events verified${BASE ? `, ${build.name} build` : ''}, median: ${show(verified[b]!)} (goal ≥ 200,000/s)`);
}
log(`load average at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
