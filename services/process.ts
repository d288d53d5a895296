/**
 * What every process role shares: configuration, the logger, the token secret, a small HTTP
 * server for health and metrics where the role serves no API, and an orderly shutdown.
 */
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { pino, type Logger } from 'pino';
import { ConfigError, loadConfig, type Config } from './config.js';
import { developmentSecret, keptSecret } from './dev-secret.js';
import { DEFAULT_CONNECTION_LIMITS, serverWithLimits } from './http/connection-limits.js';
import { createMetrics, type Metrics } from './http/metrics.js';
import { registerOperations, type ReadinessCheck } from './http/operations.js';

export type Role = { config: Config; logger: Logger; metrics: Metrics; onShutdown(close: () => Promise<unknown> | unknown): void };

/** Runs `start` with the configuration, or stops the process with a message naming the bad variable. */
export const runRole = async (name: string, start: (role: Role) => Promise<void>) => {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = pino({ level: config.LOG_LEVEL }).child({ role: name });
  const closers: Array<() => Promise<unknown> | unknown> = [];
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    for (const close of closers.reverse()) {
      try {
        await close();
      } catch (error) {
        logger.error({ err: error }, 'error while shutting down');
      }
    }
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  try {
    await start({ config, logger, metrics: createMetrics(), onShutdown: (close) => closers.push(close) });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    logger.fatal({ err: error }, 'failed to start');
    process.exit(1);
  }
};

/** AUTH_JWT_SECRET, or outside production a development secret kept in DATA_DIR. */
export const jwtSecret = (config: Config, logger: Logger): { secret: string; devSecretFile?: string } => {
  if (config.AUTH_JWT_SECRET) return { secret: config.AUTH_JWT_SECRET };
  const dev = developmentSecret(config.DATA_DIR);
  logger.warn({ file: dev.file }, 'AUTH_JWT_SECRET is not set: using a development secret (never do this in production)');
  return { secret: dev.secret, devSecretFile: dev.file };
};

const IDS_SECRET_FILE = 'ids-secret';

/** IDS_SECRET, or a secret generated once into DATA_DIR (see services/commands/ids.ts). */
export const idSecret = (config: Config): string => config.IDS_SECRET ?? keptSecret(config.DATA_DIR, IDS_SECRET_FILE).secret;

/** A worker's own HTTP server: /health/live, /health/ready and /metrics on PORT. */
export const serveOperations = async (role: Role, checks: ReadinessCheck[]) => {
  const app = Fastify({ loggerInstance: role.logger as FastifyBaseLogger, serverFactory: serverWithLimits(DEFAULT_CONNECTION_LIMITS) });
  registerOperations(app, { metrics: role.metrics, checks });
  role.onShutdown(() => app.close());
  return app.listen({ port: role.config.PORT, host: role.config.HOST });
};

export const requireSetting = (config: Config, variable: 'MONGO_URL' | 'KAFKA_BROKERS', why: string): string => {
  const value = config[variable];
  if (!value) throw new ConfigError([`${variable}: required – ${why}`]);
  return value;
};
