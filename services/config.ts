/**
 * The service's configuration, read and validated once at start. A bad value stops the process
 * with a message that names the variable.
 */
import { z } from 'zod';
import { DEFAULT_TOPIC } from '../contracts/index.js';

const optionalUrl = (protocols: RegExp, example: string) =>
  z
    .string()
    .trim()
    .regex(protocols, `expected a URL like ${example}`)
    .optional()
    .or(z.literal('').transform(() => undefined));

export const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  AUTH_JWT_SECRET: z
    .string()
    .min(32, 'use at least 32 characters (256 bits) for an HS256 secret')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /**
   * The secret ids of idempotent commands are derived with. Processes that share the event store
   * and DATA_DIR share it; without it one is generated once into DATA_DIR.
   */
  IDS_SECRET: z
    .string()
    .min(32, 'use at least 32 characters')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  EVENTSTORE_URL: optionalUrl(/^(esdb|esdb\+discover|kurrentdb|kurrent):\/\//, 'esdb://127.0.0.1:2113?tls=false'),
  MONGO_URL: optionalUrl(/^mongodb(\+srv)?:\/\//, 'mongodb://127.0.0.1:27017/crm'),
  KAFKA_BROKERS: z
    .string()
    .trim()
    .regex(/^[^\s,:]+:\d+(,[^\s,:]+:\d+)*$/, 'expected host:port[,host:port…]')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  KAFKA_TOPIC: z.string().min(1).default(DEFAULT_TOPIC),
  /** The whole request, body included, must arrive within this; see services/http/connection-limits.ts. */
  HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).default(30_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  HTTP_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(100_000).default(1_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `production` refuses to start without AUTH_JWT_SECRET; anything else may generate a development secret. */
  NODE_ENV: z.string().default('development'),
});
export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export const loadConfig = (env: NodeJS.ProcessEnv = process.env): Config => {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  if (parsed.data.NODE_ENV === 'production' && !parsed.data.AUTH_JWT_SECRET) {
    throw new ConfigError(['AUTH_JWT_SECRET: required when NODE_ENV=production']);
  }
  return parsed.data;
};
