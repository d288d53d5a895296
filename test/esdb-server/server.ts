// EventStoreDB gRPC protocol test server: wiring and lifecycle.
// Test equipment only (see README.md). In memory, single node, insecure (tls=false).
import { Server, ServerCredentials, type ServiceDefinition } from '@grpc/grpc-js';
import { appendHandler, DEFAULT_MAX_APPEND_SIZE } from './append.js';
import { serverShuttingDown } from './errors.js';
import { otherServices, StreamsService } from './proto.js';
import { readHandler } from './read.js';
import { EventLog } from './store.js';
import { SubscriptionRegistry } from './subscription.js';
import { unimplementedService } from './unimplemented.js';

export interface EsdbTestServerOptions {
  /** Interface to bind; default 127.0.0.1. */
  readonly host?: string;
  /** TCP port; 0 (default) picks a free ephemeral port. */
  readonly port?: number;
  /** Byte limit per append call, like the server's MaxAppendSize; default 1 MiB. */
  readonly maxAppendSize?: number;
  /** Milliseconds `close()` waits for in-flight calls before cutting them off; default 2000. */
  readonly shutdownGraceMs?: number;
}

export interface EsdbTestServer {
  readonly host: string;
  readonly port: number;
  /** Connection string for EventStoreDBClient.connectionString(): `esdb://host:port?tls=false`. */
  readonly url: string;
  /** The in-memory log, for inspection in tests (prefer asserting through the client). */
  readonly log: EventLog;
  /** Number of open subscriptions (handy to assert that unsubscribe reached the server). */
  readonly openSubscriptions: number;
  /** Ends every open subscription with UNAVAILABLE, as a real node going away would. Returns how many. */
  dropSubscriptions(): number;
  /** Ends open subscriptions (OK status), stops accepting calls and shuts down. Idempotent. */
  close(): Promise<void>;
}

export async function startEsdbTestServer(options: EsdbTestServerOptions = {}): Promise<EsdbTestServer> {
  const host = options.host ?? '127.0.0.1';
  const hostForAddress = host.includes(':') ? `[${host}]` : host;
  const log = new EventLog();
  const subscriptions = new SubscriptionRegistry(log);
  const server = new Server();

  server.addService(StreamsService, {
    ...unimplementedService(StreamsService, ['read', 'append']),
    read: readHandler(log, subscriptions),
    append: appendHandler(log, options.maxAppendSize ?? DEFAULT_MAX_APPEND_SIZE),
  });
  for (const service of Object.values(otherServices) as ServiceDefinition[]) {
    server.addService(service, unimplementedService(service));
  }

  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${hostForAddress}:${options.port ?? 0}`, ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    );
  });

  let closing: Promise<void> | undefined;
  const graceMs = options.shutdownGraceMs ?? 2000;
  return {
    host,
    port,
    url: `esdb://${hostForAddress}:${port}?tls=false`,
    log,
    get openSubscriptions() {
      return subscriptions.size;
    },
    dropSubscriptions: () => subscriptions.endAll(serverShuttingDown()),
    close() {
      closing ??= new Promise<void>((resolve) => {
        subscriptions.endAll();
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      return closing;
    },
  };
}
