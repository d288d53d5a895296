/**
 * A projection is declarative: which documents an event concerns, and a pure function from a
 * document and an event to the next document. Checkpoints, batching, bulk writes, retries and
 * rebuilds are the runtime's business (`infra/projector`), written once for every projection.
 */
import type { DomainEventType, RecordedEvent } from '../contracts/index.js';

/** Every read-model document knows its engagement and the last log position applied to it. */
export type ReadDocument = {
  id: string;
  engagementId: string;
  /** Position of the last event applied; events at or before it are ignored on redelivery. */
  position: string;
};

export type Projection<D extends ReadDocument = ReadDocument> = {
  /** Also the name of the collection the documents live in. */
  name: string;
  /** Event types this projection reads; the runtime subscribes with this filter. */
  eventTypes: readonly DomainEventType[];
  /** Ids of the documents the event changes (none: the event is not this projection's concern). */
  route: (event: RecordedEvent) => readonly string[];
  /**
   * The document after the event. `document` is undefined when none exists yet; the result is
   * undefined when the event leaves no document. Must not mutate `document`. The runtime sets
   * `position` on the result; `apply` need not.
   */
  apply: (document: D | undefined, event: RecordedEvent, id: string) => D | undefined;
};
