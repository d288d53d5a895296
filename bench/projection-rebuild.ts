/**
 * Benchmark (not a test): rebuilding projections from a large log.
 *
 *   node --import tsx bench/projection-rebuild.ts [options]
 *     --events N          events in the big log (default 1000000)
 *     --engagements N     engagements they are spread over (default 1000)
 *     --runs N            runs per measurement; the median is reported (default 3)
 *     --mongo-events N    events in the log the MongoDB runs rebuild (default 100000)
 *     --naive-events N    events the naive MongoDB projector applies (default 3000)
 *     --dir PATH          where the generated logs are kept (default: <tmpdir>/crm-discovery-bench)
 *     --skip-mongo        in-memory runs only (they are skipped anyway without MONGO_URL)
 *     --mongo-projections which projections the MongoDB runs cover (comma-separated; default both)
 *     --live-projections  which of them also get the live catch-up run (default both; on FerretDB
 *                         it takes minutes per 100k events for the backlog)
 *     --skip-memory       MongoDB runs only
 *
 * The logs are generated once into SQLite event store files (`<dir>/events-<N>.sqlite3`, through
 * the event store port) and reused by later runs. Per engagement: 20 requirements captured, then
 * FindingRecorded and RequirementPrioritized in equal parts, appended five events at a time,
 * round-robin over the engagements, so a batch of 500 events touches about 100 streams.
 *
 * Measured, each run in a fresh Node process:
 * (a) the in-memory store: a rebuild (`rebuildProjection`) from the SQLite log, events per second
 *     and the process's peak RSS (`process.resourceUsage().maxRSS`), for a simple per-engagement
 *     activity projection (every event) and for the real `requirement-backlog` projection;
 * (b) MongoDB (`MONGO_URL`), on the smaller log: the same rebuild; the live runtime catching up
 *     from an empty database (batches of 500, each written and checkpointed); and a naive
 *     projector that reads, applies and writes back one event at a time (findOne + replaceOne by
 *     _id, checkpoint every 100 events) over the first `--naive-events`; rates per event compared.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import { pino } from 'pino';
import type { DomainEventType, EventEnvelope } from '../contracts/index.js';
import { priorityScore } from '../domain/index.js';
import { SqliteEventStore, type EventStore } from '../infra/event-store/index.js';
import { Projector, rebuildProjection } from '../infra/projector/index.js';
import { InMemoryReadModelStore, MongoReadModelStore } from '../infra/read-models/index.js';
import type { Projection, ReadDocument } from '../projections/projection.js';
import { requirementBacklog } from '../projections/requirement-backlog.js';

const REQUIREMENTS_PER_ENGAGEMENT = 20;
const INTERVIEWS_PER_ENGAGEMENT = 5;
const EVENTS_PER_APPEND = 5;
const NOW = Date.parse('2026-01-05T08:00:00.000Z');

const { values: options } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    engagements: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '3' },
    'mongo-events': { type: 'string', default: '100000' },
    'naive-events': { type: 'string', default: '3000' },
    dir: { type: 'string', default: join(tmpdir(), 'crm-discovery-bench') },
    'skip-mongo': { type: 'boolean', default: false },
    'live-projections': { type: 'string', default: 'engagement-activity,requirement-backlog' },
    'mongo-projections': { type: 'string', default: 'engagement-activity,requirement-backlog' },
    'skip-memory': { type: 'boolean', default: false },
    child: { type: 'string' },
    projection: { type: 'string' },
    file: { type: 'string' },
  },
});

/** Per engagement: what happened to it, in counts (bounded size, one document per engagement). */
type EngagementActivity = ReadDocument & { captured: number; findings: number; prioritizations: number; lastEventAt: string };

const engagementActivity: Projection<EngagementActivity> = {
  name: 'engagement-activity',
  eventTypes: ['RequirementCaptured', 'FindingRecorded', 'RequirementPrioritized'],
  route: (event) => [event.engagementId],
  apply: (document, event, id) => {
    const base = document ?? { id, engagementId: event.engagementId, position: event.position, captured: 0, findings: 0, prioritizations: 0, lastEventAt: '' };
    return {
      ...base,
      captured: base.captured + (event.type === 'RequirementCaptured' ? 1 : 0),
      findings: base.findings + (event.type === 'FindingRecorded' ? 1 : 0),
      prioritizations: base.prioritizations + (event.type === 'RequirementPrioritized' ? 1 : 0),
      lastEventAt: event.occurredAt,
    };
  },
};

const PROJECTIONS: Record<string, Projection<any>> = {
  [engagementActivity.name]: engagementActivity,
  [requirementBacklog.name]: requirementBacklog,
};

// ---------------------------------------------------------------------------------------------
// The log

