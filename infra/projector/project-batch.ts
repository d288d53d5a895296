/**
 * One batch of events into one collection: route, load the documents concerned in one read, fold,
 * write the changes in one `write` (one bulk write). The live runtime and rebuilds share it; the
 * checkpoint is the caller's business and comes after.
 */
import type { RecordedEvent } from '../../contracts/index.js';
import type { Projection, ReadDocument } from '../../projections/projection.js';
import type { ReadModelCollection } from '../read-models/port.js';
import { foldEvents, routeEvents, type Failure } from './fold.js';
import type { Retry } from '../consumer/retry.js';

/** Any projection: the document type is the projection's business, not the runtime's. */
export type AnyProjection = Projection<any>;

export type BatchOutcome = {
  /** Events that changed at least one document. */
  applied: number;
  written: number;
  /** The event the projection threw on; nothing from it on was written. */
  failure?: Failure;
};

export const projectBatch = async <D extends ReadDocument>(
  projection: Projection<D>,
  collection: Pick<ReadModelCollection<D>, 'getStates' | 'write'>,
  events: readonly RecordedEvent[],
  retry: Retry,
): Promise<BatchOutcome> => {
  if (events.length === 0) return { applied: 0, written: 0 };
  const route = routeEvents(projection, events);
  const ids = [...new Set(route.routed.flatMap(({ ids }) => ids))];
  const states = ids.length === 0 ? new Map() : await retry(`loading ${ids.length} ${projection.name} documents`, () => collection.getStates(ids));
  const fold = foldEvents(projection, route.routed, states);
  if (fold.writes.length > 0) {
    await retry(`writing ${fold.writes.length} ${projection.name} documents`, () => collection.write(fold.writes));
  }
  // An event `apply` threw on comes no later than one `route` threw on: only routed events are folded.
  const failure = fold.failure ?? route.failure;
  return failure === undefined ? { applied: fold.applied, written: fold.writes.length } : { applied: fold.applied, written: fold.writes.length, failure };
};
