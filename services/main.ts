/**
 * The all-in-one process (`npm start`): the HTTP API on the embedded event store by default, or on
 * EventStoreDB when EVENTSTORE_URL is set.
 */
import { pino } from 'pino';
import { ConfigError, loadConfig, type Config } from './config.js';
import { developmentSecret } from './dev-secret.js';
import { buildApp } from './http/app.js';
import { SqliteIdempotencyStore } from './idempotency/store.js';
import { openEventStore } from './event-store.js';

const start = async (config: Config) => {
  const logger = pino({ level: config.LOG_LEVEL });
  let secret = config.AUTH_JWT_SECRET;
  let devSecretFile: string | undefined;
  if (!secret) {
    const dev = developmentSecret(config.DATA_DIR);
    secret = dev.secret;
    devSecretFile = dev.file;
    logger.warn({ file: dev.file }, 'AUTH_JWT_SECRET is not set: using a development secret (never do this in production)');
  }
  const store = await openEventStore(config, logger);
  const idempotency = new SqliteIdempotencyStore(config.DATA_DIR);
  const app = await buildApp({ store, idempotency, jwtSecret: secret, logger });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    await app.close();
    await store.close();
    idempotency.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  const address = await app.listen({ port: config.PORT, host: config.HOST });
  const lines = [
    `CRM requirements discovery is serving on ${address}`,
    `  API docs:   ${address}/docs   (OpenAPI: ${address}/openapi.json)`,
    `  health:     ${address}/health/ready   metrics: ${address}/metrics`,
    `  events:     ${config.EVENTSTORE_URL ? `EventStoreDB at ${config.EVENTSTORE_URL}` : `embedded store in ${config.DATA_DIR}`}`,
  ];
  if (devSecretFile) {
    lines.push(
      `  tokens:     development secret in ${devSecretFile}; mint one with`,
      `              npm run token -- --sub alice --name "Alice" --roles pm`,
      `              then: curl -H "Authorization: Bearer <token>" ${address}/openapi.json`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
};

try {
  await start(loadConfig());
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