const actor = { id: 'u-chen', name: 'Chen Wei', roles: ['consultant' as const] };
let sequence = 0;

const envelope = (type: DomainEventType, data: unknown, engagementId: string): EventEnvelope => {
  sequence++;
  return {
    type,
    data,
    eventId: `00000000-0000-4000-8000-${sequence.toString(16).padStart(12, '0')}`,
    schemaVersion: 1,
    occurredAt: new Date(NOW + sequence * 1_000).toISOString(),
    actor,
    correlationId: `req-${sequence}`,
    causationId: `cmd-${sequence}`,
    engagementId,
  } as EventEnvelope;
};

const engagementId = (e: number) => `bench-e${String(e).padStart(5, '0')}`;
const requirementId = (e: number, q: number) => `${engagementId(e)}.q${String(q).padStart(2, '0')}`;

const captured = (e: number, q: number) =>
  envelope(
    'RequirementCaptured',
    {
      requirementId: requirementId(e, q),
      engagementId: engagementId(e),
      title: `Requirement ${q} of engagement ${e}`,
      description: 'A quote above the customer credit limit needs finance approval before it is sent.',
      category: 'sales',
      departments: ['Sales', 'Finance'],
      sources: [{ interviewId: `${engagementId(e)}.i1`, findingId: 'f-1' }],
    },
    engagementId(e),
  );

const finding = (e: number, interview: number, n: number) =>
  envelope(
    'FindingRecorded',
    {
      interviewId: `${engagementId(e)}.i${interview}`,
      findingId: `f-${n}`,
      section: 'workflow',
      text: `Finding ${n}: quotes above the credit limit wait two days for a finance sign-off by email.`,
      pain: n % 4,
      frequency: 'daily',
    },
    engagementId(e),
  );

const prioritized = (e: number, q: number, n: number) => {
  const inputs = { frequency: n % 4, lossIfMismanaged: (n + 1) % 4, urgency: (n + 2) % 4, fundSafety: n % 2 === 0, stakeholderConcern: n % 3 === 0 };
  return envelope(
    'RequirementPrioritized',
    { requirementId: requirementId(e, q), ...inputs, rationale: 'Quotes stall for days.', score: priorityScore(inputs), formulaVersion: 1 },
    engagementId(e),
  );
};

const logFile = (dir: string, events: number) => join(dir, `events-${events}.sqlite3`);

