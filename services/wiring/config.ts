/**
 * The service's configuration, read and validated once at start. A bad value stops the process
 * with a message that names the variable.
 */
import { z } from 'zod';
import { DEFAULT_TOPIC } from '../../contracts/index.js';
import { DEFAULT_DOCUMENT_FONT } from '../http/specification/pdf.js';

/** A duration such as `90s`, `30m`, `12h` or `1d`. */
export const DURATION = /^([1-9]\d{0,6})(s|m|h|d)$/;
export const durationSeconds = (value: string): number => {
  const [, amount, unit] = DURATION.exec(value)!;
  return Number(amount) * { s: 1, m: 60, h: 3_600, d: 86_400 }[unit as 's' | 'm' | 'h' | 'd'];
};

/** An issuer must be https, except on a loopback address (tests and development). */
const isAcceptableIssuer = (value: string): boolean => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.search || url.hash) return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
};

const optionalUrl = (protocols: RegExp, example: string) =>
  z
    .string()
    .trim()
    .regex(protocols, `expected a URL like ${example}`)
    .optional()
    .or(z.literal('').transform(() => undefined));

/** A JSON value given as text; empty is none. */
const jsonValue = (expected: string) =>
  z
    .string()
    .trim()
    .transform((text, context) => {
      if (text === '') return undefined;
      try {
        return JSON.parse(text) as unknown;
      } catch {
        context.addIssue({ code: 'custom', message: `expected JSON: ${expected}` });
        return z.NEVER;
      }
    })
    .optional();

export const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  AUTH_JWT_SECRET: z
    .string()
    .min(32, 'use at least 32 characters (256 bits) for an HS256 secret')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  AUTH_OIDC_ISSUER: z
    .string()
    .trim()
    .refine(isAcceptableIssuer, 'expected the issuer URL of an OpenID Provider: https://…, or http://127.0.0.1:… / http://localhost:… for development')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  AUTH_OIDC_AUDIENCE: z
    .string()
    .trim()
    .min(1)
    .optional()
    .or(z.literal('').transform(() => undefined)),
  AUTH_OIDC_CLIENT_ID: z.string().trim().min(1).optional().or(z.literal('').transform(() => undefined)),
  AUTH_OIDC_CLIENT_SECRET: z.string().min(1).optional().or(z.literal('').transform(() => undefined)),
  AUTH_OIDC_SCOPES: z.string().trim().min(1).default('openid profile'),
  AUTH_OIDC_AUTHORIZE_PARAMS: z
    .string()
    .trim()
    .regex(/^([\w.-]+=[^&\s]*(&[\w.-]+=[^&\s]*)*)?$/, 'expected name=value pairs joined by &, e.g. resource=urn:crm-discovery')
    .default(''),
  AUTH_SESSION_SECRET: z
    .string()
    .min(32, 'use at least 32 characters for the session secret')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  PUBLIC_URL: z
    .string()
    .trim()
    .regex(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, 'expected the URL browsers reach the service at, e.g. https://crm.example.com')
    .transform((url) => url.replace(/\/$/, ''))
    .optional()
    .or(z.literal('').transform(() => undefined)),
  AUTH_ROLES_CLAIM: z.string().trim().min(1).default('roles'),
  AUTH_NAME_CLAIM: z.string().trim().min(1).default('name'),
  AUTH_MAX_TOKEN_AGE: z
    .string()
    .trim()
    .regex(DURATION, 'expected a duration like 90s, 30m, 12h or 1d')
    .default('12h')
    .transform(durationSeconds),
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
  /** Where confirmation links are emailed from: smtp://user:pass@host:port or smtps://…; none: consultants copy the link. */
  SMTP_URL: optionalUrl(/^smtps?:\/\/[^\s/]+/, 'smtp://mailer:secret@smtp.example.com:587'),
  /** The sender of those emails. */
  SMTP_FROM: z.string().trim().min(3).max(320).default('CRM discovery <no-reply@localhost>'),
  /**
   * The active signing key of anchors, receipts and audit exports: a private Ed25519 JWK with a
   * `kid`, as JSON. None: one is generated once into DATA_DIR (proof-signing-keys.json).
   */
  PROOF_SIGNING_KEY: jsonValue('a private Ed25519 JWK with a kid, e.g. {"kty":"OKP","crv":"Ed25519","d":"…","x":"…","kid":"proof-2026-03"}'),
  /** Public keys of earlier signing keys, still published in the JWKS: a JWKS `{"keys":[…]}` or a JSON array of JWKs. */
  PROOF_RETIRED_KEYS: jsonValue('a JWKS {"keys":[…]} or a JSON array of public JWKs'),
  /** The longest an engagement that changed waits for its anchor on the Kafka topic. */
  PROOF_ANCHOR_INTERVAL: z
    .string()
    .trim()
    .regex(DURATION, 'expected a duration like 90s, 30m, 12h or 1d')
    .default('5m')
    .transform(durationSeconds),
  /** The font of the specification's PDF: a font file, or a collection as <path>.ttc#<PostScript name>; it must cover Chinese. */
  DOCUMENT_FONT: z.string().trim().min(1).default(DEFAULT_DOCUMENT_FONT),
  /**
   * Leases of the projector, the publisher and the anchoring (MongoDB on the real stack): a standby takes over
   * within TTL + ACQUIRE of the holder's death; see docs/architecture.md#standbys-and-leases.
   */
  CONSUMER_LEASE_TTL_MS: z.coerce.number().int().min(1_000).max(600_000).default(10_000),
  CONSUMER_LEASE_RENEW_MS: z.coerce.number().int().min(100).max(300_000).default(3_000),
  CONSUMER_LEASE_ACQUIRE_MS: z.coerce.number().int().min(100).max(300_000).default(2_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `production` refuses to start without AUTH_JWT_SECRET or AUTH_OIDC_ISSUER; anything else may generate a development secret. */
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
  const config = parsed.data;
  if (config.AUTH_OIDC_ISSUER && !config.AUTH_OIDC_AUDIENCE) {
    throw new ConfigError(['AUTH_OIDC_AUDIENCE: required with AUTH_OIDC_ISSUER – the audience (aud) tokens for this service carry, e.g. urn:crm-discovery']);
  }
  if (config.AUTH_OIDC_AUDIENCE && !config.AUTH_OIDC_ISSUER) {
    throw new ConfigError(['AUTH_OIDC_ISSUER: required with AUTH_OIDC_AUDIENCE – the issuer URL of your identity provider']);
  }
  if (config.CONSUMER_LEASE_RENEW_MS * 2 > config.CONSUMER_LEASE_TTL_MS) {
    throw new ConfigError([
      `CONSUMER_LEASE_RENEW_MS: ${config.CONSUMER_LEASE_RENEW_MS} is more than half of CONSUMER_LEASE_TTL_MS (${config.CONSUMER_LEASE_TTL_MS}); ` +
        'renew at least twice per term so that one slow renewal does not lose the lease',
    ]);
  }
  if (config.NODE_ENV === 'production' && !config.AUTH_JWT_SECRET && !config.AUTH_OIDC_ISSUER) {
    throw new ConfigError(['AUTH_OIDC_ISSUER or AUTH_JWT_SECRET: one is required when NODE_ENV=production']);
  }
  return config;
};
