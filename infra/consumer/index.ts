/** The log consumer: one subscription feeding a group of processors, their checkpoints, retries and lag. */
export { LogConsumer, earliest, filterOf, type ConsumerOptions, type ConsumerState, type Processor } from './consumer.js';
export { DEFAULT_BATCH_LIMITS, DEFAULT_CATCH_UP_BATCH_LIMITS, readBatches, type Batch, type BatchLimits } from './batches.js';
export { adoptCheckpoint, CheckpointStoreError, InMemoryCheckpointer, readModelCheckpointer, type Checkpointer } from './checkpointer.js';
export { CheckpointWriter } from './checkpoint-writer.js';
export { LagProbe, DEFAULT_LAG_COUNT_LIMIT, type Lag, type Standing } from './lag.js';
export { backoffDelay, DEFAULT_BACKOFF, isTransient, pause, retried, retrier, StoppedError, type BackoffPolicy, type Retry, type Retrying } from './retry.js';
export { DEFAULT_LEASE_TIMING, holderName, InMemoryLeases, LeaseLostError, type Fence, type LeaseTerm, type Leases, type LeaseTiming } from './lease.js';
export { LeasedGroup, type LeasedGroupOptions, type LeasedGroupState } from './leased-group.js';
export { MongoLeases } from './mongo-leases.js';
export { CONSUMERS_FILE, SqliteConsumerStore } from './sqlite-consumer-store.js';
