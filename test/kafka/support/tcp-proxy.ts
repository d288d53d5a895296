/**
 * A TCP proxy on loopback that the test can switch off and on: "the broker is down" for a client
 * that reaches the broker only through it, while the shared broker itself keeps running for others.
 * Off means: every open connection is cut and new ones are refused.
 */
import net from 'node:net';
import type { ISocketFactory } from 'kafkajs';

export class TcpProxy {
  readonly #target: { host: string; port: number };
  readonly #sockets = new Set<net.Socket>();
  #server: net.Server | undefined;
  #port = 0;

  constructor(target: string) {
    const [host, port] = target.split(':');
    this.#target = { host: host!, port: Number(port) };
  }

  get port(): number {
    return this.#port;
  }

  get address(): string {
    return `127.0.0.1:${this.#port}`;
  }

  /** Listens (on the same port as before when restarted). */
  async start(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.#target);
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on('close', () => this.#sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#port, '127.0.0.1', () => resolve());
    });
    this.#port = (server.address() as net.AddressInfo).port;
    this.#server = server;
  }

  /** Cuts every connection and stops listening. */
  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const socket of this.#sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /**
   * A kafkajs socket factory that sends every broker connection through the proxy: the broker
   * advertises its own address in metadata, which would otherwise bypass the proxy.
   */
  socketFactory(): ISocketFactory {
    return ({ onConnect }) => {
      const socket = net.connect({ host: '127.0.0.1', port: this.#port }, onConnect);
      socket.setKeepAlive(true, 60_000);
      return socket;
    };
  }
}
