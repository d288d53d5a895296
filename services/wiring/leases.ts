/**
 * The lease a processor group runs under when several processes may run it: on the real stack
 * (read models in MongoDB) the projector, the publisher and the anchoring each hold a lease in the
 * read-model database; on the embedded default the publisher and the anchoring hold one in
 * `DATA_DIR/consumers.sqlite3`. A standby takes over when the holder dies. The MongoDB leases are
 * loaded only on the real stack, so that the embedded default starts without the MongoDB driver.
 */
import type { Logger } from 'pino';
import { readModelCheckpointer, type Checkpointer } from '../../infra/consumer/checkpointer.js';
import type { Fence, Leases } from '../../infra/consumer/lease.js';
import { LeasedGroup } from '../../infra/consumer/leased-group.js';
import type { MongoReadModelStore } from '../../infra/read-models/mongo.js';
import type { Config } from './config.js';
import { carryOverCheckpointFile, openConsumerStore } from '../../infra/embedded-data/consumers.js';
import type { ReadinessCheck } from '../http/plugins/operations.js';

export const leasedGroup = (deps: {
  config: Config;
  leases: Leases;
  group: string;
  logger: Logger;
  start: (token: number) => Promise<void>;
  stop: () => Promise<void>;
}): LeasedGroup =>
  new LeasedGroup({
    leases: deps.leases,
    group: deps.group,
    logger: deps.logger,
    timing: {
      ttlMs: deps.config.CONSUMER_LEASE_TTL_MS,
      renewEveryMs: deps.config.CONSUMER_LEASE_RENEW_MS,
      acquireEveryMs: deps.config.CONSUMER_LEASE_ACQUIRE_MS,
    },
    start: (term) => deps.start(term.token),
    stop: deps.stop,
  });

/** A standby is ready: it waits for the lease by design; the active process answers for the group's health. */
export const leasedCheck = (group: LeasedGroup, active: ReadinessCheck): ReadinessCheck => ({
  name: active.name,
  check: async () => (group.state === 'active' ? { ...((await active.check()) as object), lease: 'active' } : { up: true, lease: group.state, holder: group.holder }),
});

/** Where a leased group's checkpoints and lease live. */
export type Coordination = {
  leases: Leases;
  checkpoints(fence: Fence): Checkpointer;
  fence(names: readonly string[], token: number): Promise<void>;
  close(): void;
};

/** The read-model database on the real stack (`shared`), `DATA_DIR/consumers.sqlite3` on the embedded default. */
export const coordination = async (dataDir: string, shared: MongoReadModelStore | undefined, logger: Logger): Promise<Coordination> => {
  if (shared !== undefined) {
    await carryOverCheckpointFile(dataDir, readModelCheckpointer(shared), logger);
    const { MongoLeases } = await import('../../infra/consumer/mongo-leases.js');
    return {
      leases: new MongoLeases(shared.database),
      checkpoints: (fence) => readModelCheckpointer(shared, fence),
      fence: (names, token) => shared.fenceCheckpoints(names, token),
      close: () => undefined,
    };
  }
  const store = await openConsumerStore(dataDir, logger);
  return {
    leases: store,
    checkpoints: (fence) => store.checkpointer(fence),
    fence: async (names, token) => store.fenceCheckpoints(names, token),
    close: () => store.close(),
  };
};
