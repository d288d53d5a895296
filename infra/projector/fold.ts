/**
 * One batch of events folded into the documents they concern – pure, no I/O. The fold itself is
 * the projections' own `applyInOrder` (skip what a document has already seen, apply the rest in
 * log order, set `position`); this adds what the runtime needs around it:
 * - deleted documents: their tombstone position is honoured too, so a redelivered event from
 *   before a deletion is skipped rather than applied to nothing;
 * - a projection that throws: the fold stops at that event, keeping what the events before it did;
 * - the writes: one per document that changed, guarded by its new position.
 */
import type { RecordedEvent } from '../../contracts/index.js';
import { applyInOrder, comparePositions } from '../../projections/apply.js';
import type { Projection, ReadDocument } from '../../projections/projection.js';
import type { DocumentWrite, StoredState } from '../read-models/port.js';

export type Routed = { event: RecordedEvent; ids: readonly string[] };

/** The event a projection threw on, and what it threw. */
export type Failure = { event: RecordedEvent; error: unknown };

/** Routes `events` in order, up to the first one `route` throws on. */
export const routeEvents = <D extends ReadDocument>(
  projection: Projection<D>,
  events: readonly RecordedEvent[],
): { routed: Routed[]; failure?: Failure } => {
  const routed: Routed[] = [];
  for (const event of events) {
    try {
      routed.push({ event, ids: projection.route(event) });
    } catch (error) {
      return { routed, failure: { event, error } };
    }
  }
  return { routed };
};

export type Fold<D> = {
  writes: DocumentWrite<D>[];
  /** Events that changed at least one document. */
  applied: number;
  /** Set when an event could not be applied: no event from it on is in `writes`. */
  failure?: Failure;
};

export const foldEvents = <D extends ReadDocument>(
  projection: Projection<D>,
  routed: readonly Routed[],
  states: ReadonlyMap<string, StoredState<D>>,
): Fold<D> => {
  const documents = new Map<string, D>();
  for (const [id, state] of states) if (state.document !== undefined) documents.set(id, state.document);

  // Each event goes only to the documents that have not seen it – deleted ones included.
  const fresh = new Map<RecordedEvent, string[]>();
  for (const { event, ids } of routed) {
    const unseen = ids.filter((id) => {
      const stored = states.get(id);
      return stored === undefined || comparePositions(event.position, stored.position) > 0;
    });
    if (unseen.length > 0) fresh.set(event, unseen);
  }
  const guarded: Projection<D> = { ...projection, route: (event) => fresh.get(event) ?? [] };
  const events = routed.map(({ event }) => event);

  let folded: { result: Map<string, D>; done: number; failure?: Failure };
  try {
    folded = { result: applyInOrder(guarded, documents, events), done: events.length };
  } catch {
    folded = foldUpToFailure(guarded, documents, events);
  }

  const lastPosition = new Map<string, string>();
  let applied = 0;
  for (const event of events.slice(0, folded.done)) {
    const ids = fresh.get(event);
    if (ids === undefined) continue;
    applied++;
    for (const id of ids) lastPosition.set(id, event.position);
  }

  const writes: DocumentWrite<D>[] = [];
  for (const [id, position] of lastPosition) {
    const before = documents.get(id);
    const after = folded.result.get(id);
    if (after !== undefined) {
      if (after !== before) writes.push({ kind: 'upsert', id, document: after, ifPositionBelow: after.position });
    } else if (before !== undefined) {
      writes.push({ kind: 'delete', id, ifPositionBelow: position });
    }
  }
  return folded.failure === undefined ? { writes, applied } : { writes, applied, failure: folded.failure };
};

/** Event by event, to find the one that throws and keep what the ones before it did. */
const foldUpToFailure = <D extends ReadDocument>(
  projection: Projection<D>,
  documents: ReadonlyMap<string, D>,
  events: readonly RecordedEvent[],
): { result: Map<string, D>; done: number; failure?: Failure } => {
  let result = new Map(documents);
  for (const [index, event] of events.entries()) {
    try {
      result = applyInOrder(projection, result, [event]);
    } catch (error) {
      return { result, done: index, failure: { event, error } };
    }
  }
  return { result, done: events.length };
};
