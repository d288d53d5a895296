/**
 * The SQLite event log's schema and connection settings. The schema is versioned with
 * `PRAGMA user_version`: `MIGRATIONS[n]` brings a file from version n to n + 1, so a later version
 * adds a step here and existing files move forward when opened.
 */
import type Database from 'better-sqlite3';
import { EventStoreUnavailableError } from './port.js';

const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE events (
    -- AUTOINCREMENT: a position is never handed out twice, even after a rolled-back append.
    position      INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id      TEXT    NOT NULL UNIQUE,
    stream_id     TEXT    NOT NULL,
    revision      INTEGER NOT NULL,
    type          TEXT    NOT NULL,
    engagement_id TEXT    NOT NULL,
    data          TEXT    NOT NULL,
    metadata      TEXT    NOT NULL,
    UNIQUE (stream_id, revision)
  ) STRICT;
  CREATE INDEX events_by_engagement ON events (engagement_id, position);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * WAL lets readers (projections, a second process) run beside the single writer. NORMAL leaves the
 * sync out of the COMMIT: the store syncs the WAL itself, off the event loop, before it acknowledges
 * an append (`infra/sqlite/wal-sync.ts`), so an acknowledged append survives a power cut, not only a
 * killed process.
 */
export const configureConnection = (db: Database.Database): void => {
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  if (mode !== 'wal') throw new EventStoreUnavailableError(`the event store file cannot use WAL (journal mode stays ${String(mode)})`);
  db.pragma('synchronous = NORMAL');
};

export const migrateSchema = (db: Database.Database): void => {
  // IMMEDIATE: two processes opening a new file at once must not both create the schema.
  db.transaction(() => {
    const version = Number(db.pragma('user_version', { simple: true }));
    if (version > SCHEMA_VERSION) {
      throw new EventStoreUnavailableError(`the event store file has schema version ${version}; this build knows up to ${SCHEMA_VERSION}`);
    }
    for (const migration of MIGRATIONS.slice(version)) db.exec(migration);
    if (version < SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
};
