/**
 * The MongoDB driver's failures, translated at the edge: whatever means "the server cannot be
 * reached or cannot serve right now" becomes `ReadModelStoreUnavailableError` (the projector
 * retries it, the HTTP layer answers 503); anything else becomes a plain `Error` naming what was
 * being done, with the driver's error as its cause. Nothing above `infra/` sees a driver class.
 */
import {
  MongoBulkWriteError,
  MongoError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoOperationTimeoutError,
  MongoServerClosedError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb';
import { ReadModelStoreUnavailableError } from './port.js';

/** Server error codes that say "not now" rather than "not this": elections, shutdowns, network, limits. */
const TRANSIENT_CODES = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  89, // NetworkTimeout
  91, // ShutdownInProgress
  189, // PrimarySteppedDown
  262, // ExceededTimeLimit
  9001, // SocketException
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

/** Socket errors Node raises itself, which the driver sometimes passes on unwrapped (a write to a socket the server closed). */
const NETWORK_ERRNOS = new Set(['EPIPE', 'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

const isTransient = (error: unknown): boolean => {
  if (error instanceof Error && NETWORK_ERRNOS.has((error as NodeJS.ErrnoException).code ?? '')) return true;
  if (
    error instanceof MongoNetworkError ||
    error instanceof MongoServerSelectionError ||
    error instanceof MongoNotConnectedError ||
    error instanceof MongoTopologyClosedError ||
    error instanceof MongoServerClosedError ||
    error instanceof MongoOperationTimeoutError
  ) {
    return true;
  }
  if (error instanceof MongoError && (error.hasErrorLabel('RetryableWriteError') || error.hasErrorLabel('ResetPool'))) return true;
  return error instanceof MongoServerError && typeof error.code === 'number' && TRANSIENT_CODES.has(error.code);
};

export const translateMongoError = (error: unknown, doing: string): Error => {
  if (error instanceof ReadModelStoreUnavailableError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (isTransient(error)) return new ReadModelStoreUnavailableError(`MongoDB unavailable while ${doing}: ${message}`, { cause: error });
  return new Error(`MongoDB failed while ${doing}: ${message}`, { cause: error });
};

const DUPLICATE_KEY = 11000;

/**
 * Whether a bulk write failed only on duplicate keys – which, for position-guarded upserts, is how
 * "the stored document is already at or past this position" shows.
 */
export const failedOnlyOnDuplicateKeys = (error: unknown): boolean => {
  if (error instanceof MongoBulkWriteError) {
    const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
    return error.err === undefined && writeErrors.length > 0 && writeErrors.every((writeError) => writeError.code === DUPLICATE_KEY);
  }
  return error instanceof MongoServerError && error.code === DUPLICATE_KEY;
};

/** A single-document write refused because the `_id` it would insert exists. */
export const isDuplicateKey = (error: unknown): boolean => error instanceof MongoServerError && error.code === DUPLICATE_KEY;
