/** The projector role on its own (`npm run start:projector`): keeps the MongoDB read models up to date. */
import { openEventStore, openReadModels } from './infrastructure.js';
import { requireSetting, runRole, serveOperations } from './process.js';
import { startProjector } from './read-side.js';

await runRole('projector', async (role) => {
  const { config, logger, metrics } = role;
  requireSetting(config, 'MONGO_URL', 'the projector role writes read models to MongoDB for the api role to read');
  const eventStore = await openEventStore(config, logger);
  role.onShutdown(() => eventStore.close());
  const readModels = await openReadModels(config, logger);
  role.onShutdown(() => readModels.close());
  const readSide = await startProjector({ eventStore, readModels, logger, registry: metrics.registry });
  role.onShutdown(() => readSide.projector.stop());
  await serveOperations(role, [{ name: 'eventStore', check: () => eventStore.ping() }, readSide.check]);
});
