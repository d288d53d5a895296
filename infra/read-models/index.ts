/** The read-model store: its port, the in-memory store (embedded default, tests) and the MongoDB store. */
export * from './port.js';
export { InMemoryReadModelStore } from './in-memory.js';
export { MongoReadModelStore, type MongoReadModelStoreOptions } from './mongo.js';
export { UnsupportedQueryError } from './filter.js';
export { READ_MODELS_FILE, SqliteReadModelStore } from './sqlite.js';
