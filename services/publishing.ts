/** The Kafka publisher of a process, with its checkpoint file in DATA_DIR and its readiness check. */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { EventStore } from '../infra/event-store/port.js';
import { createPublisher, openFileCheckpointStore } from '../infra/publisher/index.js';
import type { Config } from './config.js';
import type { ReadinessCheck } from './http/operations.js';

export const startPublisher = async (deps: {
  config: Config;
  brokers: string;
  eventStore: EventStore;
  logger: Logger;
  registry: Registry;
  /** A process that only publishes is not ready while it cannot reach the broker; one that also serves the API stays ready and reports the lag. */
  readyOnlyWhenPublishing: boolean;
}) => {
  const checkpoints = await openFileCheckpointStore(deps.config.DATA_DIR);
  const publisher = createPublisher({
    store: deps.eventStore,
    checkpoints,
    brokers: deps.brokers,
    topic: deps.config.KAFKA_TOPIC,
    logger: deps.logger,
    registry: deps.registry,
  });
  await publisher.start();
  const check: ReadinessCheck = {
    name: 'publisher',
    check: async () => {
      const status = await publisher.status();
      const publishing = status.state === 'live' || status.state === 'catching-up' || status.state === 'starting';
      return { up: deps.readyOnlyWhenPublishing ? publishing : status.state !== 'stopped', ...status };
    },
  };
  return { publisher, check };
};
