/**
 * The projector role on its own (`npm run start:projector`): keeps the MongoDB read models up to
 * date while it holds the projections' lease; further projector processes stand by and take over
 * when it dies (docs/architecture.md#standbys-and-leases).
 */
import { MongoLeases } from '../../infra/consumer/index.js';
import { MongoReadModelStore } from '../../infra/read-models/index.js';
import { openEventStore, openReadModels } from '../wiring/stores.js';
import { leasedCheck, leasedGroup } from '../wiring/leases.js';
import { requireSetting, runRole, serveOperations } from '../wiring/process.js';
import { startProjector } from '../wiring/read-side.js';

/** The lease of the projection group, in the read-model database. */
const PROJECTIONS_LEASE = 'projections';

await runRole('projector', async (role) => {
  const { config, logger, metrics } = role;
  requireSetting(config, 'MONGO_URL', 'the projector role writes read models to MongoDB for the api role to read');
  const eventStore = await openEventStore(config, logger);
  role.onShutdown(() => eventStore.close());
  const readModels = await openReadModels(config, logger);
  role.onShutdown(() => readModels.close());
  if (!(readModels instanceof MongoReadModelStore)) throw new Error('the projector role needs MONGO_URL');
  const lease = leasedGroup({
    config,
    leases: new MongoLeases(readModels.database),
    group: PROJECTIONS_LEASE,
    logger,
    start: async (token) => {
      await readModels.fenceCheckpoints(readSide.projector.names, token);
      await readSide.projector.start();
    },
    stop: () => readSide.projector.stop(),
  });
  const readSide = await startProjector({ eventStore, readModels, logger, registry: metrics.registry, fence: lease });
  lease.start();
  role.onShutdown(() => lease.stop());
  await serveOperations(role, [{ name: 'eventStore', check: () => eventStore.ping() }, leasedCheck(lease, readSide.check)]);
});
