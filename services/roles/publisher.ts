/**
 * The publisher role on its own (`npm run start:publisher`): forwards integration events to Kafka
 * and anchors the engagements' histories there. With MONGO_URL their checkpoints, leases and the
 * anchors live in the read-model database, so that several publisher processes run as one active
 * and its standbys (one lease each: the publishing and the anchoring may be active in different
 * processes) and every api process verifies against the anchors.
 */
import { MongoReadModelStore } from '../../infra/read-models/index.js';
import { openEventStore, openReadModels } from '../wiring/stores.js';
import { requireSetting, runRole, serveOperations } from '../wiring/process.js';
import { openSigner, warnUnlessKeyConfigured } from '../proof/keys.js';
import { openAnchorStore, startAnchoring } from '../proof/anchoring.js';
import { startPublisher } from '../wiring/publishing.js';

await runRole('publisher', async (role) => {
  const { config, logger, metrics } = role;
  const brokers = requireSetting(config, 'KAFKA_BROKERS', 'the publisher role publishes to Kafka');
  const eventStore = await openEventStore(config, logger);
  role.onShutdown(() => eventStore.close());
  const readModels = config.MONGO_URL ? await openReadModels(config, logger) : undefined;
  if (readModels !== undefined) role.onShutdown(() => readModels.close());
  const shared = readModels instanceof MongoReadModelStore ? readModels : undefined;
  const publishing = await startPublisher({ config, brokers, eventStore, logger, registry: metrics.registry, shared, readyOnlyWhenPublishing: true });
  role.onShutdown(() => publishing.stop());
  const { signer, source: signingKeys } = await openSigner(config);
  logger.info({ kid: signer.kid, keys: signingKeys }, 'signing anchors');
  warnUnlessKeyConfigured(config, signingKeys, logger);
  const anchors = openAnchorStore(config, shared);
  role.onShutdown(() => anchors.close());
  const anchoring = await startAnchoring({ config, eventStore, anchors, signer, logger, shared });
  role.onShutdown(() => anchoring.stop());
  await serveOperations(role, [{ name: 'eventStore', check: () => eventStore.ping() }, publishing.check, anchoring.check]);
});
