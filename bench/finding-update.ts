/**
 * Benchmark (not a test): what recording one more finding costs the read models, at 1, 1,000 and
 * 20,000 findings already in the interview – the projection's update and the store's write, as
 * the projector runtime does them – and what reading the interview back costs.
 *
 *   node --import tsx bench/finding-update.ts      (REPEAT=200 updates per size; MONGO_URL adds MongoDB)
 *
 * Side by side in one run, on the same stores:
 * - *whole document* (before): the finding appended to the interview document's `findings` array
 *   (`concat`, the update the interviews projection made until the findings got documents of their
 *   own), and that whole document written;
 * - *own document* (after): the update of the `interviews` and `interview-findings` projections,
 *   each document written: the interview moves on a revision, the finding is a new document.
 * Stores: in memory as production runs it (no freezing), the embedded default's SQLite
 * write-through, and MongoDB when MONGO_URL is set (a database of its own, dropped afterwards;
 * MONGO_REPEAT updates per size, 10 unless set), each with the indexes the service declares.
 * Reported: the median and p99 per finding, in microseconds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import type { DomainEvent, RecordedEvent } from '../contracts/index.js';
import { InMemoryReadModelStore, MongoReadModelStore, SqliteReadModelStore, type ReadModelStore } from '../infra/read-models/index.js';
import { interviewFindings, interviewSchedule, withFindings, type InterviewDocument, type InterviewRecord, type FindingDocument } from '../projections/index.js';
import { readInterview } from '../services/http/query-routes.js';
import { ensureReadModelIndexes } from '../services/wiring/read-side.js';
import { percentile } from './support.js';

const SIZES = [1, 1_000, 20_000];
const REPEAT = Number(process.env['REPEAT'] ?? 200);
const MONGO_URL = process.env['MONGO_URL'];
/** MongoDB replaces a 20,000-finding document slowly: fewer rounds there. */
const MONGO_REPEAT = Math.min(REPEAT, Number(process.env['MONGO_REPEAT'] ?? 10));

const actor = { id: 'u-chen', name: 'Chen Wei', roles: ['consultant' as const] };
let position = 0;
const revisions = new Map<string, number>();
const record = (event: DomainEvent, interviewId: string): RecordedEvent => {
  position += 1;
  const revision = (revisions.get(interviewId) ?? -1) + 1;
  revisions.set(interviewId, revision);
  return {
    ...event,
    eventId: randomUUID(),
    schemaVersion: 1,
    occurredAt: new Date(Date.UTC(2026, 2, 1) + position * 1_000).toISOString(),
    actor,
    correlationId: `c-${position}`,
    causationId: `k-${position}`,
    engagementId: 'e-bench',
    streamId: `interview-${interviewId}`,
    revision,
    position: String(position),
  } as RecordedEvent;
};
const scheduled = (interviewId: string): DomainEvent => ({
  type: 'InterviewScheduled',
  data: {
    engagementId: 'e-bench',
    interviewId,
    interviewee: { name: 'Li Na', department: 'Sales', position: 'Sales manager' },
    interviewers: ['Chen Wei'],
    scheduledAt: '2026-03-05T02:00:00.000Z',
    durationMinutes: 90,
    location: 'Room 3',
    method: 'in-person',
    topics: ['business-process'],
  },
} as DomainEvent);
const finding = (interviewId: string, n: number): DomainEvent => ({
  type: 'FindingRecorded',
  data: { interviewId, findingId: `${interviewId}-f-${n}`, section: 'workflow', text: 'Quotes above the credit limit are approved by phone.', pain: 2, frequency: 'daily' },
});

type Way = {
  name: string;
  /** Puts an interview with `size` findings in the store; returns the update of one more finding. */
  prepare: (store: ReadModelStore, interviewId: string, size: number) => Promise<(event: RecordedEvent) => Promise<void>>;
};

const upsert = <D extends { id: string; position: string }>(document: D) => [{ kind: 'upsert' as const, id: document.id, document, ifPositionBelow: document.position }];

/** Bulk writes of the set-up, a thousand documents at a time. */
const writeAll = async <D extends { id: string; position: string }>(store: ReadModelStore, name: string, documents: readonly D[]) => {
  for (let i = 0; i < documents.length; i += 1_000) {
    await store.collection<D>(name).write(documents.slice(i, i + 1_000).map((d) => upsert(d)[0]!));
  }
};

