/**
 * Load run of a realistic command mix against the service as `npm start` runs it (embedded store),
 * beside a bare Fastify route doing the same JSON validation in the same run; then the latency of
 * a command on a stream with 10,000 events against one on a fresh stream.
 *
 *   npm run bench:commands            (DURATION=20 CONNECTIONS=32 ROUNDS=3 WARMUP=5 LONG_STREAM=10000 to change)
 *
 * KEYED=1 sends every command of the mix with an Idempotency-Key of its own, as the web app does.
 * COMMAND_PATH=1 adds a third server to each round: the API without its read side
 * (`bench/chain-server.ts` with READ_SIDE=off), under the same mix – what the command path alone
 * delivers on this machine, between the bare route and the service.
 *
 * SERVICE=<path to dist/services/roles/main.js> runs another build – say main's, for a before/after on
 * the same machine at the same time. The service runs with NODE_ENV=production, as deployed.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_SECRET, benchHeaders, conductedInterviews, interviewBody, load, median, percentile, processUsage, START_FLAGS, startProcess, stop, type LoadResult } from './support.js';

const DURATION = Number(process.env['DURATION'] ?? 15);
const SERVICE = process.env['SERVICE'] ?? 'dist/services/roles/main.js';
const CONNECTIONS = Number(process.env['CONNECTIONS'] ?? 32);
const ROUNDS = Number(process.env['ROUNDS'] ?? 3);
/** Seconds of the same load before the first round, not counted: the rounds compare a growing store, not a cold process. */
const WARMUP = Number(process.env['WARMUP'] ?? 5);
/**
 * Events on the long stream; 0 leaves out the restart and the long/fresh comparison, for a
 * before/after of the rounds alone (filling the long stream takes minutes where each event costs
 * the stream's length somewhere).
 */
const LONG_STREAM = Number(process.env['LONG_STREAM'] ?? 10_000);
/** Sequential commands on each of the long and the fresh stream, in blocks of `BLOCK`. */
const SEQUENTIAL = 2_000;
const BLOCK = 50;
const SECRET = BENCH_SECRET;
const headers = benchHeaders;
const KEYED = process.env['KEYED'] === '1';
const COMMAND_PATH = process.env['COMMAND_PATH'] === '1';
const findingBody = JSON.stringify({ section: 'workflow', text: 'Quotes above the credit limit are approved by phone.', pain: 2, frequency: 'daily' });

/** 90 % RecordFinding on existing interviews, 5 % ScheduleInterview, 5 % RecordReadiness. */
const mixedLoad = (base: string, engagementId: string, interviewIds: string[], duration = DURATION) =>
  load({
    url: base,
    connections: CONNECTIONS,
    duration,
    requests: [
      {
        method: 'POST',
        headers,
        setupRequest: (sent) => {
          const request = KEYED ? { ...sent, headers: { ...sent.headers, 'idempotency-key': randomUUID() } } : sent;
          const dice = Math.random();
          if (dice < 0.9) {
            const id = interviewIds[Math.floor(Math.random() * interviewIds.length)];
            return { ...request, path: `/interviews/${id}/findings`, body: findingBody };
          }
          if (dice < 0.95) return { ...request, path: `/engagements/${engagementId}/interviews`, body: JSON.stringify(interviewBody) };
          return { ...request, path: `/engagements/${engagementId}/readiness`, body: JSON.stringify({ item: 'funding-secured', status: 'met' }) };
        },
      },
    ],
  });

const bareLoad = (base: string, interviewIds: string[]) =>
  load({
    url: base,
    connections: CONNECTIONS,
    duration: DURATION,
    requests: [
      {
        method: 'POST',
        headers,
        setupRequest: (request) => ({
          ...request,
          path: `/interviews/${interviewIds[Math.floor(Math.random() * interviewIds.length)]}/findings`,
          body: findingBody,
        }),
      },
    ],
  });

const sequentialLatencies = async (base: string, interviewId: string, count: number) => {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = process.hrtime.bigint();
    const response = await fetch(`${base}/interviews/${interviewId}/findings`, { method: 'POST', headers, body: findingBody });
    await response.arrayBuffer();
    if (response.status !== 201) throw new Error(`finding → ${response.status}`);
    latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return latencies.sort((a, b) => a - b);
};

