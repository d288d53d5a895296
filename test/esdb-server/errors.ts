// gRPC error statuses in the shape EventStoreDB uses: a status code plus an
// `exception` trailer that @eventstore/db-client maps onto its error classes.
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';

export type StatusError = Partial<ServiceError> & { code: status; details: string };

export function rpcError(code: status, details: string, trailers: Record<string, string> = {}): StatusError {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(trailers)) metadata.set(key, value);
  return { name: 'Error', message: details, code, details, metadata };
}

export function unimplemented(path: string): StatusError {
  return rpcError(status.UNIMPLEMENTED, `${path} is not implemented by the EventStoreDB test server`);
}

export function invalidArgument(details: string): StatusError {
  return rpcError(status.INVALID_ARGUMENT, details);
}

export function missingRequiredMetadata(properties: readonly string[]): StatusError {
  return rpcError(status.INVALID_ARGUMENT, `Missing required metadata property: ${properties.join(', ')}`, {
    exception: 'missing-required-metadata-property',
    'required-metadata-properties': properties.join(','),
  });
}

export function maximumAppendSizeExceeded(maxAppendSize: number): StatusError {
  return rpcError(status.INVALID_ARGUMENT, `Maximum Append Size of ${maxAppendSize} Exceeded.`, {
    exception: 'maximum-append-size-exceeded',
    'maximum-append-size': String(maxAppendSize),
  });
}

export function serverShuttingDown(): StatusError {
  return rpcError(status.UNAVAILABLE, 'EventStoreDB test server is shutting down');
}
