/** The publisher role on its own (`npm run start:publisher`): forwards integration events to Kafka. */
import { openEventStore } from './infrastructure.js';
import { requireSetting, runRole, serveOperations } from './process.js';
import { startPublisher } from './publishing.js';

await runRole('publisher', async (role) => {
  const { config, logger, metrics } = role;
  const brokers = requireSetting(config, 'KAFKA_BROKERS', 'the publisher role publishes to Kafka');
  const eventStore = await openEventStore(config, logger);
  role.onShutdown(() => eventStore.close());
  const publishing = await startPublisher({ config, brokers, eventStore, logger, registry: metrics.registry, readyOnlyWhenPublishing: true });
  role.onShutdown(() => publishing.publisher.stop());
  await serveOperations(role, [{ name: 'eventStore', check: () => eventStore.ping() }, publishing.check]);
});
