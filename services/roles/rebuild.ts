/**
 * `npm run projections:rebuild -- <name>`: rebuilds one read model – in MongoDB, or in
 * `DATA_DIR/read-models.sqlite3` on the embedded default – into a fresh collection and swaps it in
 * when it has caught up. Meant for when no projector process is running (on the embedded default
 * it refuses while the service runs, whose read models in memory would not see the swap); a
 * running one rebuilds without stopping through `POST /projections/:name/rebuild` (admin).
 */
import { PROJECTIONS } from '../../projections/index.js';
import { rebuildCommand } from '../../infra/projector/rebuild-cli.js';
import { openEventStore, openReadModels } from '../wiring/stores.js';
import { requireSetting, runRole } from '../wiring/process.js';
import type { EventStore } from '../../infra/event-store/port.js';
import { ensureStopped } from '../../infra/embedded-data/restore.js';

await runRole('rebuild', async ({ config, logger }) => {
  const embedded = !config.MONGO_URL && !config.EVENTSTORE_URL;
  if (embedded) ensureStopped(config.DATA_DIR);
  else requireSetting(config, 'MONGO_URL', 'read models in memory beside EventStoreDB are rebuilt at every start; only MongoDB ones are rebuilt by hand');
  let log: EventStore | undefined;
  const code = await rebuildCommand(process.argv.slice(2), {
    openEventStore: async () => (log = await openEventStore(config, logger)),
    openReadModelStore: () => openReadModels(config, logger, log),
    projections: PROJECTIONS,
    logger,
  });
  process.exit(code);
});
