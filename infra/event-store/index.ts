/** The event store: its port, the in-memory adapter for tests and the embedded SQLite default. */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { EventStoreUnavailableError } from './port.js';
import { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite.js';

export * from './port.js';
export { InMemoryEventStore, type InMemoryEventStoreOptions } from './in-memory.js';
export { SqliteEventStore, type OpenedHead, type SqliteEventStoreOptions } from './sqlite.js';
export { headWitnessFileOf, LogHeadWitness } from './sqlite-head.js';
export { CURRENT_UPCASTING, type Upcasting } from './serialization.js';

export const SQLITE_EVENT_STORE_FILE = 'events.sqlite3';

/** Opens the event log in `dataDir/events.sqlite3`, creating the directory and the file as needed. */
export const openSqliteEventStore = async (dataDir: string, options?: SqliteEventStoreOptions): Promise<SqliteEventStore> => {
  try {
    await mkdir(dataDir, { recursive: true });
  } catch (error) {
    throw new EventStoreUnavailableError(`cannot create the event store directory ${dataDir}: ${String(error)}`, { cause: error });
  }
  return SqliteEventStore.open(join(dataDir, SQLITE_EVENT_STORE_FILE), options);
};
