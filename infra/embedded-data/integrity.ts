/**
 * The embedded store's data checked against itself when a process starts: the event log against its
 * head witness (in `infra/event-store/sqlite-head.ts`), and the stores beside it in DATA_DIR against
 * the log. Each of them witnesses writes the log should hold – the answers of idempotent requests
 * name the positions of their events, the publisher's checkpoint the last position sent to Kafka,
 * a snapshot the revision of its stream.
 *
 * What lies past the end of the log means acknowledged writes were lost. The answers and the
 * checkpoint make the process refuse to start with what is wrong and how to recover; once an
 * operator accepts the loss (`npm run data:accept-loss`) they are dropped or reset, loudly, and the
 * positions they name are kept from ever being handed out again. Snapshots are only a cache: one
 * past its stream's end is dropped with a warning, and the stream is folded from the log.
 */
import { join } from 'node:path';
import {
  EventLogBehindError,
  openSqliteEventStore,
  SQLITE_EVENT_STORE_FILE,
  type SqliteEventStore,
} from '../event-store/index.js';
import type { Checkpointer } from '../consumer/checkpointer.js';
import { CONSUMERS_FILE } from '../consumer/sqlite-consumer-store.js';
import { DEFAULT_CHECKPOINT_NAME } from '../publisher/publisher.js';
import { openConsumerStore } from './consumers.js';
import type { SqliteSnapshotStore } from '../snapshots/store.js';
import { IDEMPOTENCY_FILE, type SqliteIdempotencyStore } from '../idempotency/store.js';

/** The data in DATA_DIR contradicts itself; the message says what is wrong and how to recover. */
export class DataDamagedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataDamagedError';
  }
}

/** Where damage is reported: a logger's error level in the service, the terminal in the CLI. */
export type Report = (message: string, details: Record<string, unknown>) => void;

const howToRecover = (dataDir: string) => [
  'How to recover, with the service stopped:',
  `  - restore the latest backup:  DATA_DIR=${dataDir} npm run restore -- <backup file>`,
  `  - or accept the loss:         DATA_DIR=${dataDir} npm run data:accept-loss`,
  '    (drops what lies past the end of the log, says what it dropped, and never reuses the lost positions)',
  'README.md, "Operations", explains both.',
];

/** Opens the embedded log, refusing one that lost acknowledged events unless `acceptLoss`. */
export const openEmbeddedLog = async (dataDir: string, options: { acceptLoss?: boolean; report: Report }): Promise<SqliteEventStore> => {
  let store: SqliteEventStore;
  try {
    store = await openSqliteEventStore(dataDir, { acceptLoss: options.acceptLoss ?? false });
  } catch (error) {
    if (!(error instanceof EventLogBehindError)) throw error;
    throw new DataDamagedError(
      [
        'The embedded event log has lost acknowledged events; the service does not start on it.',
        `  ${error.message}.`,
        `  The last commits of ${SQLITE_EVENT_STORE_FILE} are gone: its -wal file was truncated or deleted, or an older copy was put in its place.`,
        ...howToRecover(dataDir),
      ].join('\n'),
    );
  }
  const { logHead, acknowledged, nextAfter, witnessFile } = store.opened;
  if (acknowledged > logHead) {
    options.report(
      `ACCEPTED LOSS: the event log ends at position ${logHead}; positions ${logHead + 1n}..${acknowledged} were acknowledged and are gone for good. ` +
        `New events are appended after position ${nextAfter}.`,
      { logHead: String(logHead), acknowledged: String(acknowledged), witnessFile },
    );
  }
  return store;
};

export type Reconciled = {
  logHead: bigint;
  droppedAnswers: number;
  droppedSnapshots: string[];
  publisherCheckpoint?: { was: string; now: string };
};

/**
 * Checks the side stores against the log (see the top of this file). Without `acceptLoss`, answers
 * or a publisher checkpoint past the end of the log throw `DataDamagedError` and change nothing.
 */
