/**
 * A CPU profile of the service under bench:commands' load: the service runs with `--cpu-prof`,
 * gets `WARMUP` seconds of load, then `DURATION` seconds whose samples alone are summarised – self
 * time per function and inclusive time per stage of the command path, in µs per command.
 *
 *   node --import tsx bench/profile-commands.ts      (DURATION=15 WARMUP=5 CONNECTIONS=32 PROFILE_DIR=… to change)
 *
 * SERVICE=<path to dist/services/roles/main.js> profiles another build. KEYED=1 sends every
 * command with an Idempotency-Key of its own, as the web app does.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_SECRET, benchHeaders, command, interviewBody, load, START_FLAGS, startProcess, stop } from './support.js';

const DURATION = Number(process.env['DURATION'] ?? 15);
const WARMUP = Number(process.env['WARMUP'] ?? 5);
const CONNECTIONS = Number(process.env['CONNECTIONS'] ?? 32);
const SERVICE = process.env['SERVICE'] ?? 'dist/services/roles/main.js';
const KEYED = process.env['KEYED'] === '1';
const PROFILE_DIR = process.env['PROFILE_DIR'] ?? mkdtempSync(join(tmpdir(), 'crm-profile-'));
const findingBody = JSON.stringify({ section: 'workflow', text: 'Quotes above the credit limit are approved by phone.', pain: 2, frequency: 'daily' });

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] };
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number };

/** Stages of the command path, each matched by the frames it runs in (first match from the leaf up wins for inclusive time). */
const STAGES: Array<[string, (frame: Node['callFrame']) => boolean]> = [
  ['token check', (f) => /infra\/identity|fast-jwt/.test(f.url)],
  ['idempotency store', (f) => /infra\/idempotency/.test(f.url)],
  ['membership (engagement state load)', (f) => f.functionName === 'authorize' && /command-bus/.test(f.url)],
  ['own stream state load', (f) => f.functionName === 'load' && /aggregate-states/.test(f.url)],
  ['decider', (f) => /dist\/domain\//.test(f.url)],
  ['append (group commit, chain, insert)', (f) => f.functionName === 'appendToStream' || /event-store\/(sqlite|chain|canonical)/.test(f.url)],
  ['read models written through to SQLite (kept read models)', (f) => /infra\/read-models\/sqlite/.test(f.url)],
  ['log read by the projector (catch-up subscription)', (f) => /catch-up-subscription|log-scan/.test(f.url)],
  ['projections', (f) => /dist\/projections\/|infra\/projector|infra\/read-models/.test(f.url)],
  ['command bus (rest)', (f) => /services\/commands\//.test(f.url)],
  ['zod', (f) => /node_modules\/zod/.test(f.url)],
  ['ids (uuid)', (f) => /node_modules\/uuid/.test(f.url)],
  ['logging (pino)', (f) => /node_modules\/pino/.test(f.url)],
  ['metrics', (f) => /services\/http\/metrics|prom-client/.test(f.url)],
  ['fastify', (f) => /node_modules\/(fastify|@fastify|find-my-way|avvio|light-my-request|fast-json-stringify)/.test(f.url)],
  ['service http (rest)', (f) => /services\/http\//.test(f.url)],
];

const summarise = (profile: Profile, from: number, to: number, commands: number) => {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const stage = new Map<string, number>();
  let t = profile.startTime;
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i]!;
    if (t < from || t > to) continue;
    const dt = profile.timeDeltas[i + 1] ?? 0;
    total += dt;
    const leaf = byId.get(profile.samples[i]!)!;
    const f = leaf.callFrame;
    const name = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${f.lineNumber + 1}`;
    self.set(name, (self.get(name) ?? 0) + dt);
    const stages = new Set<string>();
    for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id)!.callFrame;
      for (const [label, match] of STAGES) if (match(frame)) stages.add(label);
    }
    if (['(idle)', '(garbage collector)', '(program)'].includes(f.functionName)) stages.add(f.functionName);
    if (stages.size === 0) stages.add('(other)');
    for (const s of stages) stage.set(s, (stage.get(s) ?? 0) + dt);
  }
  const perCommand = (us: number) => `${(us / commands).toFixed(1).padStart(7)} µs/command ${((100 * us) / total).toFixed(1).padStart(5)} %`;
  console.log(`\n${commands} commands, ${(total / 1e6).toFixed(1)} s sampled`);
  console.log('\ninclusive, by stage (a sample counts in every stage on its stack):');
  for (const [label, us] of [...stage].sort((a, b) => b[1] - a[1])) console.log(`  ${perCommand(us)}  ${label}`);
  console.log('\nself time, top 40:');
  for (const [name, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(`  ${perCommand(us)}  ${name}`);
};

const main = async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'crm-bench-'));
  const env = { DATA_DIR: dataDir, PORT: '0', AUTH_JWT_SECRET: BENCH_SECRET, LOG_LEVEL: 'warn', NODE_ENV: 'production' };
  const service = await startProcess([...START_FLAGS, '--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`, SERVICE], env);
  try {
    console.log(`profiling ${SERVICE} (${service.address}) into ${PROFILE_DIR}; setting up 200 interviews`);
    const engagement = await command(service.address, '/engagements', { name: 'Bench', client: 'Acme', sponsor: { name: 'Z', title: 'CEO' } });
    const ids: string[] = [];
    for (let i = 0; i < 200; i++) {
      const interview = await command(service.address, `/engagements/${engagement.id}/interviews`, interviewBody);
      await command(service.address, `/interviews/${interview.id}/conduct`, { conductedAt: '2026-03-05T02:00:00Z' });
      ids.push(interview.id);
    }
    const findings = (duration: number) =>
      load({
        url: service.address,
        connections: CONNECTIONS,
        duration,
        requests: [
          {
            method: 'POST',
            headers: benchHeaders,
            setupRequest: (r) => ({
              ...r,
              ...(KEYED ? { headers: { ...r.headers, 'idempotency-key': randomUUID() } } : {}),
              path: `/interviews/${ids[Math.floor(Math.random() * ids.length)]}/findings`,
              body: findingBody,
            }),
          },
        ],
      });
    console.log(`warming up for ${WARMUP} s`);
    await findings(WARMUP);
    console.log(`profiling ${DURATION} s of RecordFinding at ${CONNECTIONS} connections${KEYED ? ', each with an Idempotency-Key' : ''}`);
    // The profile's clock is the monotonic one in µs, as performance.timeOrigin + now() approximates.
    const from = process.hrtime.bigint();
    const result = await findings(DURATION);
    const to = process.hrtime.bigint();
    console.log(`${result.requestsPerSecond.toFixed(0)} commands/s, p50 ${result.p50} ms, p99 ${result.p99} ms, ${result.non2xx} non-2xx; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    await stop(service.child);
    // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile: thread 0 is the event loop; the SQLite threads write profiles of their own.
    const file = readdirSync(PROFILE_DIR).filter((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f)).sort().at(-1);
    if (!file) throw new Error(`no .cpuprofile in ${PROFILE_DIR}: did the service exit cleanly on SIGTERM?`);
    summarise(JSON.parse(readFileSync(join(PROFILE_DIR, file), 'utf8')) as Profile, Number(from / 1000n), Number(to / 1000n), result.total);
  } finally {
    await stop(service.child);
    rmSync(dataDir, { recursive: true, force: true });
  }
};

await main();
