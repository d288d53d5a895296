/**
 * The all-in-one process (`npm start`, loaded by `main.ts`): the HTTP API, the projector and – when KAFKA_BROKERS is set
 * – the Kafka publisher. With no configuration it runs on the embedded default: events in a SQLite
 * file in DATA_DIR, read models in memory kept in SQLite beside it (loaded at a start, then caught
 * up with the log), publishing off.
 */
import { buildApp } from '../http/app.js';
import { openAnchorStore, startAnchoring } from '../proof/anchoring.js';
import { openSigner } from '../proof/keys.js';
import { httpSettings } from '../wiring/http-settings.js';
import { SqliteReadModelStore } from '../../infra/read-models/sqlite.js';
import { loadReadModels } from '../../infra/embedded-data/read-models.js';
import { openApiStores } from '../wiring/stores.js';
import { identityVerifier, runRole } from '../wiring/process.js';
import { startPublisher } from '../wiring/publishing.js';
import { catchUpTo } from '../queries/read-your-writes.js';
import { checkStartedLater } from '../http/plugins/operations.js';
import { catchUpCheck, SHARED_PROCESS_BATCH, SHARED_PROCESS_CATCH_UP_BATCH, startProjector } from '../wiring/read-side.js';

await runRole('all-in-one', async (role) => {
  const { config, logger, metrics } = role;
  const { identity, devSecretFile } = identityVerifier(config, logger);
  const { eventStore, readModels, shared, idempotency, snapshots } = await openApiStores(config, logger, role.onShutdown);

  // Read models in memory start empty or with what was kept of them: queries wait for them to reach the log's head as it is now.
  const headAtStart = config.MONGO_URL ? undefined : await eventStore.headPosition();
  const readSide = await startProjector({
    eventStore,
    readModels,
    logger,
    registry: metrics.registry,
    batch: SHARED_PROCESS_BATCH,
    catchUpBatch: SHARED_PROCESS_CATCH_UP_BATCH,
    startLater: true,
  });
  role.onShutdown(() => readSide.projector.stop());
  const catchUp = catchUpTo(readSide.readYourWrites, headAtStart);
  const checks = [readSide.check, ...(catchUp ? [catchUpCheck(catchUp)] : [])];
  const publishingCheck = config.KAFKA_BROKERS ? checkStartedLater('publisher') : undefined;
  if (publishingCheck) checks.push(publishingCheck.check);
  const { signer, source: signingKeys } = await openSigner(config);
  logger.info({ kid: signer.kid, keys: signingKeys }, 'signing anchors, receipts and audit exports');
  const anchors = openAnchorStore(config, shared);
  role.onShutdown(() => anchors.close());
  const anchoringCheck = checkStartedLater('anchoring');
  checks.push(anchoringCheck.check);
  const app = await buildApp({
    store: eventStore,
    signer,
    anchors,
    idempotency,
    snapshots,
    readModels,
    readYourWrites: readSide.readYourWrites,
    ...(catchUp ? { catchUp } : {}),
    projector: readSide.projector,
    readinessChecks: checks,
    metrics,
    identity,
    ...(await httpSettings(role)),
  });
  role.onShutdown(() => app.close());
  const address = await app.listen({ port: config.PORT, host: config.HOST });

  const lines = [
    `CRM requirements discovery is serving on ${address}`,
    `  web app:    ${address}/`,
    `  API docs:   ${address}/docs   (OpenAPI: ${address}/openapi.json)`,
    `  health:     ${address}/health/ready   metrics: ${address}/metrics`,
    `  events:     ${config.EVENTSTORE_URL ? 'EventStoreDB' : `embedded store in ${config.DATA_DIR}`}; ` +
      `read models: ${config.MONGO_URL ? 'MongoDB' : readModels instanceof SqliteReadModelStore ? `in memory, kept in ${readModels.file}` : 'in memory'}; Kafka: ${config.KAFKA_BROKERS ? config.KAFKA_TOPIC : 'off'}`,
  ];
  if (devSecretFile) {
    lines.push(
      `  tokens:     development secret in ${devSecretFile}; mint one with`,
      `              npm run token -- --sub alice --name "Alice" --roles pm`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);

  // Whatever reads the log from its start – the projector's catch-up, the publisher, the anchoring –
  // starts once the process serves, so that a long log does not delay the first command; the read
  // side and the publishing side side by side, so that Kafka does not wait for the read models to load.
  const readSideStarted = (async () => {
    if (readModels instanceof SqliteReadModelStore) await loadReadModels(readModels, logger);
    await readSide.projector.start();
  })();
  // Awaited below; a failure meanwhile must not count as unhandled before it is.
  readSideStarted.catch(() => undefined);
  if (config.KAFKA_BROKERS && publishingCheck) {
    const publishing = await startPublisher({
      config,
      brokers: config.KAFKA_BROKERS,
      eventStore,
      logger,
      registry: metrics.registry,
      shared,
      readyOnlyWhenPublishing: false,
    });
    role.onShutdown(() => publishing.stop());
    publishingCheck.started(publishing.check);
  }
  // The anchoring reads the log from its own checkpoint: after the read models are loaded, so that
  // the two do not share the event loop with the first requests (the load gives it a turn every few ms).
  await readSideStarted;
  const anchoring = await startAnchoring({ config, eventStore, anchors, signer, logger, shared });
  role.onShutdown(() => anchoring.stop());
  anchoringCheck.started(anchoring.check);
});
