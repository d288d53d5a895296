/**
 * The lease a processor group runs under when several processes may run it: on the real stack
 * (read models in MongoDB) the projector and the publisher each hold a lease in the read-model
 * database; on the embedded default the publisher holds one in `DATA_DIR/consumers.sqlite3`. A
 * standby takes over when the holder dies.
 */
import type { Logger } from 'pino';
import { LeasedGroup, type Leases } from '../infra/consumer/index.js';
import type { Config } from './config.js';
import type { ReadinessCheck } from './http/operations.js';

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