/** When a query first answered 2xx (a 503 while the read models catch up is asked again). */
const firstOk = async (base: string, path: string) => {
  for (;;) {
    const response = await fetch(`${base}${path}`, { headers });
    await response.arrayBuffer();
    if (response.ok) return performance.now();
    if (response.status !== 503) throw new Error(`${path} → ${response.status}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

/** Waits until every projection of the service has caught up with the log; answers how long that took. */
const caughtUp = async (base: string) => {
  const started = performance.now();
  for (;;) {
    const ready = (await (await fetch(`${base}/health/ready`)).json()) as { checks: { projector?: { projections: Array<{ state: string; lagEvents?: number }> } } };
    if (ready.checks.projector?.projections.every((p) => p.state === 'live' && (p.lagEvents ?? 0) === 0)) return performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

/** The machine is shared: its load says how far wall-clock figures can be trusted. */
const loadAverage = () => `load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`;

const fmt = (r: LoadResult) =>
  `${r.requestsPerSecond.toFixed(0).padStart(6)} req/s  p50 ${String(r.p50).padStart(3)} ms  p99 ${String(r.p99).padStart(4)} ms  (${r.total} requests, ${r.non2xx} non-2xx, ${r.errors} errors)`;

const main = async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'crm-bench-'));
  const env = { DATA_DIR: dataDir, PORT: '0', AUTH_JWT_SECRET: SECRET, LOG_LEVEL: 'warn', NODE_ENV: 'production' };
  const service = await startProcess([...START_FLAGS, SERVICE], env);
  const bare = await startProcess([...START_FLAGS, '--import', 'tsx', 'bench/bare-server.ts'], { PORT: '0', AUTH_JWT_SECRET: SECRET });
  const commandPathDir = COMMAND_PATH ? mkdtempSync(join(tmpdir(), 'crm-bench-command-path-')) : undefined;
  const commandPath = commandPathDir
    ? await startProcess([...START_FLAGS, '--import', 'tsx', 'bench/chain-server.ts'], { DATA_DIR: commandPathDir, READ_SIDE: 'off' })
    : undefined;
  try {
    const { engagementId, interviewIds } = await conductedInterviews(service.address, 200);
    const commandPathSetUp = commandPath ? await conductedInterviews(commandPath.address, 200) : undefined;
    console.log(`service ${service.address}, bare ${bare.address}; ${CONNECTIONS} connections, ${DURATION} s per run, ${ROUNDS} rounds after ${WARMUP} s of warm-up${KEYED ? ', every command with an Idempotency-Key' : ''}; ${loadAverage()}`);
    const serviceRuns: LoadResult[] = [];
    const bareRuns: LoadResult[] = [];
    const commandPathRuns: LoadResult[] = [];
    let events = 1 + 2 * interviewIds.length;
    if (WARMUP > 0) events += (await mixedLoad(service.address, engagementId, interviewIds, WARMUP)).total;
    for (let round = 1; round <= ROUNDS; round++) {
      const before = processUsage(service.child.pid!);
      const s = await mixedLoad(service.address, engagementId, interviewIds);
      const after = processUsage(service.child.pid!);
      const b = await bareLoad(bare.address, interviewIds);
      serviceRuns.push(s);
      bareRuns.push(b);
      events += s.total;
      const cpuMs = (1_000 * (after.cpuSeconds - before.cpuSeconds)) / s.total;
      console.log(
        `round ${round}  service ${fmt(s)}; ${cpuMs.toFixed(2)} ms CPU per command, ${events.toLocaleString('en')} events in the store, peak RSS ${after.peakRssMb.toFixed(0)} MB\n` +
          `         bare    ${fmt(b)}`,
      );
      if (commandPath && commandPathSetUp) {
        const c = await mixedLoad(commandPath.address, commandPathSetUp.engagementId, commandPathSetUp.interviewIds);
        commandPathRuns.push(c);
        console.log(`         command path alone (no read side) ${fmt(c)}`);
      }
    }
    const serviceRps = median(serviceRuns.map((r) => r.requestsPerSecond));
    const bareRps = median(bareRuns.map((r) => r.requestsPerSecond));
    const first = serviceRuns[0]!.requestsPerSecond;
    console.log(`rounds on the growing store: ${serviceRuns.map((r) => `${((100 * r.requestsPerSecond) / first).toFixed(0)} %`).join(' → ')} of the first`);
    const peak = processUsage(service.child.pid!).peakRssMb;
    console.log(`peak RSS ${peak.toFixed(0)} MB with ${events.toLocaleString('en')} events: ${((peak * 100_000) / events).toFixed(0)} MB per 100,000 events; ${loadAverage()}`);
    console.log(
      `median: service ${serviceRps.toFixed(0)} commands/s (p50 ${median(serviceRuns.map((r) => r.p50))} ms, p99 ${median(serviceRuns.map((r) => r.p99))} ms); ` +
        `bare ${bareRps.toFixed(0)} req/s; ratio service/bare ${(serviceRps / bareRps).toFixed(2)}`,
    );
    if (commandPathRuns.length > 0) {
      const commandPathRps = median(commandPathRuns.map((r) => r.requestsPerSecond));
      console.log(
        `median: command path alone ${commandPathRps.toFixed(0)} commands/s (p50 ${median(commandPathRuns.map((r) => r.p50))} ms, p99 ${median(commandPathRuns.map((r) => r.p99))} ms); ` +
          `ratio command path/bare ${(commandPathRps / bareRps).toFixed(2)}, service/command path ${(serviceRps / commandPathRps).toFixed(2)}`,
      );
    }

    if (LONG_STREAM === 0) return;
    // A long stream: 10,000 events on one interview, then sequential commands on it and on a fresh one.
    console.log(`filling one interview with ${LONG_STREAM.toLocaleString('en')} findings`);
    const long = (await conductedInterviews(service.address, 1)).interviewIds[0]!;
    await load({ url: `${service.address}/interviews/${long}/findings`, method: 'POST', headers, body: findingBody, connections: 16, amount: LONG_STREAM });
    const fresh = (await conductedInterviews(service.address, 1)).interviewIds[0]!;
    await stop(service.child);
    const startedAt = performance.now();
    const restarted = await startProcess([...START_FLAGS, SERVICE], env);
    try {
      const listening = performance.now() - startedAt;
      const firstQuery = (await firstOk(restarted.address, `/engagements/${engagementId}/interviews`)) - startedAt;
      const rebuilt = await caughtUp(restarted.address);
      console.log(
        `restart with ${(events + LONG_STREAM + 6).toLocaleString('en')} events: listening after ${listening.toFixed(0)} ms, first 2xx query after ${firstQuery.toFixed(0)} ms; ` +
          `the in-memory read models were rebuilt from the log ${rebuilt.toFixed(0)} ms after that`,
      );
      const [coldLong] = await sequentialLatencies(restarted.address, long, 1);
      const [coldFresh] = await sequentialLatencies(restarted.address, fresh, 1);
      const cpuPerCommand = async (interviewId: string) => {
        const before = processUsage(restarted.child.pid!).cpuSeconds;
        const latencies = await sequentialLatencies(restarted.address, interviewId, BLOCK);
        return { latencies, cpuSeconds: processUsage(restarted.child.pid!).cpuSeconds - before };
      };
      // The restart left the code cold: both streams are warmed up first, so that neither pays for
      // it. Then blocks of the two alternate – long, fresh, fresh, long, … – so that the machine's
      // load, and how it drifts, weigh on both alike.
      await sequentialLatencies(restarted.address, long, 200);
      await sequentialLatencies(restarted.address, fresh, 200);
      const longRuns: Array<{ latencies: number[]; cpuSeconds: number }> = [];
      const freshRuns: Array<{ latencies: number[]; cpuSeconds: number }> = [];
      for (let block = 0; block < SEQUENTIAL / BLOCK; block++) {
        for (const id of block % 2 === 0 ? [long, fresh] : [fresh, long]) (id === long ? longRuns : freshRuns).push(await cpuPerCommand(id));
      }
      const longLatencies = longRuns.flatMap((r) => r.latencies).sort((a, b) => a - b);
      const freshLatencies = freshRuns.flatMap((r) => r.latencies).sort((a, b) => a - b);
      /** Milliseconds of CPU per command. */
      const cpu = (runs: Array<{ cpuSeconds: number }>) => (1_000 * runs.reduce((sum, r) => sum + r.cpuSeconds, 0)) / (runs.length * BLOCK);
      console.log(
        `first command after restart: 10,000-event stream ${coldLong!.toFixed(1)} ms, fresh stream ${coldFresh!.toFixed(1)} ms\n` +
          `CPU per command: 10,000-event stream ${cpu(longRuns).toFixed(2)} ms, fresh ${cpu(freshRuns).toFixed(2)} ms, ratio ${(cpu(longRuns) / cpu(freshRuns)).toFixed(2)}\n` +
          `steady state (${SEQUENTIAL.toLocaleString('en')} sequential each, alternating in blocks of ${BLOCK}): 10,000-event stream p50 ${percentile(longLatencies, 50).toFixed(2)} ms p99 ${percentile(longLatencies, 99).toFixed(2)} ms; ` +
          `fresh p50 ${percentile(freshLatencies, 50).toFixed(2)} ms p99 ${percentile(freshLatencies, 99).toFixed(2)} ms; ` +
          `ratio of medians ${(percentile(longLatencies, 50) / percentile(freshLatencies, 50)).toFixed(2)}`,
      );
    } finally {
      await stop(restarted.child);
    }
  } finally {
    await stop(service.child);
    await stop(bare.child);
    if (commandPath) await stop(commandPath.child);
    rmSync(dataDir, { recursive: true, force: true });
    if (commandPathDir) rmSync(commandPathDir, { recursive: true, force: true });
  }
};

await main();