/** Writes the log through the event store port, once; later runs reuse the file. */
const ensureLog = async (dir: string, events: number, engagements: number): Promise<string> => {
  const file = logFile(dir, events);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const partial = `${file}.partial`;
  rmSync(partial, { force: true });
  const started = Date.now();
  const store = SqliteEventStore.open(partial);
  let appended = 0;
  const append = async (stream: string, batch: EventEnvelope[]) => {
    const result = await store.appendToStream(stream, batch, 'any');
    if (!result.ok) throw new Error(`append to ${stream} refused`);
    appended += batch.length;
  };
  for (let e = 1; e <= engagements && appended < events; e++) {
    for (let q = 1; q <= REQUIREMENTS_PER_ENGAGEMENT && appended < events; q++) await append(`requirement-${requirementId(e, q)}`, [captured(e, q)]);
  }
  for (let round = 0; appended < events; round++) {
    for (let e = 1; e <= engagements && appended < events; e++) {
      const count = Math.min(EVENTS_PER_APPEND, events - appended);
      const first = Math.floor(round / 2) * EVENTS_PER_APPEND;
      if (round % 2 === 0) {
        const interview = (Math.floor(round / 2) % INTERVIEWS_PER_ENGAGEMENT) + 1;
        await append(`interview-${engagementId(e)}.i${interview}`, Array.from({ length: count }, (_, i) => finding(e, interview, first + i)));
      } else {
        const q = (Math.floor(round / 2) % REQUIREMENTS_PER_ENGAGEMENT) + 1;
        await append(`requirement-${requirementId(e, q)}`, Array.from({ length: count }, (_, i) => prioritized(e, q, first + i)));
      }
    }
    if (round % 40 === 0) process.stderr.write(`  generating ${file}: ${appended} events\r`);
  }
  await store.close();
  renameSync(partial, file);
  for (const suffix of ['-wal', '-shm']) rmSync(`${partial}${suffix}`, { force: true });
  process.stderr.write(`  generated ${file}: ${appended} events in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return file;
};

// ---------------------------------------------------------------------------------------------
// One measurement, in a child process of its own

type Measurement = { events: number; seconds: number; eventsPerSecond: number; peakRssMb: number; documents?: number };

const silent = pino({ level: 'silent' });

const measureMemory = async (file: string, projection: Projection<any>): Promise<Measurement> => {
  const eventStore = SqliteEventStore.open(file);
  const store = new InMemoryReadModelStore();
  const started = performance.now();
  const result = await rebuildProjection({ eventStore, store, projection, logger: silent });
  const seconds = (performance.now() - started) / 1000;
  const events = await countEvents(eventStore, projection);
  const documents = await store.collection(projection.name).count({});
  await eventStore.close();
  void result;
  return { events, seconds, eventsPerSecond: events / seconds, peakRssMb: process.resourceUsage().maxRSS / 1024, documents };
};

/** Events of the projection's types in the log: what a rebuild reads and folds. */
const countEvents = async (eventStore: EventStore, projection: Projection<any>): Promise<number> => {
  let count = 0;
  for await (const _event of eventStore.readAll({ filter: { eventTypes: projection.eventTypes } })) count++;
  return count;
};

const freshDatabase = () => `bench_${process.pid}_${Date.now().toString(36)}`;

const measureMongoBatched = async (file: string, projection: Projection<any>, url: string): Promise<Measurement> => {
  const eventStore = SqliteEventStore.open(file);
  const dbName = freshDatabase();
  const store = await MongoReadModelStore.open(url, { dbName });
  try {
    const started = performance.now();
    await rebuildProjection({ eventStore, store, projection, logger: silent });
    const seconds = (performance.now() - started) / 1000;
    const events = await countEvents(eventStore, projection);
    const documents = await store.collection(projection.name).count({});
    return { events, seconds, eventsPerSecond: events / seconds, peakRssMb: process.resourceUsage().maxRSS / 1024, documents };
  } finally {
    await dropDatabase(url, dbName);
    await store.close();
    await eventStore.close();
  }
};

/** The live runtime catching up from nothing: batches of 500, each written and checkpointed. */
const measureMongoLive = async (file: string, projection: Projection<any>, url: string): Promise<Measurement> => {
  const eventStore = SqliteEventStore.open(file);
  const dbName = freshDatabase();
  const store = await MongoReadModelStore.open(url, { dbName });
  const projector = new Projector({ eventStore, store, projections: [projection], logger: silent });
  try {
    const head = (await eventStore.headPosition())!;
    const started = performance.now();
    await projector.start();
    await projector.waitForPosition(head, 3_600_000);
    const seconds = (performance.now() - started) / 1000;
    const events = await countEvents(eventStore, projection);
    const documents = await store.collection(projection.name).count({});
    return { events, seconds, eventsPerSecond: events / seconds, peakRssMb: process.resourceUsage().maxRSS / 1024, documents };
  } finally {
    await projector.stop();
    await dropDatabase(url, dbName);
    await store.close();
    await eventStore.close();
  }
};

/** The projector one would write first: read the document, apply the event, write it back, per event. */
const measureMongoNaive = async (file: string, projection: Projection<any>, url: string, limit: number): Promise<Measurement> => {
  const eventStore = SqliteEventStore.open(file);
  const dbName = freshDatabase();
  const client = await MongoClient.connect(url);
  try {
    const collection = client.db(dbName).collection<{ _id: string } & Record<string, unknown>>(projection.name);
    const checkpoints = client.db(dbName).collection<{ _id: string; position: string }>('checkpoints');
    let events = 0;
    const started = performance.now();
    for await (const event of eventStore.readAll({ filter: { eventTypes: projection.eventTypes }, limit })) {
      for (const id of projection.route(event)) {
        const stored = await collection.findOne({ _id: id });
        const current = stored === null ? undefined : { ...stored, id: stored._id };
        const next = projection.apply(current, event, id);
        if (next === undefined) await collection.deleteOne({ _id: id });
        else {
          const { id: _id, ...fields } = { ...next, position: event.position };
          await collection.replaceOne({ _id: id }, fields, { upsert: true });
        }
      }
      events++;
      if (events % 100 === 0) await checkpoints.updateOne({ _id: projection.name }, { $set: { position: event.position } }, { upsert: true });
    }
    const seconds = (performance.now() - started) / 1000;
    const documents = await collection.countDocuments({});
    return { events, seconds, eventsPerSecond: events / seconds, peakRssMb: process.resourceUsage().maxRSS / 1024, documents };
  } finally {
    await client.db(dbName).dropDatabase().catch(() => undefined);
    await client.close();
    await eventStore.close();
  }
};

const dropDatabase = async (url: string, dbName: string) => {
  const client = await MongoClient.connect(url);
  await client.db(dbName).dropDatabase().catch(() => undefined);
  await client.close();
};

const child = async (): Promise<void> => {
  const projection = PROJECTIONS[options.projection ?? ''];
  if (projection === undefined || options.file === undefined) throw new Error('child needs --projection and --file');
  const url = process.env['MONGO_URL'];
  let measurement: Measurement;
  switch (options.child) {
    case 'memory':
      measurement = await measureMemory(options.file, projection);
      break;
    case 'mongo-batched':
      measurement = await measureMongoBatched(options.file, projection, url!);
      break;
    case 'mongo-live':
      measurement = await measureMongoLive(options.file, projection, url!);
      break;
    case 'mongo-naive':
      measurement = await measureMongoNaive(options.file, projection, url!, Number(options['naive-events']));
      break;
    default:
      throw new Error(`unknown child mode ${options.child}`);
  }
  process.stdout.write(`${JSON.stringify(measurement)}\n`);
};

// ---------------------------------------------------------------------------------------------
// The driver: runs the children, reports medians

const runChild = (mode: string, projection: string, file: string): Measurement => {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', resolve(import.meta.filename), '--child', mode, '--projection', projection, '--file', file, '--naive-events', options['naive-events']!],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 },
  );
  if (result.status !== 0) throw new Error(`${mode} ${projection} failed (exit ${result.status})`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Measurement;
};

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

const measure = (label: string, runs: number, mode: string, projection: string, file: string) => {
  const measurements: Measurement[] = [];
  for (let run = 1; run <= runs; run++) {
    const measurement = runChild(mode, projection, file);
    measurements.push(measurement);
    process.stderr.write(
      `  ${label} run ${run}: ${measurement.events} events in ${measurement.seconds.toFixed(2)} s = ${Math.round(measurement.eventsPerSecond)} events/s, peak RSS ${Math.round(measurement.peakRssMb)} MB, ${measurement.documents} documents\n`,
    );
  }
  const summary = {
    label,
    runs: measurements.length,
    events: measurements[0]!.events,
    medianSeconds: median(measurements.map((m) => m.seconds)),
    medianEventsPerSecond: median(measurements.map((m) => m.eventsPerSecond)),
    medianPeakRssMb: median(measurements.map((m) => m.peakRssMb)),
    maxPeakRssMb: Math.max(...measurements.map((m) => m.peakRssMb)),
  };
  process.stderr.write(
    `${label}: median ${Math.round(summary.medianEventsPerSecond)} events/s, peak RSS median ${Math.round(summary.medianPeakRssMb)} MB (max ${Math.round(summary.maxPeakRssMb)} MB)\n`,
  );
  return summary;
};

const main = async (): Promise<void> => {
  const events = Number(options.events);
  const engagements = Number(options.engagements);
  const runs = Number(options.runs);
  const dir = resolve(options.dir!);
  const report: Record<string, unknown> = { node: process.version, events, engagements };

  const big = await ensureLog(dir, events, engagements);
  if (!options['skip-memory']) {
    report['memory'] = [
      measure(`in-memory rebuild, ${engagementActivity.name}`, runs, 'memory', engagementActivity.name, big),
      measure(`in-memory rebuild, ${requirementBacklog.name}`, runs, 'memory', requirementBacklog.name, big),
    ];
  }

  const url = process.env['MONGO_URL'];
  if (url !== undefined && !options['skip-mongo']) {
    const mongoEvents = Number(options['mongo-events']);
    const small =
      mongoEvents === events ? big : await ensureLog(dir, mongoEvents, Math.min(engagements, Math.max(1, Math.floor(mongoEvents / 1_000))));
    report['mongo'] = options['mongo-projections']!.split(',').map((name) => {
      const batched = measure(`MongoDB batched rebuild, ${name}`, runs, 'mongo-batched', name, small);
      const naive = measure(`MongoDB naive projector, ${name}`, runs, 'mongo-naive', name, small);
      const speedup = batched.medianEventsPerSecond / naive.medianEventsPerSecond;
      process.stderr.write(`MongoDB, ${name}: rebuild / naive = ${speedup.toFixed(1)}x\n`);
      if (!options['live-projections']!.split(',').includes(name)) {
        return { projection: name, url: url.replace(/\/\/[^@]*@/, '//'), batched, naive, speedup };
      }
      const live = measure(`MongoDB live runtime catching up, ${name}`, runs, 'mongo-live', name, small);
      const liveSpeedup = live.medianEventsPerSecond / naive.medianEventsPerSecond;
      process.stderr.write(`MongoDB, ${name}: live catch-up / naive = ${liveSpeedup.toFixed(1)}x\n`);
      return { projection: name, url: url.replace(/\/\/[^@]*@/, '//'), batched, live, naive, speedup, liveSpeedup };
    });
  } else {
    process.stderr.write('MongoDB runs skipped (MONGO_URL not set or --skip-mongo)\n');
  }
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
};

await (options.child === undefined ? main() : child());
