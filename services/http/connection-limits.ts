/**
 * How long a client may hold a socket, and how many sockets one process holds at once.
 *
 * Node's defaults let a client that sends a declared body one byte at a time keep its socket for
 * five minutes, and an answer given before the body arrived (401, 403, 413) leave the socket open
 * while Node reads and discards the rest. Here the whole request must arrive within
 * `requestTimeoutMs`, an idle kept-alive socket is closed after `keepAliveTimeoutMs`, and a reply
 * sent while the request body is still unread says `Connection: close`, after which Node closes
 * the socket instead of waiting for the rest.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { FastifyInstance } from 'fastify';

export type ConnectionLimits = {
  /** The request line and headers must arrive within this. */
  headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this (408 and close otherwise). */
  requestTimeoutMs: number;
  /** A socket with no request in flight is closed after this. */
  keepAliveTimeoutMs: number;
  /** A socket with no traffic either way (e.g. a client that stopped reading) is closed after this. */
  idleTimeoutMs: number;
  /** How often Node checks the request and headers timeouts: the bound is exceeded by at most this. */
  checkIntervalMs: number;
  /** Connections beyond this are refused (closed at once) by this process. */
  maxConnections: number;
};

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  idleTimeoutMs: 60_000,
  checkIntervalMs: 1_000,
  maxConnections: 1_000,
};

/** Fastify's `serverFactory` for these limits. */
export const serverWithLimits =
  (limits: ConnectionLimits) =>
  (handler: RequestListener): Server => {
    const server = createServer(
      {
        headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs),
        requestTimeout: limits.requestTimeoutMs,
        keepAliveTimeout: limits.keepAliveTimeoutMs,
        connectionsCheckingInterval: limits.checkIntervalMs,
      },
      handler,
    );
    server.setTimeout(limits.idleTimeoutMs);
    server.maxConnections = limits.maxConnections;
    return server;
  };

/** Answers given before the request body was read close the connection. */
export const closeAfterEarlyAnswers = (app: FastifyInstance) => {
  app.addHook('onSend', async (request, reply) => {
    if (request.raw.complete === false) reply.header('connection', 'close');
  });
};
