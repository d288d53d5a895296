/**
 * Event store throughput: single-event appends of RecordFinding-sized events to 1,000 streams, each
 * with the stream's expected revision (one transaction, one fsync each), then a read of the whole
 * log. Prints the median of three runs. Not a test: run it by hand on the machine in question.
 *
 *   node --import tsx bench/event-store-append.ts [--rounds 10] [--fill 100000] [--dir /path/on/the/disk/to/measure]
 *
 * --rounds: appends per stream; --fill: events added in 500-event batches before the read, so that
 * the read measures a log of a realistic length rather than the appends alone.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { EventEnvelope } from '../contracts/index.js';
import { InMemoryEventStore, openSqliteEventStore, streamName, type EventStore } from '../infra/event-store/index.js';

const STREAMS = 1_000;
const RUNS = 3;
const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '10' }, fill: { type: 'string', default: '100000' }, dir: { type: 'string', default: tmpdir() } },
});
const rounds = Number(values.rounds);
const fill = Number(values.fill);

/** What RecordFinding emits: one FindingRecorded with a few sentences of text. */
const finding = (interview: number, n: number): EventEnvelope => ({
  type: 'FindingRecorded',
  data: {
    interviewId: `int-${interview}`,
    findingId: `f-${n}`,
    section: 'workflow',
    text:
      'Quotes above the customer credit limit are printed and walked to finance for a signature; sales cannot see ' +
      'whether a quote is waiting, so they call finance two or three times a day. Approvals take two days on average ' +
      'and a third of large quotes are lost to faster competitors.',
    pain: 3,
    frequency: 'daily',
  },
  eventId: randomUUID(),
  schemaVersion: 1,
  occurredAt: new Date().toISOString(),
  actor: { id: 'u-chen', name: 'Chen Wei', roles: ['consultant'] },
  correlationId: `req-${randomUUID()}`,
  causationId: `cmd-${randomUUID()}`,
  engagementId: `eng-${interview % 10}`,
});

type Figures = { appendsPerSecond: number; eventsRead: number; eventsPerSecond: number };

const measure = async (store: EventStore): Promise<Figures> => {
  // Envelopes are built before the clock starts: the figure is the store's, not the builder's.
  const work = Array.from({ length: rounds }, (_, round) => Array.from({ length: STREAMS }, (_, s) => finding(s, round)));
  const started = performance.now();
  for (const [round, batch] of work.entries()) {
    for (const [s, event] of batch.entries()) {
      const result = await store.appendToStream(streamName.interview(`int-${s}`), [event], round === 0 ? 'no-stream' : round - 1);
      if (!result.ok) throw new Error(`unexpected conflict on int-${s}`);
    }
  }
  const appendsPerSecond = (rounds * STREAMS) / ((performance.now() - started) / 1_000);

  for (let filled = 0; filled < fill; filled += 500) {
    const size = Math.min(500, fill - filled);
    await store.appendToStream(streamName.interview(`fill-${filled}`), Array.from({ length: size }, (_, i) => finding(STREAMS + filled, i)), 'no-stream');
  }

  const readStarted = performance.now();
  let eventsRead = 0;
  for await (const _event of store.readAll()) eventsRead++;
  const eventsPerSecond = eventsRead / ((performance.now() - readStarted) / 1_000);
  return { appendsPerSecond, eventsRead, eventsPerSecond };
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const report = async (name: string, open: () => Promise<{ store: EventStore; cleanUp: () => void }>) => {
  const runs: Figures[] = [];
  for (let run = 0; run < RUNS; run++) {
    const { store, cleanUp } = await open();
    try {
      runs.push(await measure(store));
    } finally {
      await store.close();
      cleanUp();
    }
  }
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  console.log(
    `${name.padEnd(8)} appends/s ${fmt(median(runs.map((r) => r.appendsPerSecond))).padStart(9)}   ` +
      `read ${fmt(runs[0]!.eventsRead)} events: events/s ${fmt(median(runs.map((r) => r.eventsPerSecond))).padStart(9)}   ` +
      `(runs: ${runs.map((r) => `${fmt(r.appendsPerSecond)}/${fmt(r.eventsPerSecond)}`).join(', ')})`,
  );
};

console.log(`${rounds} single-event appends to each of ${STREAMS} streams, then ${fill} more in 500-event batches and a read of the whole log; median of ${RUNS} runs`);
await report('sqlite', async () => {
  const dir = mkdtempSync(join(values.dir, 'event-store-bench-'));
  return { store: await openSqliteEventStore(dir), cleanUp: () => rmSync(dir, { recursive: true, force: true }) };
});
await report('memory', async () => ({ store: new InMemoryEventStore(), cleanUp: () => {} }));
