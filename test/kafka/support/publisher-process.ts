/**
 * The publisher as a process of its own, for the crash test: the embedded SQLite log and file
 * checkpoints, as in production's embedded mode. It reports on stdout, one JSON line per fact.
 *
 * Environment: EVENTS_FILE, CHECKPOINT_DIR, KAFKA_BROKERS, KAFKA_TOPIC, BATCH (events per batch),
 * and BLOCK_AT_SAVE=n to make the n-th checkpoint save hang forever – after its batch was
 * acknowledged – so that a SIGKILL lands exactly between acknowledgement and checkpoint.
 */
import pino from 'pino';
import { SqliteEventStore } from '../../../infra/event-store/index.js';
import type { Checkpointer } from '../../../infra/consumer/index.js';
import { createPublisher, FileCheckpointStore } from '../../../infra/publisher/index.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};
const report = (fact: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(fact)}\n`);

const store = SqliteEventStore.open(env('EVENTS_FILE'), { pollIntervalMs: 20 });
const files = await FileCheckpointStore.open(env('CHECKPOINT_DIR'));
const blockAt = Number(process.env['BLOCK_AT_SAVE'] ?? 0);
let saves = 0;
const checkpoints: Checkpointer = {
  load: (name) => files.load(name),
  save: async (name, position) => {
    if (++saves === blockAt) {
      report({ fact: 'save-blocked', position });
      return new Promise<void>(() => {});
    }
    await files.save(name, position);
    report({ fact: 'saved', position });
  },
};

const publisher = createPublisher({
  store,
  checkpoints,
  brokers: env('KAFKA_BROKERS'),
  topic: env('KAFKA_TOPIC'),
  logger: pino({ level: process.env['TEST_LOG_LEVEL'] ?? 'warn' }, pino.destination(2)),
  maxBatchEvents: Number(process.env['BATCH'] ?? 1_000),
  backoff: { initialMs: 100, maxMs: 1_000 },
});
process.once('SIGTERM', () => {
  void publisher.stop().then(async () => {
    await store.close();
    report({ fact: 'stopped' });
    process.exit(0);
  });
});
await publisher.start();
report({ fact: 'started' });
