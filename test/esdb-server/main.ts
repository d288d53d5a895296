// CLI: node --import tsx test/esdb-server/main.ts [--host 127.0.0.1] [--port 2113]
// Prints exactly one line to stdout once it accepts connections:
//   esdb-test-server listening on esdb://127.0.0.1:2113?tls=false
// and shuts down cleanly on SIGTERM / SIGINT. Diagnostics go to stderr.
import { parseArgs } from 'node:util';
import { startEsdbTestServer } from './server.js';

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '2113' },
  },
  strict: true,
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`esdb-test-server: invalid --port ${values.port}\n`);
  process.exit(2);
}

try {
  const server = await startEsdbTestServer({ host: values.host, port });
  process.stdout.write(`esdb-test-server listening on ${server.url}\n`);

  const shutdown = (signal: NodeJS.Signals): void => {
    process.stderr.write(`esdb-test-server: ${signal}, shutting down\n`);
    server.close().then(
      () => {
        process.exitCode = 0;
        setTimeout(() => process.exit(0), 1000).unref(); // in case a handle lingers
      },
      (error: unknown) => {
        process.stderr.write(`esdb-test-server: shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
} catch (error) {
  process.stderr.write(`esdb-test-server: failed to start: ${String(error)}\n`);
  process.exit(1);
}
