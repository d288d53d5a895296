// Handlers that answer every call with UNIMPLEMENTED (gRPC status 12), by method kind.
import type {
  MethodDefinition,
  sendUnaryData,
  ServerDuplexStream,
  ServerReadableStream,
  ServerUnaryCall,
  ServerWritableStream,
  ServiceDefinition,
  UntypedHandleCall,
  UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { unimplemented } from './errors.js';

export function unimplementedHandler(method: MethodDefinition<unknown, unknown>): UntypedHandleCall {
  const error = unimplemented(method.path);
  if (method.responseStream) {
    return (call: ServerWritableStream<unknown, unknown> | ServerDuplexStream<unknown, unknown>): void => {
      call.emit('error', error);
    };
  }
  if (method.requestStream) {
    return (call: ServerReadableStream<unknown, unknown>, callback: sendUnaryData<unknown>): void => {
      call.resume();
      callback(error);
    };
  }
  return (_call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>): void => callback(error);
}

/** An implementation of `service` in which every method (or every method not in `except`) is UNIMPLEMENTED. */
export function unimplementedService(
  service: ServiceDefinition,
  except: readonly string[] = [],
): UntypedServiceImplementation {
  const implementation: UntypedServiceImplementation = {};
  for (const [name, method] of Object.entries(service)) {
    if (!except.includes(name)) implementation[name] = unimplementedHandler(method);
  }
  return implementation;
}
