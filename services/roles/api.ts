/**
 * The API role on its own (`npm run start:api`): commands against the event store, queries against
 * the read models a separate projector process keeps in MongoDB.
 */
import { fileURLToPath } from 'node:url';
import { buildApp } from '../http/app.js';
import { openAnchorStore } from '../proof/anchoring.js';
import { openSigner, warnUnlessKeyConfigured } from '../proof/keys.js';
import { mailing } from '../mail/mailing.js';
import { openApiStores } from '../wiring/stores.js';
import { browserSignIn, identityVerifier, idSecret, requireSetting, runRole } from '../wiring/process.js';
import { checkpointReadYourWrites, readModelCheck } from '../wiring/read-side.js';

await runRole('api', async (role) => {
  const { config, logger, metrics } = role;
  requireSetting(config, 'MONGO_URL', 'the api role reads the read models the projector role keeps in MongoDB');
  const { identity } = identityVerifier(config, logger);
  const { eventStore, readModels, shared, idempotency, snapshots } = await openApiStores(config, logger, role.onShutdown);
  const { signer, source: signingKeys } = await openSigner(config);
  logger.info({ kid: signer.kid, keys: signingKeys }, 'signing anchors, receipts and audit exports');
  warnUnlessKeyConfigured(config, signingKeys, logger);
  // Anchors are made beside the publisher; this role verifies against them where every process reads them.
  const anchors = openAnchorStore(config, shared);
  role.onShutdown(() => anchors.close());
  const app = await buildApp({
    store: eventStore,
    signer,
    anchors,
    idempotency,
    snapshots,
    readModels,
    readYourWrites: checkpointReadYourWrites(readModels),
    readinessChecks: [readModelCheck(readModels, eventStore)],
    metrics,
    identity,
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
    ...(await mailing(config, role.onShutdown)),
  });
  role.onShutdown(() => app.close());
  await app.listen({ port: config.PORT, host: config.HOST });
});
