/**
 * The edge between better-sqlite3's errors and the port: a store that cannot be reached, read or
 * written (locked beyond the busy timeout, I/O failure, full disk, not a database) is unavailable;
 * any other driver error is a bug in this adapter and passes through unchanged.
 */
import Database from 'better-sqlite3';
import { EventStoreUnavailableError } from './port.js';

const OUTAGE = /^SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN|FULL|READONLY|CORRUPT|NOTADB|NOMEM|PROTOCOL|PERM|AUTH)/;

export const isUniqueViolation = (error: unknown): boolean =>
  error instanceof Database.SqliteError && error.code.startsWith('SQLITE_CONSTRAINT_UNIQUE');

export const translateSqliteError = (error: unknown, doing: string): unknown =>
  error instanceof Database.SqliteError && OUTAGE.test(error.code)
    ? new EventStoreUnavailableError(`the SQLite event store failed while ${doing}: ${error.code} ${error.message}`, { cause: error })
    : error;
