/**
 * A separate process that appends to a SQLite event store and prints every acknowledged append as
 * one JSON line, for the durability and multi-process tests:
 *
 *   node --import tsx appender-process.ts <dataDir> <run> solo            appends until killed
 *   node --import tsx appender-process.ts <dataDir> <run> contend <n>     appends n events to a
 *     stream that another process appends to as well, re-reading the revision after each conflict
 */
import type { EventEnvelope } from '../../contracts/index.js';
import { openSqliteEventStore, streamName } from '../../infra/event-store/index.js';
import { envelope } from './builders.js';

export type Acknowledged = { revision: number; position: string; events: EventEnvelope[] };

const [dataDir, run, mode, count] = process.argv.slice(2);
if (!dataDir || !run || (mode !== 'solo' && mode !== 'contend')) {
  throw new Error('usage: appender-process.ts <dataDir> <run> solo|contend [count]');
}

const interviewId = `${run}.i1`;
const stream = streamName.interview(interviewId);
const finding = (n: number) =>
  envelope(
    {
      type: 'FindingRecorded',
      data: {
        interviewId,
        findingId: `f-${process.pid}-${n}`,
        section: 'workflow',
        text: `Finding ${n} from process ${process.pid}: the sales team re-keys every order into the ERP by hand.`,
        pain: 3,
        frequency: 'daily',
      },
    },
    { engagementId: `${run}.e1`, commandId: `cmd-${process.pid}-${n}` },
  );

const store = await openSqliteEventStore(dataDir);
let expected: number | 'no-stream' = 'no-stream';
let written = 0;
const limit = mode === 'solo' ? Number.POSITIVE_INFINITY : Number(count);

while (written < limit) {
  // Batches of one to three events, so that a kill can land inside a multi-event transaction.
  const size = mode === 'solo' ? (written % 3) + 1 : 1;
  const events = Array.from({ length: size }, (_, i) => finding(written + i));
  const result = await store.appendToStream(stream, events, expected);
  if (!result.ok) {
    expected = result.actualRevision;
    continue;
  }
  written += size;
  expected = result.revision;
  const acknowledged: Acknowledged = { revision: result.revision, position: result.position, events };
  process.stdout.write(`${JSON.stringify(acknowledged)}\n`);
}
await store.close();
