/** The projector runtime: live projections from the log, read-your-writes waits, metrics and rebuilds. */
export { Projector, type AnyProjection, type ProjectionState, type ProjectionStatus, type ProjectorOptions } from './projector.js';
export { rebuildProjection, type RebuildOptions, type RebuildResult } from './rebuild.js';
export { runRebuild, rebuildCommand, UnknownProjectionError, type RunRebuildOptions } from './rebuild-cli.js';
export { PositionWaitTimeoutError, ProjectionFailedError, ProjectorStoppedError, type ProjectionError } from './errors.js';
export { DEFAULT_BATCH_LIMITS, DEFAULT_CATCH_UP_BATCH_LIMITS, type BatchLimits } from '../consumer/batches.js';
export { DEFAULT_BACKOFF, type BackoffPolicy } from '../consumer/retry.js';
export { DEFAULT_STALLED_AFTER_MS, StallWatch, type Readiness } from './readiness.js';
