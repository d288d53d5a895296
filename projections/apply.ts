/**
 * Folding events into documents the way the projector runtime does: each event goes to the
 * documents it routes to, in log order, and is skipped by a document that has already seen its
 * position. Redelivery after a crash therefore neither loses nor double-applies an update. The
 * runtime, rebuilds and the backlog's `asOf` query share this one fold.
 */
import { comparePositions, type RecordedEvent } from '../contracts/index.js';
import type { Projection, ReadDocument } from './projection.js';

export { comparePositions };

/** Whether `document` has already applied the event at `position`. */
export const alreadyApplied = (document: ReadDocument | undefined, position: string): boolean =>
  document !== undefined && comparePositions(position, document.position) <= 0;

/**
 * The documents after `events` (in log order). `documents` is not changed; a document no event
 * touched keeps its identity in the result, so a caller can write back only what changed
 * (`result.get(id) !== documents.get(id)`). A document whose update leaves none is removed.
 */
export const applyInOrder = <D extends ReadDocument>(
  projection: Projection<D>,
  documents: ReadonlyMap<string, D>,
  events: Iterable<RecordedEvent>,
): Map<string, D> => {
  const result = new Map(documents);
  for (const event of events) {
    for (const id of projection.route(event)) {
      const document = result.get(id);
      if (alreadyApplied(document, event.position)) continue;
      const next = projection.apply(document, event, id);
      if (next === undefined) result.delete(id);
      else result.set(id, { ...next, position: event.position });
    }
  }
  return result;
};

/** The documents `events` build from nothing: a rebuild, or a read model as of a past instant. */
export const project = <D extends ReadDocument>(
  projection: Projection<D>,
  events: Iterable<RecordedEvent>,
): Map<string, D> => applyInOrder(projection, new Map(), events);
