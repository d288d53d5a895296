/**
 * Opens the adapters the configuration names: EventStoreDB or the embedded SQLite store for
 * events, MongoDB or memory for read models. Each process role takes what it needs.
 */
import type { Logger } from 'pino';
import { SqliteEventStore } from '../../infra/event-store/index.js';
import type { EventStore } from '../../infra/event-store/port.js';
import { InMemoryReadModelStore, MongoReadModelStore, type ReadModelStore } from '../../infra/read-models/index.js';
import { SqliteSnapshotStore } from '../../infra/snapshots/store.js';
import type { Config } from './config.js';
import { openEmbeddedLog, reconcileSideStores, type Report } from '../../infra/embedded-data/integrity.js';
import { SqliteIdempotencyStore } from '../../infra/idempotency/store.js';

export const openEventStore = async (config: Config, logger: Logger): Promise<EventStore> => {
  if (config.EVENTSTORE_URL) {
    logger.info({ url: redact(config.EVENTSTORE_URL) }, 'using EventStoreDB');
    // Loaded only when configured: the embedded default needs no gRPC client.
    const { openEsdbEventStore } = await import('../../infra/event-store/esdb.js');
    return openEsdbEventStore(config.EVENTSTORE_URL);
  }
  logger.info({ dataDir: config.DATA_DIR }, 'using the embedded event store');
  return openEmbeddedLog(config.DATA_DIR, { report: reportTo(logger) });
};

const reportTo = (logger: Logger): Report => (message, details) => logger.error(details, message);

export const openReadModels = async (config: Config, logger: Logger): Promise<ReadModelStore> => {
  if (config.MONGO_URL) {
    logger.info({ url: redact(config.MONGO_URL) }, 'read models in MongoDB');
    return MongoReadModelStore.open(config.MONGO_URL);
  }
  logger.info('read models in memory, rebuilt from the log');
  return new InMemoryReadModelStore({ freezeDocuments: config.NODE_ENV !== 'production' });
};

/** Connection strings without their passwords, for logs. */
const redact = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@');

/**
 * Everything a process that serves the API opens: the event store, the read models, the
 * remembered answers of idempotent requests and the state snapshots – each closed at shutdown.
 */
export const openApiStores = async (config: Config, logger: Logger, onShutdown: (close: () => unknown) => void) => {
  const eventStore = await openEventStore(config, logger);
  onShutdown(() => eventStore.close());
  const idempotency = new SqliteIdempotencyStore(config.DATA_DIR);
  onShutdown(() => idempotency.close());
  const snapshots = new SqliteSnapshotStore(config.DATA_DIR, logger);
  onShutdown(() => snapshots.close());
  if (eventStore instanceof SqliteEventStore) {
    await reconcileSideStores({ dataDir: config.DATA_DIR, store: eventStore, idempotency, snapshots, report: reportTo(logger) });
  }
  const readModels = await openReadModels(config, logger);
  onShutdown(() => readModels.close());
  return { eventStore, readModels, idempotency, snapshots };
};
