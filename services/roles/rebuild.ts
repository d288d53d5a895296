/**
 * `npm run projections:rebuild -- <name>`: rebuilds one read model in MongoDB into a fresh
 * collection and swaps it in when it has caught up. Meant for when no projector process is running;
 * a running one rebuilds without stopping through `POST /projections/:name/rebuild` (admin).
 */
import { PROJECTIONS } from '../../projections/index.js';
import { rebuildCommand } from '../../infra/projector/rebuild-cli.js';
import { openEventStore, openReadModels } from '../wiring/stores.js';
import { requireSetting, runRole } from '../wiring/process.js';

await runRole('rebuild', async ({ config, logger }) => {
  requireSetting(config, 'MONGO_URL', 'read models in memory are rebuilt at every start; only MongoDB ones are rebuilt by hand');
  const code = await rebuildCommand(process.argv.slice(2), {
    openEventStore: () => openEventStore(config, logger),
    openReadModelStore: () => openReadModels(config, logger),
    projections: PROJECTIONS,
    logger,
  });
  process.exit(code);
});
