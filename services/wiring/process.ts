/**
 * What every process role shares: configuration, the logger, the token secret, a small HTTP
 * server for health and metrics where the role serves no API, and an orderly shutdown.
 */
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { pino, type Logger } from 'pino';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createTokenVerifier, type IdentityVerifier } from '../../infra/identity/index.js';
import { DataDamagedError } from '../../infra/embedded-data/integrity.js';
import { developmentSecret, keptSecret, SESSION_SECRET_FILE } from './dev-secret.js';
import type { BrowserSignIn } from '../http/browser-session.js';
import { DEFAULT_CONNECTION_LIMITS, serverWithLimits } from '../http/connection-limits.js';
import { createMetrics, type Metrics } from '../http/metrics.js';
import { registerOperations, type ReadinessCheck } from '../http/plugins/operations.js';

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
    if (error instanceof ConfigError || error instanceof DataDamagedError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    logger.fatal({ err: error }, 'failed to start');
    process.exit(1);
  }
};

/**
 * How bearer tokens are verified: by the organisation's identity provider (AUTH_OIDC_ISSUER),
 * with AUTH_JWT_SECRET (HS256), or both; with neither, outside production, by a development
 * secret kept in DATA_DIR that `npm run token` signs with.
 */
export const identityVerifier = (config: Config, logger: Logger): { identity: IdentityVerifier; devSecretFile?: string } => {
  const oidc =
    config.AUTH_OIDC_ISSUER && config.AUTH_OIDC_AUDIENCE ? { issuer: config.AUTH_OIDC_ISSUER, audience: config.AUTH_OIDC_AUDIENCE } : undefined;
  let secret = config.AUTH_JWT_SECRET;
  let devSecretFile: string | undefined;
  if (!oidc && !secret) {
    const dev = developmentSecret(config.DATA_DIR);
    logger.warn({ file: dev.file }, 'neither AUTH_OIDC_ISSUER nor AUTH_JWT_SECRET is set: using a development secret (never do this in production)');
    secret = dev.secret;
    devSecretFile = dev.file;
  }
  if (oidc) logger.info({ issuer: oidc.issuer, audience: oidc.audience, rolesClaim: config.AUTH_ROLES_CLAIM }, 'tokens from the identity provider');
  const identity = createTokenVerifier({
    ...(oidc ? { oidc } : {}),
    ...(secret ? { secret } : {}),
    claims: { roles: config.AUTH_ROLES_CLAIM, name: config.AUTH_NAME_CLAIM },
    maxTokenAgeSeconds: config.AUTH_MAX_TOKEN_AGE,
  });
  return devSecretFile ? { identity, devSecretFile } : { identity };
};

/**
 * Signing in from a browser: with the identity provider when AUTH_OIDC_CLIENT_ID names the web
 * client registered there; as anyone, for development, when there is no identity provider and
 * NODE_ENV is not production.
 */
export const browserSignIn = (config: Config, logger: Logger): BrowserSignIn => {
  const publicUrl = config.PUBLIC_URL ?? `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${config.PORT}`;
  const oidc =
    config.AUTH_OIDC_ISSUER && config.AUTH_OIDC_CLIENT_ID
      ? {
          issuer: config.AUTH_OIDC_ISSUER,
          clientId: config.AUTH_OIDC_CLIENT_ID,
          ...(config.AUTH_OIDC_CLIENT_SECRET ? { clientSecret: config.AUTH_OIDC_CLIENT_SECRET } : {}),
          redirectUri: `${publicUrl}/auth/callback`,
          scopes: config.AUTH_OIDC_SCOPES,
          authorizeParams: Object.fromEntries(new URLSearchParams(config.AUTH_OIDC_AUTHORIZE_PARAMS)),
        }
      : undefined;
  if (config.AUTH_OIDC_ISSUER && !oidc) logger.warn('AUTH_OIDC_CLIENT_ID is not set: nobody can sign in to the web app (bearer tokens still work)');
  let sessionSecret = config.AUTH_SESSION_SECRET;
  if (!sessionSecret) {
    sessionSecret = keptSecret(config.DATA_DIR, SESSION_SECRET_FILE).secret;
    if (config.NODE_ENV === 'production') logger.warn('AUTH_SESSION_SECRET is not set: sessions are sealed with a key kept in DATA_DIR; api processes that do not share it sign each other’s users out');
  }
  return {
    sessionSecret,
    maxAgeSeconds: config.AUTH_MAX_TOKEN_AGE,
    secureCookie: publicUrl.startsWith('https://'),
    development: !config.AUTH_OIDC_ISSUER && config.NODE_ENV !== 'production',
    ...(oidc ? { oidc } : {}),
  };
};

const IDS_SECRET_FILE = 'ids-secret';

/** IDS_SECRET, or a secret generated once into DATA_DIR (see services/commands/ids.ts). */
export const idSecret = (config: Config): string => config.IDS_SECRET ?? keptSecret(config.DATA_DIR, IDS_SECRET_FILE).secret;

/** A worker's own HTTP server: /health/live, /health/ready and /metrics on PORT. */
export const serveOperations = async (role: Role, checks: ReadinessCheck[]) => {
  const app = Fastify({ loggerInstance: role.logger as FastifyBaseLogger, serverFactory: serverWithLimits(DEFAULT_CONNECTION_LIMITS) });
  // The operations routes declare zod schemas, as the API's do.
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerOperations(app, { metrics: role.metrics, checks });
  role.onShutdown(() => app.close());
  return app.listen({ port: role.config.PORT, host: role.config.HOST });
};

export const requireSetting = (config: Config, variable: 'MONGO_URL' | 'KAFKA_BROKERS', why: string): string => {
  const value = config[variable];
  if (!value) throw new ConfigError([`${variable}: required – ${why}`]);
  return value;
};
