/**
 * A projection declared the way Eventuous declares one (`On<Event>(update)`): a map from event
 * type to a pure update. `eventTypes` is the map's keys, so the subscription filter cannot drift
 * from what the projection handles, and `route` is never asked about any other event.
 */
import type { Actor, DomainEvent, DomainEventType, EventOfType, RecordedEvent } from '../contracts/index.js';
import type { Projection, ReadDocument } from './projection.js';

export type Update<D, E extends DomainEvent> = (document: D | undefined, event: RecordedEvent<E>, id: string) => D | undefined;

export type Updates<D> = { readonly [T in DomainEventType]?: Update<D, EventOfType<T>> };

export const defineProjection = <D extends ReadDocument>(definition: {
  name: string;
  /** Ids of the documents an event of one of the handled types changes. */
  route: (event: RecordedEvent) => readonly string[];
  on: Updates<D>;
}): Projection<D> => {
  const { name, route, on } = definition;
  const eventTypes = Object.keys(on) as DomainEventType[];
  const handled = new Set<string>(eventTypes);
  return {
    name,
    eventTypes,
    route: (event) => (handled.has(event.type) ? route(event) : []),
    apply: (document, event, id) => {
      const update = on[event.type] as Update<D, DomainEvent> | undefined;
      return update === undefined ? document : update(document, event, id);
    },
  };
};

/**
 * An update of a document that exists. An event for a document that was never created (a log
 * the deciders could not have written) leaves none, rather than inventing half a document.
 * The result carries the event's position, so that replays can be guarded by it.
 */
export const existing =
  <D extends ReadDocument, E extends DomainEvent>(
    update: (document: D, event: RecordedEvent<E>, id: string) => D,
  ): Update<D, E> =>
  (document, event, id) =>
    document === undefined ? undefined : { ...update(document, event, id), position: event.position };

/** The part every document starts with. */
export const documentBase = (event: RecordedEvent, id: string): ReadDocument => ({
  id,
  engagementId: event.engagementId,
  position: event.position,
});

/** The stream revision and time of the last event applied, as every per-stream document keeps them. */
export const versioned = <D extends { version: number; updatedAt: string }>(
  document: D,
  event: Pick<RecordedEvent, 'revision' | 'occurredAt'>,
): D => ({ ...document, version: event.revision, updatedAt: event.occurredAt });

/** Who did it, copied so that a document never shares an object with the event. */
export const actorOf = (event: RecordedEvent): Actor => ({
  id: event.actor.id,
  name: event.actor.name,
  roles: [...event.actor.roles],
});
