/**
 * The API role on its own (`npm run start:api`): commands against the event store, queries against
 * the read models a separate projector process keeps in MongoDB.
 */
import { buildApp } from '../http/app.js';
import { openAnchorStore } from '../proof/anchoring.js';
import { openSigner, warnUnlessKeyConfigured } from '../proof/keys.js';
import { httpSettings } from '../wiring/http-settings.js';
import { openApiStores } from '../wiring/stores.js';
import { identityVerifier, requireSetting, runRole } from '../wiring/process.js';
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
    ...(await httpSettings(role)),
  });
  role.onShutdown(() => app.close());
  await app.listen({ port: config.PORT, host: config.HOST });
});
