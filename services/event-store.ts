/** Chooses the event store adapter from the configuration. */
import type { Logger } from 'pino';
import { openSqliteEventStore } from '../infra/event-store/index.js';
import type { EventStore } from '../infra/event-store/port.js';
import type { Config } from './config.js';

export const openEventStore = async (config: Config, logger: Logger): Promise<EventStore> => {
  if (config.EVENTSTORE_URL) {
    throw new Error('EVENTSTORE_URL is set, but this build has no EventStoreDB adapter yet');
  }
  logger.info({ dataDir: config.DATA_DIR }, 'using the embedded event store');
  return openSqliteEventStore(config.DATA_DIR);
};
