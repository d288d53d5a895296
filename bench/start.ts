/**
 * A start on a long log: the embedded store filled with EVENTS events (default 1,000,000 – interviews
 * of 500 events each, written straight into the log), then the service started on it twice – a
 * first start, and a restart that finds what the first one kept (the read models in
 * `read-models.sqlite3`). Reports for each when it listens, when a command and a query first answer
 * 2xx, when the read models have caught up, and the peak resident set per 100,000 events.
 *
 *   npm run bench:start            (EVENTS=200000 to change)
 *
 * SERVICE=<dist/services/roles/main.js> names the build; several, comma-separated, each labelled
 * (`SERVICE=before:/tmp/main/dist/services/roles/main.js,after:dist/services/roles/main.js`), are measured one
 * after the other on the same log. Each build's first start begins without kept read models.
 *
 * KEEP_DATA_DIR=<dir> fills that directory once and keeps it, so that another build can be started on
 * the same log (a second run with the same KEEP_DATA_DIR skips the filling).
 *
 * RESTARTS=<n> (default 1) restarts each build n times after the first starts, the builds taking turns
 * so that the machine's drift weighs on each alike, and reports each build's medians. FIRST_START=0
 * skips the first starts: the restarts find the read models a KEEP_DATA_DIR already holds.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSigner } from 'fast-jwt';
import type { EventEnvelope, RecordedEvent } from '../contracts/index.js';
import { openEmbeddedLog } from '../infra/embedded-data/integrity.js';
import { interviewBody, median, processUsage, START_FLAGS, startProcess, stop } from './support.js';

const EVENTS = Number(process.env['EVENTS'] ?? 1_000_000);
const PER_INTERVIEW = 500;
const RESTARTS = Number(process.env['RESTARTS'] ?? 1);
const FIRST_START = process.env['FIRST_START'] !== '0';
const SERVICES = (process.env['SERVICE'] ?? 'dist/services/roles/main.js').split(',').map((entry) => {
  const at = entry.lastIndexOf(':');
  return at < 0 ? { label: entry, path: entry } : { label: entry.slice(0, at), path: entry.slice(at + 1) };
});
const READ_MODELS_FILES = ['read-models.sqlite3', 'read-models.sqlite3-wal', 'read-models.sqlite3-shm'];
const SECRET = 'bench-secret-bench-secret-bench-secret-42';
const token = createSigner({ key: SECRET, algorithm: 'HS256', expiresIn: 3_600_000 })({ sub: 'bench', name: 'Bench', roles: ['pm', 'consultant'] });
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
const findingBody = JSON.stringify({ section: 'workflow', text: 'Quotes above the credit limit are approved by phone.', pain: 2, frequency: 'daily' });

const post = async (base: string, path: string, body: object) => {
  const response = await fetch(`${base}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  if (response.status >= 300) throw new Error(`${path} → ${response.status} ${await response.text()}`);
  return (await response.json()) as { id: string };
};

/** The first moment `request` answers 2xx, asking again after a 503. */
const firstOk = async (request: () => Promise<Response>) => {
  for (;;) {
    const response = await request();
    await response.arrayBuffer();
    if (response.ok) return performance.now();
    if (response.status !== 503) throw new Error(`→ ${response.status}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

/** An interview scheduled and conducted through the API: the template of the interviews written into the log. */
const template = async (env: Record<string, string>) => {
  const service = await startProcess([...START_FLAGS, SERVICES[0]!.path], env);
  try {
    const engagement = await post(service.address, '/engagements', { name: 'Bench', client: 'Acme', sponsor: { name: 'Z', title: 'CEO' } });
    const interview = await post(service.address, `/engagements/${engagement.id}/interviews`, interviewBody);
    await post(service.address, `/interviews/${interview.id}/conduct`, { conductedAt: '2026-03-05T02:00:00Z' });
    return interview.id;
  } finally {
    await stop(service.child);
  }
};

const fill = async (dataDir: string, templateId: string) => {
  const log = await openEmbeddedLog(dataDir, { report: (message) => console.error(message) });
  try {
    const recorded: RecordedEvent[] = [];
    for await (const event of log.readStream(`interview-${templateId}`)) recorded.push(event);
    const [scheduled, conducted] = recorded;
    const interviews = Math.max(1, Math.round(EVENTS / PER_INTERVIEW));
    const started = performance.now();
    for (let i = 0; i < interviews; i++) {
      const interviewId = randomUUID();
      const envelope = (event: RecordedEvent, data: object): EventEnvelope => {
        const { streamId: _s, revision: _r, position: _p, ...rest } = event as RecordedEvent & Record<string, unknown>;
        return { ...(rest as unknown as EventEnvelope), data: data as never, eventId: randomUUID() };
      };
      const events: EventEnvelope[] = [
        envelope(scheduled!, { ...scheduled!.data, interviewId }),
        envelope(conducted!, { ...conducted!.data, interviewId }),
      ];
      for (let n = 2; n < PER_INTERVIEW; n++) {
        events.push(envelope(conducted!, { interviewId, findingId: randomUUID(), section: 'workflow', text: `finding ${n}` }));
        events.at(-1)!.type = 'FindingRecorded';
      }
      const appended = await log.appendToStream(`interview-${interviewId}`, events, 'no-stream');
      if (!appended.ok) throw new Error(`interview ${interviewId} could not be written`);
      if (i % 100 === 99 || i === interviews - 1) {
        process.stderr.write(`\r  filling the log: ${((i + 1) * PER_INTERVIEW).toLocaleString('en')} of ${(interviews * PER_INTERVIEW).toLocaleString('en')} events`);
      }
    }
    process.stderr.write(` in ${((performance.now() - started) / 1_000).toFixed(0)} s\n`);
    return interviews * PER_INTERVIEW + recorded.length + 2;
  } finally {
    await log.close();
  }
};

/** Polls readiness until every projection is live at the head of the log. */
const caughtUp = async (base: string) => {
  for (;;) {
    const ready = (await (await fetch(`${base}/health/ready`)).json()) as { checks: { projector?: { projections: Array<{ state: string; lagEvents?: number }> } } };
    if (ready.checks.projector?.projections.every((p) => p.state === 'live' && (p.lagEvents ?? 0) === 0)) return performance.now();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

type StartFigures = { listening: number; command: number; query: number; caughtUp: number; peakRssMb: number };

const measureStart = async (path: string, env: Record<string, string>, templateId: string, events: number): Promise<StartFigures> => {
  const startedAt = performance.now();
  const service = await startProcess([...START_FLAGS, path], env);
  try {
    const listening = performance.now() - startedAt;
    const since = (at: number) => `${(at - startedAt).toFixed(0)} ms`;
    const [command, query] = await Promise.all([
      firstOk(() => fetch(`${service.address}/interviews/${templateId}/findings`, { method: 'POST', headers, body: findingBody })),
      firstOk(() => fetch(`${service.address}/interviews/${templateId}`, { headers })),
    ]);
    const whole = await caughtUp(service.address);
    console.log(
      `  listening after ${listening.toFixed(0)} ms; first 2xx command after ${since(command)}, first 2xx query after ${since(query)}; ` +
        `every read model caught up after ${since(whole)}`,
    );
    const peak = processUsage(service.child.pid!).peakRssMb;
    console.log(`  peak RSS ${peak.toFixed(0)} MB: ${((peak * 100_000) / events).toFixed(0)} MB per 100,000 events`);
    return { listening, command: command - startedAt, query: query - startedAt, caughtUp: whole - startedAt, peakRssMb: peak };
  } finally {
    await stop(service.child);
  }
};

const main = async () => {
  const kept = process.env['KEEP_DATA_DIR'];
  const dataDir = kept ?? mkdtempSync(join(tmpdir(), 'crm-bench-start-'));
  const env = { DATA_DIR: dataDir, PORT: '0', AUTH_JWT_SECRET: SECRET, LOG_LEVEL: 'warn', NODE_ENV: 'production' };
  const filled = join(dataDir, 'bench-start.json');
  try {
    let templateId: string;
    let events: number;
    if (kept && existsSync(filled)) {
      ({ templateId, events } = JSON.parse(readFileSync(filled, 'utf8')) as { templateId: string; events: number });
    } else {
      templateId = await template(env);
      events = await fill(dataDir, templateId);
      if (kept) writeFileSync(filled, JSON.stringify({ templateId, events }));
    }
    const announce = (label: string, start: string, path: string) =>
      console.log(`${label}, ${start}: ${path} on ${events.toLocaleString('en')} events (load average ${loadavg().map((l) => l.toFixed(1)).join(' ')})`);
    if (FIRST_START) {
      for (const service of SERVICES) {
        for (const file of READ_MODELS_FILES) rmSync(join(dataDir, file), { force: true });
        announce(service.label, 'first start', service.path);
        await measureStart(service.path, env, templateId, events);
      }
    }
    const restarts = new Map<string, StartFigures[]>(SERVICES.map((service) => [service.label, []]));
    for (let round = 1; round <= RESTARTS; round++) {
      for (const service of SERVICES) {
        announce(service.label, `restart ${round} of ${RESTARTS}`, service.path);
        restarts.get(service.label)!.push(await measureStart(service.path, env, templateId, events));
      }
    }
    for (const [label, figures] of restarts) {
      if (figures.length < 2) continue;
      const of = (pick: (f: StartFigures) => number) => `${median(figures.map(pick)).toFixed(0)} ms`;
      console.log(
        `${label}, median of ${figures.length} restarts: listening after ${of((f) => f.listening)}; first 2xx command after ${of((f) => f.command)}, ` +
          `first 2xx query after ${of((f) => f.query)}; caught up after ${of((f) => f.caughtUp)}; peak RSS ${median(figures.map((f) => f.peakRssMb)).toFixed(0)} MB`,
      );
    }
  } finally {
    if (!kept) rmSync(dataDir, { recursive: true, force: true });
  }
};

await main();