const wholeDocument: Way = {
  name: 'whole document (before)',
  prepare: async (store, interviewId, size) => {
    const events = [record(scheduled(interviewId), interviewId), ...Array.from({ length: size }, (_, n) => record(finding(interviewId, n), interviewId))];
    let document: InterviewDocument = { ...interviewSchedule.apply(undefined, events[0]!, interviewId)!, findings: [] };
    const findings = events.slice(1).map((event) => interviewFindings.apply(undefined, event, (event.data as { findingId: string }).findingId)!);
    document = withFindings({ ...document, position: events.at(-1)!.position }, findings);
    const interviews = store.collection<InterviewDocument>('interviews');
    await interviews.write(upsert(document));
    return async (event) => {
      const { findingId, section, text, pain, frequency } = event.data as FindingDocument;
      const added = { findingId, section, text, ...(pain === undefined ? {} : { pain }), ...(frequency === undefined ? {} : { frequency }), recordedAt: event.occurredAt, recordedBy: { ...actor, roles: [...actor.roles] } };
      document = { ...document, findings: document.findings.concat([added]), version: event.revision, updatedAt: event.occurredAt, position: event.position };
      await interviews.write(upsert(document));
    };
  },
};

const ownDocument: Way = {
  name: 'own document (after)',
  prepare: async (store, interviewId, size) => {
    const events = [record(scheduled(interviewId), interviewId), ...Array.from({ length: size }, (_, n) => record(finding(interviewId, n), interviewId))];
    let interview = interviewSchedule.apply(undefined, events[0]!, interviewId)!;
    const findings: FindingDocument[] = [];
    for (const event of events.slice(1)) {
      interview = { ...interviewSchedule.apply(interview, event, interviewId)!, position: event.position };
      findings.push(interviewFindings.apply(undefined, event, (event.data as { findingId: string }).findingId)!);
    }
    const interviews = store.collection<InterviewRecord>('interviews');
    const ownFindings = store.collection<FindingDocument>('interview-findings');
    await interviews.write(upsert(interview));
    await writeAll(store, 'interview-findings', findings);
    return async (event) => {
      interview = { ...interviewSchedule.apply(interview, event, interviewId)!, position: event.position };
      const id = (event.data as { findingId: string }).findingId;
      const added = { ...interviewFindings.apply(undefined, event, id)!, position: event.position };
      await ownFindings.write(upsert(added));
      await interviews.write(upsert(interview));
    };
  },
};

const micros = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return `${percentile(sorted, 50).toFixed(1)} / ${percentile(sorted, 99).toFixed(1)}`;
};

const measure = async (storeName: string, store: ReadModelStore, repeat: number) => {
  await ensureReadModelIndexes(store);
  for (const size of SIZES) {
    const cells: string[] = [];
    for (const way of [wholeDocument, ownDocument]) {
      const interviewId = `i-${way === wholeDocument ? 'whole' : 'own'}-${size}-${randomUUID().slice(0, 8)}`;
      process.stderr.write(`  ${storeName}: ${size} findings, ${way.name}: setting up…\r`);
      const update = await way.prepare(store, interviewId, size);
      const times: number[] = [];
      for (let n = 0; n < repeat; n++) {
        const event = record(finding(interviewId, size + n), interviewId);
        const started = performance.now();
        await update(event);
        times.push((performance.now() - started) * 1_000);
      }
      const reads: number[] = [];
      for (let n = 0; n < Math.min(repeat, 50); n++) {
        const started = performance.now();
        const answer = way === wholeDocument ? await store.collection<InterviewDocument>('interviews').get(interviewId) : await readInterview(store, interviewId);
        reads.push((performance.now() - started) * 1_000);
        if (answer?.findings.length !== size + repeat) throw new Error(`${interviewId}: ${answer?.findings.length} findings read back, ${size + repeat} written`);
      }
      cells.push(`${way.name}: update ${micros(times)} µs, read ${micros(reads)} µs`);
    }
    process.stderr.write(' '.repeat(100) + '\r');
    console.log(`${storeName.padEnd(9)} ${String(size).padStart(6)} findings | ${cells.join(' | ')}`);
  }
};

console.log(`Recording one more finding (median / p99 per finding, µs; ${REPEAT} per size) and reading the interview back`);
await measure('memory', new InMemoryReadModelStore({ freezeDocuments: false }), REPEAT);

const dir = mkdtempSync(join(tmpdir(), 'finding-update-'));
const sqlite = SqliteReadModelStore.open(join(dir, 'read-models.sqlite3'), { freezeDocuments: false });
await sqlite.load();
try {
  await measure('sqlite', sqlite, REPEAT);
} finally {
  await sqlite.close();
  rmSync(dir, { recursive: true, force: true });
}

if (MONGO_URL) {
  const dbName = `bench_findings_${randomUUID().slice(0, 8)}`;
  const mongo = await MongoReadModelStore.open(MONGO_URL, { dbName, serverSelectionTimeoutMS: 5_000 });
  try {
    await measure('mongodb', mongo, MONGO_REPEAT);
  } finally {
    const client = await MongoClient.connect(MONGO_URL);
    await client.db(dbName).dropDatabase().catch(() => undefined);
    await client.close();
    await mongo.close();
  }
} else {
  console.log('MongoDB skipped: MONGO_URL is not set (set -a; . .infra/env; set +a)');
}
