/**
 * Fault suite: clients that hold sockets. A raw socket sends a declared body one byte at a time
 * to a listening server with short limits; the server must close it before the body is complete,
 * with or without a token, and also after an early 401, 403 or 413.
 */
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { testApp, users } from '../support/http.js';

const SHORT = { headersTimeoutMs: 500, requestTimeoutMs: 1_000, keepAliveTimeoutMs: 500, idleTimeoutMs: 5_000, checkIntervalMs: 100 };

const listening = async (limits: Partial<typeof SHORT> & { maxConnections?: number } = SHORT) => {
  const { app } = await testApp({ connectionLimits: limits, bodyLimit: 4096 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, port: (app.server.address() as net.AddressInfo).port };
};

type Outcome = { response: string; bytesSent: number; closedByServer: boolean };

/** Sends the head, then the declared body one byte every `everyMs`, until the server closes the socket or the body is complete. */
const trickle = (port: number, head: string, contentLength: number, everyMs = 50): Promise<Outcome> =>
  new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    let response = '';
    let bytesSent = 0;
    let closed = false;
    socket.on('data', (chunk) => (response += chunk.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closed = true;
      resolve({ response, bytesSent, closedByServer: bytesSent < contentLength });
    });
    socket.on('connect', async () => {
      socket.write(`${head}Content-Length: ${contentLength}\r\n\r\n`);
      while (!closed && bytesSent < contentLength) {
        await sleep(everyMs);
        if (closed || socket.destroyed) break;
        socket.write('x');
        bytesSent++;
      }
      // The whole body went out and the server still holds the socket: the bound did not hold.
      if (!closed) setTimeout(() => socket.destroy(), 500).unref();
    });
  });

const post = (url: string, headers: Record<string, string> = {}) =>
  `POST ${url} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n${Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('')}`;

t.test('a slow body is cut off with 408 when the request time is up, token or not', async (t) => {
  const { app, port } = await listening();
  t.teardown(() => app.close());
  const withToken = await trickle(port, post('/engagements', users.pm), 400);
  t.ok(withToken.closedByServer, `closed after ${withToken.bytesSent} of 400 body bytes`);
  t.match(withToken.response, /^HTTP\/1\.1 408/);

  const withoutToken = await trickle(port, post('/engagements'), 400);
  t.ok(withoutToken.closedByServer, `closed after ${withoutToken.bytesSent} of 400 body bytes`);
  t.match(withoutToken.response, /^HTTP\/1\.1 401/);
  t.match(withoutToken.response, /\r\nconnection: close\r\n/i);
});

t.test('early 403 and 413 answers close the socket instead of reading the rest', async (t) => {
  // A request time long enough that only the early answer can explain the close.
  const { app, port } = await listening({ ...SHORT, requestTimeoutMs: 60_000, headersTimeoutMs: 10_000, idleTimeoutMs: 60_000 });
  t.teardown(() => app.close());
  const forbidden = await trickle(port, post('/engagements', users.pmo), 400);
  t.ok(forbidden.closedByServer, `403: closed after ${forbidden.bytesSent} of 400 body bytes`);
  t.match(forbidden.response, /^HTTP\/1\.1 403/);
  t.match(forbidden.response, /\r\nconnection: close\r\n/i);

  const tooLarge = await trickle(port, post('/engagements', users.pm), 10_000_000);
  t.ok(tooLarge.closedByServer, `413: closed after ${tooLarge.bytesSent} body bytes`);
  t.match(tooLarge.response, /^HTTP\/1\.1 413/);

  const unauthenticated = await trickle(port, post('/engagements'), 400);
  t.ok(unauthenticated.closedByServer, `401: closed after ${unauthenticated.bytesSent} of 400 body bytes`);
});

t.test('an idle kept-alive socket is closed, and connections beyond the cap are refused', async (t) => {
  const { app, port } = await listening({ ...SHORT, headersTimeoutMs: 10_000, requestTimeoutMs: 10_000, maxConnections: 2 });
  t.teardown(() => app.close());
  const idle = await new Promise<{ response: string }>((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' }, () => socket.write('GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n'));
    let response = '';
    socket.on('data', (chunk) => (response += chunk.toString()));
    socket.on('close', () => resolve({ response }));
  });
  t.match(idle.response, /^HTTP\/1\.1 200/, 'answered, then closed while idle');

  const open = await Promise.all(
    [1, 2].map(() => new Promise<net.Socket>((resolve) => {
      const socket = net.connect({ port, host: '127.0.0.1' }, () => resolve(socket));
    })),
  );
  t.teardown(() => open.forEach((socket) => socket.destroy()));
  const third = await new Promise<{ response: string }>((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' }, () => socket.write('GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n'));
    let response = '';
    socket.on('data', (chunk) => (response += chunk.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve({ response }));
  });
  t.equal(third.response, '', 'the third connection is closed unanswered');
});
