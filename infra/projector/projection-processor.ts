/**
 * One projection as a processor of the log consumer: per batch, the events of its types past its
 * checkpoint are projected into its collection (`projectBatch`) and only then is its checkpoint
 * saved. A store outage is retried where it happens; a projection that throws on an event is
 * stopped there – its documents hold everything before that event, its checkpoint stays before
 * it, and its status says which event and why.
 */
import type { Logger } from 'pino';
import type { RecordedEvent } from '../../contracts/index.js';
import type { Projection, ReadDocument } from '../../projections/projection.js';
import type { Batch, Processor } from '../consumer/consumer.js';
import type { Checkpointer } from '../consumer/checkpointer.js';
import { retried, retrier, StoppedError, type BackoffPolicy, type Retrying } from '../consumer/retry.js';
import { comparePositions } from '../event-store/port.js';
import { StaleFenceError, type ReadModelCollection, type ReadModelStore } from '../read-models/port.js';
import { LeaseLostError, type Fence } from '../consumer/lease.js';
import { describeFailure, type ProjectionError } from './errors.js';
import { projectBatch, type AnyProjection, type BatchOutcome } from './project-batch.js';

export type ProjectionState = 'catching-up' | 'live' | 'failed' | 'stopped';

export type ProjectionEvents = {
  applied(projection: string, events: number): void;
  failed(projection: string, failed: boolean): void;
  /** The checkpoint or the state moved. */
  changed(): void;
};

export class ProjectionProcessor implements Processor {
  readonly projection: AnyProjection;
  readonly name: string;
  /** Every position: read-your-writes asks whether a projection has passed any position of the log. */
  readonly eventTypes = undefined;
  state: ProjectionState = 'stopped';
  /** The saved checkpoint: every event up to it has been applied. */
  checkpoint: string | undefined;
  lastError: ProjectionError | undefined;
  rebuilding = false;
  /** Failures retried since the checkpoint last advanced. */
  retrying: Retrying | undefined;
  readonly #types: ReadonlySet<string>;
  readonly #store: ReadModelStore;
  readonly #checkpoints: Checkpointer;
  readonly #logger: Logger;
  readonly #policy: BackoffPolicy;
  readonly #events: ProjectionEvents;
  readonly #fence: Fence | undefined;

  constructor(
    projection: AnyProjection,
    deps: { store: ReadModelStore; checkpoints: Checkpointer; logger: Logger; policy: BackoffPolicy; events: ProjectionEvents; fence?: Fence | undefined },
  ) {
    this.projection = projection;
    this.name = projection.name;
    this.#types = new Set(projection.eventTypes);
    this.#store = deps.store;
    this.#checkpoints = deps.checkpoints;
    this.#logger = deps.logger.child({ projection: projection.name });
    this.#policy = deps.policy;
    this.#events = deps.events;
    this.#fence = deps.fence;
  }

  running(): boolean {
    return this.state !== 'failed';
  }

  async open(signal: AbortSignal): Promise<string | undefined> {
    this.checkpoint = await this.#retry(signal)(`reading the checkpoint of ${this.name}`, () => this.#checkpoints.load(this.name));
    this.state = 'catching-up';
    this.#events.changed();
    return this.checkpoint;
  }

  async close(): Promise<void> {
    if (this.state !== 'failed') this.state = 'stopped';
  }

  async handle(batch: Batch, signal: AbortSignal): Promise<void> {
    await this.#project(batch, signal);
    if (batch.caughtUp && this.state === 'catching-up') this.state = 'live';
    this.#events.changed();
  }

  /** Stops the projection on a failure that retrying does not mend. */
  fail(failure: { event?: RecordedEvent; error: unknown }): void {
    this.state = 'failed';
    this.lastError = describeFailure(failure);
    this.#events.failed(this.name, true);
    this.#logger.error(
      { err: failure.error, event: failure.event && { id: failure.event.eventId, type: failure.event.type, position: failure.event.position } },
      'projection stopped: it could not apply an event; fix and restart or rebuild it',
    );
    this.#events.changed();
  }

  /** Runs again from `checkpoint` (a rebuild got past the event it had stopped on). */
  restored(checkpoint: string | undefined, live: boolean): void {
    this.checkpoint = checkpoint;
    if (this.state === 'failed') this.state = live ? 'live' : 'catching-up';
    this.lastError = undefined;
    this.#events.failed(this.name, false);
    this.#events.changed();
  }

  #retry(signal: AbortSignal) {
    return retrier(this.#policy, signal, this.#logger, { onRetry: (error) => (this.retrying = retried(this.retrying, error)) });
  }

  /** The collection, with every write checked against the lease term first. */
  #collection(): Pick<ReadModelCollection<ReadDocument>, 'getStates' | 'write'> {
    const collection = this.#store.collection<ReadDocument>(this.name);
    const fence = this.#fence;
    return {
      getStates: (ids) => collection.getStates(ids),
      write: async (writes) => {
        fence?.check();
        await collection.write(writes);
      },
    };
  }

  async #project(batch: Batch, signal: AbortSignal): Promise<void> {
    const retry = this.#retry(signal);
    const after = this.checkpoint;
    const events = batch.events.filter((event) => this.#types.has(event.type) && (after === undefined || comparePositions(event.position, after) > 0));
    let outcome: BatchOutcome;
    try {
      outcome = await projectBatch(this.projection as Projection<ReadDocument>, this.#collection(), events, retry);
    } catch (error) {
      if (error instanceof StoppedError || signal.aborted) throw new StoppedError();
      if (endsTheTerm(error)) throw error;
      // The store refused in a way that retrying does not mend (a document it cannot hold, say).
      this.fail({ error, ...(events[0] === undefined ? {} : { event: events[0] }) });
      return;
    }
    this.#events.applied(this.name, outcome.applied);
    const through = outcome.failure === undefined ? batch.through : lastBefore(batch.events, outcome.failure.event);
    if (through !== undefined && (after === undefined || comparePositions(through, after) > 0)) {
      try {
        await retry(`saving the checkpoint of ${this.name}`, () => this.#checkpoints.save(this.name, through));
      } catch (error) {
        if (error instanceof StoppedError || signal.aborted) throw new StoppedError();
        if (endsTheTerm(error)) throw error;
        this.fail({ error });
        return;
      }
      this.checkpoint = through;
      this.retrying = undefined;
    }
    if (outcome.failure !== undefined) this.fail(outcome.failure);
  }
}

/** Not the projection's fault: this process lost its lease, and the session ends. */
const endsTheTerm = (error: unknown): boolean => error instanceof LeaseLostError || error instanceof StaleFenceError;

/** The position of the batch event just before `event` (of any type): how far a stopped projection got. */
const lastBefore = (events: readonly RecordedEvent[], event: RecordedEvent): string | undefined => {
  const index = events.indexOf(event);
  return index > 0 ? events[index - 1]!.position : undefined;
};
