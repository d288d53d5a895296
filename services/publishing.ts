/**
 * The Kafka publisher of a process and its readiness check. On the real stack (MONGO_URL) its
 * checkpoint lives in the read-model database, where a standby publisher on another machine sees
 * it, and it publishes only while it holds the publisher's lease; a checkpoint file left in
 * DATA_DIR by an earlier version is carried over on the first start, so an upgrade does not
 * publish the whole history again. On the embedded default (one process) the checkpoint stays a
 * file in DATA_DIR.
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { readModelCheckpointer, type Checkpointer } from '../infra/consumer/index.js';
import type { EventStore } from '../infra/event-store/port.js';
import { createPublisher, DEFAULT_CHECKPOINT_NAME, openFileCheckpointStore } from '../infra/publisher/index.js';
import type { MongoReadModelStore } from '../infra/read-models/index.js';
import type { Config } from './config.js';
import type { ReadinessCheck } from './http/operations.js';
import { leasedCheck, leasedGroup } from './leases.js';

export const startPublisher = async (deps: {
  config: Config;
  brokers: string;
  eventStore: EventStore;
  logger: Logger;
  registry: Registry;
  /** The read-model database on the real stack: the shared checkpoint and the lease live there. */
  shared?: MongoReadModelStore | undefined;
  /** A process that only publishes is not ready while it cannot reach the broker; one that also serves the API stays ready and reports the lag. */
  readyOnlyWhenPublishing: boolean;
}) => {
  const files = await openFileCheckpointStore(deps.config.DATA_DIR);
  const common = { store: deps.eventStore, brokers: deps.brokers, topic: deps.config.KAFKA_TOPIC, logger: deps.logger, registry: deps.registry };
  const status = (publisher: { status(): ReturnType<ReturnType<typeof createPublisher>['status']> }): ReadinessCheck => ({
    name: 'publisher',
    check: async () => {
      const current = await publisher.status();
      const publishing = current.state === 'live' || current.state === 'catching-up' || current.state === 'starting';
      return { up: deps.readyOnlyWhenPublishing ? publishing : current.state !== 'stopped', ...current };
    },
  });

  const shared = deps.shared;
  if (shared === undefined) {
    const publisher = createPublisher({ ...common, checkpoints: files });
    await publisher.start();
    return { stop: () => publisher.stop(), check: status(publisher) };
  }

  await adoptCheckpoint(files, readModelCheckpointer(shared), DEFAULT_CHECKPOINT_NAME, deps.logger);
  await files.retire(DEFAULT_CHECKPOINT_NAME);
  const lease = leasedGroup({
    config: deps.config,
    store: shared,
    group: DEFAULT_CHECKPOINT_NAME,
    logger: deps.logger,
    start: async (token) => {
      await shared.fenceCheckpoints([DEFAULT_CHECKPOINT_NAME], token);
      await publisher.start();
    },
    stop: () => publisher.stop(),
  });
  const publisher = createPublisher({ ...common, checkpoints: readModelCheckpointer(shared, lease), fence: lease });
  lease.start();
  return { stop: () => lease.stop(), check: leasedCheck(lease, status(publisher)) };
};

/** Copies a checkpoint into `to` when `to` has none yet: an upgrade from a checkpoint kept elsewhere. */
const adoptCheckpoint = async (from: Checkpointer, to: Checkpointer, name: string, logger: Logger): Promise<void> => {
  if ((await to.load(name)) !== undefined) return;
  const position = await from.load(name);
  if (position === undefined) return;
  await to.save(name, position);
  logger.info({ checkpoint: name, position }, 'carried the checkpoint over from DATA_DIR into the shared store');
};
