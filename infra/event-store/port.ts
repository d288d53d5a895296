/**
 * The event store port. Streams are named `engagement-<id>`, `interview-<id>`, `requirement-<id>`, `baseline-<id>`;
 * the log (`$all`) orders every event of every stream by an opaque `position`.
 *
 * Adapters translate their driver's failures at the edge: a concurrency conflict is a result
 * (`{ ok: false, reason: 'wrong-expected-revision' }`), an unreachable store is an
 * `EventStoreUnavailableError`; nothing above `infra/` knows a driver's error classes.
 */
import type { EventEnvelope, RecordedEvent } from '../../contracts/index.js';
import type { StoredEvent } from './serialization.js';

/**
 * What the writer believes about the stream: it does not exist yet, it exists, anything goes, or
 * its last event has exactly this 0-based revision.
 */
export type ExpectedRevision = 'no-stream' | 'stream-exists' | 'any' | number;

export type AppendResult =
  | { ok: true; /** revision of the last event appended */ revision: number; /** position of the last event appended */ position: string }
  | { ok: false; reason: 'wrong-expected-revision'; actualRevision: number | 'no-stream' };

export type AppendOptions = {
  /**
   * Called once the append has its place in the log – its revision and position are final, and the
   * next append to the stream can only come after it – which may be before it is durable and the
   * promise resolves. Where both come apart (the embedded log syncs after its commit), a writer can
   * decide its next command on the stream meanwhile: that command's commit follows this one in the
   * log, so it can never be durable without it. A store that cannot tell the two apart never calls it.
   */
  onCommitted?: (result: Extract<AppendResult, { ok: true }>) => void;
};

/** Where a read of the log starts: from the beginning, after a position, or at the end (live only). */
export type LogStart = 'start' | 'end' | { after: string };

/** Server-side filter on the log. Prefixes are OR-ed; types are OR-ed; both given = both must hold. */
export type LogFilter = { streamPrefixes?: readonly string[]; eventTypes?: readonly string[] };

export type LogSubscription = AsyncIterable<LogMessage> & { close(): Promise<void> };

/**
 * What a catch-up subscription yields: events in log order, and now and then a checkpoint – a
 * position up to which everything matching the filter has been delivered – so that a consumer with
 * a narrow filter can still advance its stored checkpoint.
 */
export type LogMessage =
  | { kind: 'event'; event: RecordedEvent }
  | { kind: 'checkpoint'; position: string }
  | { kind: 'caught-up'; position: string | undefined };

export interface EventStore {
  /**
   * Appends `events` to `stream` when `expected` holds. Appending events whose ids were already
   * appended by the same earlier call is recognised and answered with the earlier result, so a
   * retried append never duplicates events.
   */
  appendToStream(stream: string, events: readonly EventEnvelope[], expected: ExpectedRevision, options?: AppendOptions): Promise<AppendResult>;

  /** Events of one stream in revision order, from `fromRevision` (default 0); empty when the stream does not exist. */
  readStream(stream: string, options?: { fromRevision?: number }): AsyncIterable<RecordedEvent>;

  /** Events of the log in position order. */
  readAll(options?: { start?: LogStart; filter?: LogFilter; limit?: number }): AsyncIterable<RecordedEvent>;

  /** Events of one engagement's streams, in log order, optionally only streams with these prefixes. */
  readEngagement(engagementId: string, options?: { streamPrefixes?: readonly string[] }): AsyncIterable<RecordedEvent>;

  /**
   * Every event of one engagement exactly as stored – data and metadata before upcasting, with the
   * chain's proofs – in log order, in pages (never empty): what verifying the chained history reads.
   * Pages, not single events: a verification does a few microseconds of work per event, and an
   * async step per event would cost it as much again.
   */
  readEngagementAsStored(engagementId: string): AsyncIterable<readonly StoredEvent[]>;

  /** Catch-up subscription to the log: history from `start`, then live events as they are appended. */
  subscribeToAll(options: { start: LogStart; filter?: LogFilter }): LogSubscription;

  /** Position of the last event in the log, undefined for an empty log. */
  headPosition(): Promise<string | undefined>;

  /**
   * A number that changes whenever a writer other than this store – another process, another store
   * opened on the same log – commits to the log; appends through this store leave it as it is. Two
   * equal answers mean everything appended in between went through this store, so a caller that
   * saw those appends knows the log without reading it. A store that cannot tell this cheaply (a
   * server other processes share) leaves it out, and callers read the log to be sure.
   */
  writtenElsewhere?(): number;

  /** Resolves when the store answers; rejects with `EventStoreUnavailableError` otherwise. */
  ping(): Promise<void>;

  close(): Promise<void>;
}

export class EventStoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EventStoreUnavailableError';
  }
}

/**
 * The embedded log ends before a position that was acknowledged to a writer: its last commits were
 * lost (a truncated or deleted `-wal` file, an older copy restored over it). Opening it would
 * silently forget acknowledged writes and hand their positions out again, so it is refused.
 */
export class EventLogBehindError extends EventStoreUnavailableError {
  constructor(
    readonly logFile: string,
    readonly witnessFile: string,
    readonly logHead: bigint,
    readonly acknowledged: bigint,
  ) {
    super(
      `the event log ${logFile} ends at position ${logHead}, but positions up to ${acknowledged} were acknowledged ` +
        `(recorded in ${witnessFile}): ${acknowledged - logHead} acknowledged position(s) are missing`,
    );
    this.name = 'EventLogBehindError';
  }
}

/** Positions are decimal strings of unsigned integers; they compare numerically. */
export { comparePositions } from '../../contracts/index.js';

export type { StoredEvent } from './serialization.js';

export const streamName = {
  engagement: (id: string) => `engagement-${id}`,
  interview: (id: string) => `interview-${id}`,
  requirement: (id: string) => `requirement-${id}`,
  baseline: (id: string) => `baseline-${id}`,
} as const;
