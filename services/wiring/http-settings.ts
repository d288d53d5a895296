/**
 * What the HTTP service takes from the configuration besides its stores – sign-in, the web app,
 * ids, the document font, connection limits, mail – the same in every role that serves it.
 */
import { fileURLToPath } from 'node:url';
import { mailing } from '../mail/mailing.js';
import { browserSignIn, idSecret, type Role } from './process.js';

export const httpSettings = async ({ config, logger, onShutdown }: Role) => ({
  signIn: browserSignIn(config, logger),
  webRoot: fileURLToPath(new URL('../../web', import.meta.url)),
  idSecret: idSecret(config),
  logger,
  kafkaTopic: config.KAFKA_TOPIC,
  documentFont: config.DOCUMENT_FONT,
  connectionLimits: {
    requestTimeoutMs: config.HTTP_REQUEST_TIMEOUT_MS,
    keepAliveTimeoutMs: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    maxConnections: config.HTTP_MAX_CONNECTIONS,
  },
  ...(await mailing(config, onShutdown)),
});
