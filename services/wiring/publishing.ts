/**
 * The Kafka publisher of a process and its readiness check. It publishes only while it holds the
 * publisher's lease, with its checkpoint where every process that may take over sees it: in the
 * read-model database on the real stack (MONGO_URL), in `DATA_DIR/consumers.sqlite3` on the
 * embedded default. A checkpoint file an earlier version left in DATA_DIR is carried over on the
 * first start, so an upgrade does not publish the whole history again. The Kafka client is loaded
 * only here, when KAFKA_BROKERS is set: a process that does not publish starts without it.
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { EventStore } from '../../infra/event-store/port.js';
import { DEFAULT_CHECKPOINT_NAME } from '../../infra/publisher/publisher.js';
import type { MongoReadModelStore } from '../../infra/read-models/mongo.js';
import type { Config } from './config.js';
import type { ReadinessCheck } from '../http/plugins/operations.js';
import { coordination, leasedCheck, leasedGroup } from './leases.js';

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
  const { createPublisher } = await import('../../infra/publisher/create-publisher.js');
  const where = await coordination(deps.config.DATA_DIR, deps.shared, deps.logger);
  const lease = leasedGroup({
    config: deps.config,
    leases: where.leases,
    group: DEFAULT_CHECKPOINT_NAME,
    logger: deps.logger,
    start: async (token) => {
      await where.fence([DEFAULT_CHECKPOINT_NAME], token);
      await publisher.start();
    },
    stop: () => publisher.stop(),
  });
  const publisher = createPublisher({
    store: deps.eventStore,
    checkpoints: where.checkpoints(lease),
    fence: lease,
    brokers: deps.brokers,
    topic: deps.config.KAFKA_TOPIC,
    logger: deps.logger,
    registry: deps.registry,
  });
  lease.start();
  const check: ReadinessCheck = {
    name: 'publisher',
    check: async () => {
      const current = await publisher.status();
      const publishing = current.state === 'live' || current.state === 'catching-up' || current.state === 'starting';
      return { up: deps.readyOnlyWhenPublishing ? publishing : current.state !== 'stopped', ...current };
    },
  };
  return {
    stop: async () => {
      await lease.stop();
      where.close();
    },
    check: leasedCheck(lease, check),
  };
};