export const reconcileSideStores = async (deps: {
  dataDir: string;
  store: SqliteEventStore;
  idempotency: SqliteIdempotencyStore;
  snapshots: SqliteSnapshotStore;
  acceptLoss?: boolean;
  report: Report;
}): Promise<Reconciled> => {
  const logHead = BigInt((await deps.store.headPosition()) ?? '0');
  const answers = deps.idempotency.answersPast(logHead);
  const consumers = await openConsumerStore(deps.dataDir);
  try {
    return await reconcile(deps, logHead, answers, consumers.checkpointer());
  } finally {
    consumers.close();
  }
};

const reconcile = async (
  deps: Parameters<typeof reconcileSideStores>[0],
  logHead: bigint,
  answers: ReturnType<SqliteIdempotencyStore['answersPast']>,
  checkpoints: Checkpointer,
): Promise<Reconciled> => {
  const { dataDir, store, idempotency, snapshots, report } = deps;
  const published = await checkpoints.load(DEFAULT_CHECKPOINT_NAME);
  const publishedPast = published !== undefined && BigInt(published) > logHead ? published : undefined;

  if (!deps.acceptLoss && (answers.count > 0 || publishedPast !== undefined)) {
    throw new DataDamagedError(
      [
        `The embedded event log ends at position ${logHead}, but the stores beside it saw later positions; the service does not start on it.`,
        ...(answers.count > 0
          ? [`  ${join(dataDir, IDEMPOTENCY_FILE)}: ${answers.count} acknowledged answer(s) name positions up to ${answers.highest} that the log does not hold.`]
          : []),
        ...(publishedPast !== undefined
          ? [`  ${join(dataDir, CONSUMERS_FILE)} (checkpoint ${DEFAULT_CHECKPOINT_NAME}): events up to position ${publishedPast} were published to Kafka.`]
          : []),
        `  ${join(dataDir, SQLITE_EVENT_STORE_FILE)} was replaced by an older copy, or lost its last commits.`,
        ...howToRecover(dataDir),
      ].join('\n'),
    );
  }

  const droppedSnapshots: string[] = [];
  for (const { stream, revision } of snapshots.revisions()) {
    const reached = store.streamRevision(stream);
    if (reached !== 'no-stream' && reached >= revision) continue;
    snapshots.discard(stream, `it was taken at revision ${revision}, which the log does not have; the stream is folded from the log`);
    droppedSnapshots.push(stream);
  }
  if (droppedSnapshots.length > 0) {
    report(`dropped ${droppedSnapshots.length} snapshot(s) past the end of their streams`, { streams: droppedSnapshots });
  }

  let droppedAnswers = 0;
  if (answers.count > 0) {
    droppedAnswers = idempotency.dropAnswersPast(logHead);
    report(
      `ACCEPTED LOSS: forgot ${droppedAnswers} remembered answer(s) of idempotent requests whose events the log no longer holds; ` +
        'a client that retries one with its Idempotency-Key has its command carried out again',
      { file: join(dataDir, IDEMPOTENCY_FILE), highestPosition: String(answers.highest) },
    );
  }
  let publisherCheckpoint: Reconciled['publisherCheckpoint'];
  if (publishedPast !== undefined) {
    await checkpoints.save(DEFAULT_CHECKPOINT_NAME, String(logHead));
    publisherCheckpoint = { was: publishedPast, now: String(logHead) };
    report(
      `ACCEPTED LOSS: events ${logHead + 1n}..${publishedPast} were published to Kafka but are no longer in the log; ` +
        `the publisher goes on after position ${logHead}, and new events take positions after ${publishedPast}`,
      { checkpoint: DEFAULT_CHECKPOINT_NAME },
    );
  }

  const seen = [answers.highest ?? 0n, publishedPast === undefined ? 0n : BigInt(publishedPast)].reduce((a, b) => (a > b ? a : b));
  if (seen > logHead) store.reservePositionsThrough(seen);
  return { logHead, droppedAnswers, droppedSnapshots, ...(publisherCheckpoint ? { publisherCheckpoint } : {}) };
};
