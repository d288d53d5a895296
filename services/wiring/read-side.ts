/**
 * The read side of a process: the projector runtime over every projection, the indexes the queries
 * need, and read-your-writes. In the all-in-one process the projector runs here and
 * read-your-writes asks it; an API-only process reads the checkpoints the projector process saves.
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { comparePositions } from '../../contracts/index.js';
import { PROJECTIONS } from '../../projections/index.js';
import type { EventStore } from '../../infra/event-store/port.js';
import { LagProbe } from '../../infra/consumer/lag.js';
import type { Fence } from '../../infra/consumer/lease.js';
import { Projector } from '../../infra/projector/projector.js';
import { StallWatch } from '../../infra/projector/readiness.js';
import type { ReadModelStore } from '../../infra/read-models/port.js';
import { READ_MODELS } from '../http/query-routes.js';
import type { ReadinessCheck } from '../http/plugins/operations.js';
import type { CatchUp, ReadYourWrites } from '../queries/read-your-writes.js';

/** The indexes the queries of `services/http/plugins/` use, per read model. */
export const READ_MODEL_INDEXES: Record<string, Array<Array<readonly [string, 1 | -1]>>> = {
  [READ_MODELS.interviews]: [[['engagementId', 1], ['scheduledAt', 1]], [['engagementId', 1], ['status', 1]]],
  [READ_MODELS.findings]: [[['interviewId', 1], ['position', 1]]],
  [READ_MODELS.backlog]: [[['engagementId', 1]]],
  [READ_MODELS.baselines]: [[['engagementId', 1], ['createdAt', -1]]],
  [READ_MODELS.audit]: [
    [['engagementId', 1], ['position', 1]],
    [['engagementId', 1], ['actor.id', 1], ['position', 1]],
    [['engagementId', 1], ['action', 1], ['position', 1]],
    [['engagementId', 1], ['relatedIds', 1], ['position', 1]],
  ],
};

export const ensureReadModelIndexes = async (readModels: ReadModelStore) => {
  for (const [name, indexes] of Object.entries(READ_MODEL_INDEXES)) await readModels.ensureIndexes(name, indexes);
};

/**
 * Beside the API in one process, small batches: a batch is folded without yielding the event loop,
 * so its size bounds how long a command may wait behind it. A projector process of its own takes
 * the runtime's larger default batches, which write fewer, fuller bulk writes.
 */
export const SHARED_PROCESS_BATCH = { maxEvents: 100, maxWaitMs: 20 };

/**
 * Catching up beside the API: a batch small enough that a command which arrives meanwhile waits
 * tens of milliseconds for its turn, not the fold of 5,000 events.
 */
export const SHARED_PROCESS_CATCH_UP_BATCH = { maxEvents: 1_000, maxWaitMs: 50 };

export const startProjector = async (deps: {
  eventStore: EventStore;
  readModels: ReadModelStore;
  logger: Logger;
  registry: Registry;
  batch?: { maxEvents: number; maxWaitMs: number };
  catchUpBatch?: { maxEvents: number; maxWaitMs: number };
  /** The caller starts the projector (`projector.start()`), once the process serves: the catch-up reads the whole log. */
  startLater?: boolean;
  /** How long a projection may stay behind without advancing before the process is not ready. */
  stalledAfterMs?: number;
  /** The lease term the projector runs under; without one it starts at once. */
  fence?: Fence;
}) => {
  await ensureReadModelIndexes(deps.readModels);
  const projector = new Projector({
    eventStore: deps.eventStore,
    store: deps.readModels,
    projections: PROJECTIONS,
    logger: deps.logger,
    registry: deps.registry,
    ...(deps.batch ? { batch: deps.batch } : {}),
    ...(deps.catchUpBatch ? { catchUpBatch: deps.catchUpBatch } : {}),
    ...(deps.fence ? { fence: deps.fence } : {}),
  });
  if (deps.fence === undefined && !deps.startLater) await projector.start();
  const readYourWrites: ReadYourWrites = { waitFor: (position, timeoutMs) => projector.waitForPosition(position, timeoutMs) };
  const stalls = new StallWatch(deps.stalledAfterMs === undefined ? {} : { stalledAfterMs: deps.stalledAfterMs });
  const check: ReadinessCheck = {
    name: 'projector',
    check: async () => {
      const projections = await projector.status();
      return { ...stalls.assess(projections), projections };
    },
  };
  return { projector, readYourWrites, check };
};

/** Read-your-writes for a process without a projector: the projector process's saved checkpoints. */
export const checkpointReadYourWrites = (readModels: ReadModelStore, pollMs = 50): ReadYourWrites => ({
  waitFor: async (position, timeoutMs) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const checkpoints = await Promise.all(PROJECTIONS.map((p) => readModels.checkpoint(p.name)));
      if (checkpoints.every((c) => c !== undefined && comparePositions(c, position) >= 0)) return;
      if (Date.now() >= deadline) throw new Error(`read models did not reach ${position} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  },
});

/** Readiness of the read models as an API-only process sees them: reachable, and how far behind the log. */
export const readModelCheck = (readModels: ReadModelStore, eventStore: EventStore, stalls = new StallWatch()): ReadinessCheck => {
  const lag = new LagProbe(eventStore);
  return {
    name: 'readModels',
    check: async () => {
      await readModels.ping();
      const checkpoints = await Promise.all(PROJECTIONS.map((p) => readModels.checkpoint(p.name)));
      const lags = await lag.measure(PROJECTIONS.map((p, index) => ({ checkpoint: checkpoints[index], eventTypes: p.eventTypes })));
      const readiness = stalls.assess(PROJECTIONS.map((p, index) => ({ name: p.name, checkpoint: checkpoints[index], lagEvents: lags[index]?.events })));
      return { ...readiness, head: (await eventStore.headPosition()) ?? null, checkpoints: Object.fromEntries(PROJECTIONS.map((p, index) => [p.name, checkpoints[index] ?? null])) };
    },
  };
};

/**
 * Whether the in-memory read models have reached the log's head as it was at the start. The
 * process stays ready meanwhile – commands are served – and says why its queries answer 503.
 */
export const catchUpCheck = (catchUp: CatchUp): ReadinessCheck => ({
  name: 'catchUp',
  check: async () => ({ caughtUp: await catchUp.reached(0), headAtStart: catchUp.headAtStart }),
});
