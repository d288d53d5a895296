/**
 * The edge between @eventstore/db-client's errors and the port. Whatever means "the server cannot
 * be reached or did not answer in time" becomes an `EventStoreUnavailableError`; the two answers the
 * adapter turns into results (a wrong expected version, a missing stream) are recognised here; any
 * other driver error is wrapped in a plain `Error` (the driver error stays its `cause`), so that no
 * driver class travels above `infra/`.
 *
 * Errors are recognised by the client's `type` and by the gRPC status code rather than only by
 * `instanceof`: some paths reject with the raw gRPC error (the server-features probe before the
 * first append, for one), and a second copy of the client package would defeat `instanceof`.
 */
import { ErrorType, type CurrentRevision } from '@eventstore/db-client';
import { EventStoreUnavailableError } from './port.js';

/** gRPC status codes (from the gRPC spec; kept here so that `infra/` needs no direct gRPC import). */
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;

/**
 * Client error types that mean "try again later": the node is unreachable or going away, did not
 * answer before the deadline, is not the leader, cancelled a long-running call (the client then
 * reconnects), or reported its own operation timeout (the append's outcome is unknown; a retry
 * with the same event ids is answered idempotently).
 */
const OUTAGE_TYPES: ReadonlySet<string> = new Set([
  ErrorType.UNAVAILABLE,
  ErrorType.DEADLINE_EXCEEDED,
  ErrorType.NOT_LEADER,
  ErrorType.CANCELLED,
  ErrorType.TIMEOUT,
]);

const OUTAGE_CODES: ReadonlySet<number> = new Set([GRPC_UNAVAILABLE, GRPC_DEADLINE_EXCEEDED]);

/** Socket-level failures that can reach us before gRPC has a status, and failed cluster discovery. */
const OUTAGE_MESSAGE = /ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|Failed to discover/;

type DriverError = Error & { type?: unknown; code?: unknown };

const asDriverError = (error: unknown): DriverError | undefined => (error instanceof Error ? (error as DriverError) : undefined);

export const isOutage = (error: unknown): boolean => {
  const driverError = asDriverError(error);
  if (!driverError) return false;
  if (typeof driverError.type === 'string' && OUTAGE_TYPES.has(driverError.type)) return true;
  if (typeof driverError.code === 'number' && OUTAGE_CODES.has(driverError.code)) return true;
  return OUTAGE_MESSAGE.test(driverError.message);
};

export const isWrongExpectedVersion = (error: unknown): error is Error & { actualVersion: CurrentRevision } =>
  asDriverError(error)?.type === ErrorType.WRONG_EXPECTED_VERSION;

export const isStreamNotFound = (error: unknown): boolean => asDriverError(error)?.type === ErrorType.STREAM_NOT_FOUND;

const isDriverError = (error: unknown): boolean => {
  const driverError = asDriverError(error);
  return driverError !== undefined && (typeof driverError.type === 'string' || typeof driverError.code === 'number');
};

/** What to throw in place of `error`, caught while `doing` something. */
export const translateEsdbError = (error: unknown, doing: string): unknown => {
  if (error instanceof EventStoreUnavailableError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (isOutage(error)) return new EventStoreUnavailableError(`EventStoreDB is unavailable while ${doing}: ${message}`, { cause: error });
  if (isDriverError(error)) return new Error(`EventStoreDB failed while ${doing}: ${message}`, { cause: error });
  return error;
};
