/** Helpers for benchmarks: start processes, wait for them, run load, summarise. */
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createSigner } from 'fast-jwt';
import { readFileSync } from 'node:fs';

/**
 * The Node flags `npm start` gives the service (package.json's start script), so that the
 * benchmarks start it as its users do; the bare route of bench:commands runs with them too.
 */
export const START_FLAGS: string[] = (() => {
  const start = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } }).scripts.start;
  return /\bnode((?:\s+--\S+)*)\s/.exec(start)?.[1]?.trim().split(/\s+/).filter(Boolean) ?? [];
})();

export const startProcess = async (args: string[], env: Record<string, string>): Promise<{ child: ChildProcess; address: string }> => {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  const address = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /(http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`process exited with ${code}: ${output}`)));
  });
  child.stdout!.resume();
  return { child, address };
};

export const stop = async (child: ChildProcess) => {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
};

export type LoadResult = { requestsPerSecond: number; p50: number; p99: number; errors: number; non2xx: number; total: number };

export const load = async (options: autocannon.Options): Promise<LoadResult> => {
  const result = await autocannon(options);
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    total: result.requests.total,
  };
};

export const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
export const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 50);

/** The secret the benchmarked service verifies tokens with, and the headers of a pm and consultant. */
export const BENCH_SECRET = 'bench-secret-bench-secret-bench-secret-42';
const token = createSigner({ key: BENCH_SECRET, algorithm: 'HS256', expiresIn: 3_600_000 })({ sub: 'bench', name: 'Bench', roles: ['pm', 'consultant'] });
export const benchHeaders = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

/** A command whose answer the set-up needs; anything but success stops the benchmark. */
export const command = async <T extends object = { id: string; version: number; position: string }>(base: string, path: string, body: object = {}) => {
  const response = await fetch(`${base}${path}`, { method: 'POST', headers: benchHeaders, body: JSON.stringify(body) });
  if (response.status >= 300) throw new Error(`${path} → ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
};

/** An engagement with `interviews` interviews scheduled and conducted through the API, ready for findings. */
export const conductedInterviews = async (base: string, interviews: number) => {
  const engagement = await command(base, '/engagements', { name: 'Bench', client: 'Acme', sponsor: { name: 'Z', title: 'CEO' } });
  const interviewIds: string[] = [];
  for (let i = 0; i < interviews; i++) {
    const interview = await command(base, `/engagements/${engagement.id}/interviews`, interviewBody);
    await command(base, `/interviews/${interview.id}/conduct`, { conductedAt: '2026-03-05T02:00:00Z' });
    interviewIds.push(interview.id);
  }
  return { engagementId: engagement.id, interviewIds };
};

/** An interview with Li Na, as the benchmarks schedule it. */
export const interviewBody = {
  interviewee: { name: 'Li Na', department: 'Sales', position: 'Manager', userId: 'u-li' },
  interviewers: ['Chen Wei'],
  scheduledAt: '2026-03-05T10:00:00+08:00',
  durationMinutes: 60,
  location: 'Room 3',
  method: 'in-person',
  topics: ['business-process'],
};

/**
 * CPU seconds a child process has used so far, and its peak resident set, from /proc (Linux).
 * On a shared machine the wall-clock rate moves with everyone else's load; the CPU a process spends
 * per request does not, so the two together tell load from cost.
 */
export const processUsage = (pid: number): { cpuSeconds: number; peakRssMb: number } => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const peak = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return { cpuSeconds: ticks / CLOCK_TICKS, peakRssMb: peak ? Number(peak[1]) / 1024 : NaN };
};

const CLOCK_TICKS = 100;
