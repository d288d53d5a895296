/**
 * Runs the example consumer: keeps a small table of requirements and their status, fed by the
 * integration events, in `STATE_FILE` (SQLite) next to its record of processed event ids.
 *
 *   KAFKA_BROKERS=127.0.0.1:19092 node --import tsx examples/downstream-consumer/main.ts
 *
 * Environment: KAFKA_BROKERS (required), KAFKA_TOPIC (default: the document's topic),
 * GROUP_ID (default crm-requirements-example), STATE_FILE (default ./downstream-example.sqlite3),
 * ASYNCAPI (path or URL of the AsyncAPI document, default docs/asyncapi.json).
 */
import { DownstreamConsumer, type EventHandler } from './consumer.js';
import { ProcessedStore } from './processed-store.js';
import { loadAsyncApiDocument, publishedSchema } from './published-schema.js';

const env = (name: string, fallback?: string): string => {
  const value = process.env[name] || fallback;
  if (value === undefined) {
    process.stderr.write(`${name} is required\n`);
    process.exit(2);
  }
  return value;
};

const schema = publishedSchema(await loadAsyncApiDocument(env('ASYNCAPI', 'docs/asyncapi.json')));
const store = new ProcessedStore(env('STATE_FILE', './downstream-example.sqlite3'));
store.db.exec(`CREATE TABLE IF NOT EXISTS requirements (
  requirement_id TEXT PRIMARY KEY, engagement_id TEXT NOT NULL, title TEXT, status TEXT NOT NULL, score INTEGER, updated_at TEXT NOT NULL
)`);

/** The downstream system's own model: what an ERP or reporting database might keep. */
const handle: EventHandler = (event, { db }) => {
  const data = event.data;
  const upsert = (fields: { title?: unknown; status?: unknown; score?: unknown }) =>
    db
      .prepare(
        `INSERT INTO requirements (requirement_id, engagement_id, title, status, score, updated_at)
         VALUES (@id, @engagementId, @title, COALESCE(@status, 'captured'), @score, @at)
         ON CONFLICT (requirement_id) DO UPDATE SET
           title = COALESCE(@title, title), status = COALESCE(@status, status), score = COALESCE(@score, score), updated_at = @at`,
      )
      .run({
        id: data['requirementId'],
        engagementId: event.engagementId,
        title: fields.title ?? null,
        status: fields.status ?? null,
        score: fields.score ?? null,
        at: event.occurredAt,
      });
  switch (event.type) {
    case 'requirement.captured':
      return void upsert({ title: data['title'], status: 'captured' });
    case 'requirement.revised':
      return void upsert({ title: (data['changes'] as { title?: string }).title });
    case 'requirement.prioritized':
      return void upsert({ status: 'prioritized', score: data['score'] });
    case 'requirement.accepted':
    case 'requirement.deferred':
    case 'requirement.rejected':
      return void upsert({ status: data['status'] });
    default:
      // interview.summary-confirmed, engagement.phase-advanced: not this example's concern.
      return;
  }
};

const topic = env('KAFKA_TOPIC', schema.topic);
const consumer = new DownstreamConsumer({
  brokers: env('KAFKA_BROKERS').split(','),
  topic,
  groupId: env('GROUP_ID', 'crm-requirements-example'),
  schema,
  store,
  handle,
  onOutcome: (outcome, origin, detail) => {
    if (outcome !== 'processed') process.stdout.write(`${outcome} ${origin.partition}@${origin.offset} ${JSON.stringify(detail)}\n`);
  },
});

const shutdown = async () => {
  await consumer.stop();
  store.close();
  process.stdout.write(`stopped: ${JSON.stringify(consumer.counts)}\n`);
  process.exit(0);
};
process.once('SIGINT', () => void shutdown());
process.once('SIGTERM', () => void shutdown());
await consumer.start();
process.stdout.write(`consuming ${topic} (contract ${schema.version}); Ctrl-C to stop\n`);
