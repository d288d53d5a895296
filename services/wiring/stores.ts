/**
 * Opens the adapters the configuration names: EventStoreDB or the embedded SQLite store for
 * events, MongoDB or memory for read models. Each process role takes what it needs. A driver is
 * loaded here only when its server is configured: the embedded default starts without loading the
 * MongoDB and EventStoreDB clients.
 */
import type { Logger } from 'pino';
import { SqliteEventStore } from '../../infra/event-store/index.js';
import type { EventStore } from '../../infra/event-store/port.js';
import { InMemoryReadModelStore } from '../../infra/read-models/in-memory.js';
import type { MongoReadModelStore } from '../../infra/read-models/mongo.js';
import type { ReadModelStore } from '../../infra/read-models/port.js';
import { SqliteSnapshotStore } from '../../infra/snapshots/store.js';
import type { Config } from './config.js';
import { openEmbeddedLog, reconcileSideStores, type Report } from '../../infra/embedded-data/integrity.js';
import { SqliteIdempotencyStore } from '../../infra/idempotency/store.js';
import { openEmbeddedReadModels } from '../../infra/embedded-data/read-models.js';

export const openEventStore = async (config: Config, logger: Logger): Promise<EventStore> => {
  if (config.EVENTSTORE_URL) {
    logger.info({ url: redact(config.EVENTSTORE_URL) }, 'using EventStoreDB');
    const { openEsdbEventStore } = await import('../../infra/event-store/esdb.js');
    return openEsdbEventStore(config.EVENTSTORE_URL);
  }
  logger.info({ dataDir: config.DATA_DIR }, 'using the embedded event store');
  return openEmbeddedLog(config.DATA_DIR, { report: reportTo(logger) });
};

const reportTo = (logger: Logger): Report => (message, details) => logger.error(details, message);

/** With the embedded log, the read models are kept beside it (`embedded-data/read-models.ts`). */
export const openReadModels = async (config: Config, logger: Logger, log?: EventStore): Promise<ReadModelStore> => {
  if (config.MONGO_URL) return openSharedReadModels(config.MONGO_URL, logger);
  if (log instanceof SqliteEventStore) {
    const freezeDocuments = config.NODE_ENV !== 'production';
    const store = await openEmbeddedReadModels(config.DATA_DIR, { logHead: log.opened.logHead, logger, freezeDocuments });
    logger.info({ file: store.file }, 'read models in memory, kept in SQLite beside the log');
    return store;
  }
  logger.info('read models in memory, rebuilt from the log');
  return new InMemoryReadModelStore({ freezeDocuments: config.NODE_ENV !== 'production' });
};

/** The read models in MongoDB, which every process of the real stack shares. */
export const openSharedReadModels = async (url: string, logger: Logger): Promise<MongoReadModelStore> => {
  logger.info({ url: redact(url) }, 'read models in MongoDB');
  const { MongoReadModelStore } = await import('../../infra/read-models/mongo.js');
  return MongoReadModelStore.open(url);
};

/** Connection strings without their passwords, for logs. */
const redact = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@');

/**
 * Everything a process that serves the API opens: the event store, the read models, the
 * remembered answers of idempotent requests and the state snapshots – each closed at shutdown;
 * `shared` is the read-model database when it is MongoDB, where leases, checkpoints and anchors live too.
 */
export const openApiStores = async (config: Config, logger: Logger, onShutdown: (close: () => unknown) => void) => {
  const eventStore = await openEventStore(config, logger);
  onShutdown(() => eventStore.close());
  const idempotency = new SqliteIdempotencyStore(config.DATA_DIR, { report: (message, error) => logger.error({ err: error }, message) });
  onShutdown(() => idempotency.close());
  const snapshots = new SqliteSnapshotStore(config.DATA_DIR, logger);
  onShutdown(() => snapshots.close());
  if (eventStore instanceof SqliteEventStore) {
    await reconcileSideStores({ dataDir: config.DATA_DIR, store: eventStore, idempotency, snapshots, report: reportTo(logger) });
  }
  const shared = config.MONGO_URL ? await openSharedReadModels(config.MONGO_URL, logger) : undefined;
  const readModels = shared ?? (await openReadModels(config, logger, eventStore));
  onShutdown(() => readModels.close());
  return { eventStore, readModels, shared, idempotency, snapshots };
};
