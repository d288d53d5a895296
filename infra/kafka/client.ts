/** A kafkajs client that logs through pino and fails fast enough for the caller's own retry loop. */
import { Kafka, logLevel, type KafkaConfig, type LogEntry, type RetryOptions } from 'kafkajs';
import type { Logger } from 'pino';

/** Client settings the caller may add: TLS, SASL, timeouts, a socket factory. */
export type KafkaClientOptions = Omit<KafkaConfig, 'brokers' | 'clientId' | 'logCreator' | 'logLevel'>;

/**
 * kafkajs retries a request a few times itself; past that the error surfaces, so that the
 * publisher can report it and back off without bound.
 */
export const CLIENT_RETRY: RetryOptions = { initialRetryTime: 100, maxRetryTime: 2_000, retries: 5 };

// The publisher recreates its producer after every failure and resends from its checkpoint, so
// bounded retries cannot lose events; what this warning is about (exactly-once within one
// producer session) is not a promise this service makes.
const IGNORED_MESSAGES = new Set(['Limiting retries for the idempotent producer may invalidate EoS guarantees']);

const pinoLogCreator = (logger: Logger) => () => (entry: LogEntry) => {
  const { message, ...fields } = entry.log;
  if (IGNORED_MESSAGES.has(message)) return;
  const details = { namespace: entry.namespace, ...fields };
  // The caller reports the failures that matter; kafkajs's own errors are the detail behind them.
  if (entry.level <= logLevel.WARN) logger.warn(details, message);
  else if (entry.level === logLevel.INFO) logger.debug(details, message);
  else logger.trace(details, message);
};

export const parseBrokers = (brokers: string | readonly string[]): string[] =>
  (typeof brokers === 'string' ? brokers.split(',') : [...brokers]).map((b) => b.trim()).filter((b) => b.length > 0);

export const createKafkaClient = (options: {
  brokers: string | readonly string[];
  clientId: string;
  logger: Logger;
  config?: KafkaClientOptions;
}): Kafka =>
  new Kafka({
    connectionTimeout: 3_000,
    retry: CLIENT_RETRY,
    ...options.config,
    brokers: parseBrokers(options.brokers),
    clientId: options.clientId,
    logLevel: logLevel.INFO,
    logCreator: pinoLogCreator(options.logger.child({ component: 'kafkajs' })),
  });
