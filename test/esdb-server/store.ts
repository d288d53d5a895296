// In-memory event log with EventStoreDB append semantics (no gRPC in here).
//
// - One global, append-only log (`$all`) plus a per-stream index.
// - Stream revisions are 0-based and contiguous per stream.
// - Positions are opaque, strictly increasing byte-like offsets (commit == prepare);
//   they are NOT contiguous and do not start at 0, like a real transaction log.
// - Optimistic concurrency: any / no_stream / stream_exists / exact revision.
// - Idempotent re-append of the same event ids (simple case, see `append`).

export type ExpectedRevision =
  | { readonly kind: 'any' }
  | { readonly kind: 'no_stream' }
  | { readonly kind: 'stream_exists' }
  | { readonly kind: 'revision'; readonly revision: bigint };

export interface ProposedEvent {
  readonly id: string; // canonical lower-case UUID
  readonly type: string;
  readonly contentType: string;
  readonly data: Uint8Array;
  readonly customMetadata: Uint8Array;
}

export interface StoredEvent extends ProposedEvent {
  readonly streamName: string;
  readonly revision: bigint;
  readonly position: bigint; // commit == prepare
  readonly created: bigint; // .NET ticks (100 ns) since the Unix epoch, as the server sends it
}

export type AppendOutcome =
  | { readonly ok: true; readonly currentRevision: bigint | undefined; readonly position: bigint | undefined }
  | { readonly ok: false; readonly currentRevision: bigint | undefined }; // undefined = no stream

/** Where the first event lands: real logs start with system records, so never position 0. */
const FIRST_POSITION = 128n;
/** Fixed per-record overhead added to the byte size when advancing the log. */
const RECORD_OVERHEAD = 64n;

export class EventLog {
  readonly #all: StoredEvent[] = [];
  readonly #streams = new Map<string, StoredEvent[]>();
  readonly #listeners = new Set<() => void>();
  #nextPosition = FIRST_POSITION;

  /** Every event in commit order. */
  get all(): readonly StoredEvent[] {
    return this.#all;
  }

  /** Events of one stream in revision order, or undefined if the stream does not exist. */
  stream(streamName: string): readonly StoredEvent[] | undefined {
    return this.#streams.get(streamName);
  }

  /** Index of the first event in `$all` whose position is >= `position`. */
  indexAtOrAfter(position: bigint): number {
    let lo = 0;
    let hi = this.#all.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.#all[mid] as StoredEvent).position < position) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Registers a callback run synchronously after every successful, non-idempotent append. */
  onAppend(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  append(streamName: string, expected: ExpectedRevision, proposed: readonly ProposedEvent[]): AppendOutcome {
    const existing = this.#streams.get(streamName) ?? [];
    const current = BigInt(existing.length) - 1n; // -1n: no stream
    const currentOrNone = current < 0n ? undefined : current;
    const wrong: AppendOutcome = { ok: false, currentRevision: currentOrNone };

    if (proposed.length === 0) {
      return this.#satisfies(expected, current)
        ? { ok: true, currentRevision: currentOrNone, position: undefined }
        : wrong;
    }

    switch (expected.kind) {
      case 'no_stream':
      case 'revision': {
        const expectedRevision = expected.kind === 'no_stream' ? -1n : expected.revision;
        if (expectedRevision === current) break;
        if (expectedRevision < current) {
          return this.#replayAt(existing, Number(expectedRevision + 1n), proposed) ?? wrong;
        }
        return wrong;
      }
      case 'stream_exists':
      case 'any': {
        if (expected.kind === 'stream_exists' && current < 0n) return wrong;
        const first = (proposed[0] as ProposedEvent).id;
        const at = existing.findIndex((e) => e.id === first);
        if (at >= 0) return this.#replayAt(existing, at, proposed) ?? wrong;
        break;
      }
    }
    return this.#commit(streamName, existing, proposed);
  }

  #satisfies(expected: ExpectedRevision, current: bigint): boolean {
    switch (expected.kind) {
      case 'any':
        return true;
      case 'no_stream':
        return current === -1n;
      case 'stream_exists':
        return current >= 0n;
      case 'revision':
        return current === expected.revision;
    }
  }

  /** Idempotency: the proposed ids are exactly the events stored from `start` on → success, nothing written. */
  #replayAt(existing: readonly StoredEvent[], start: number, proposed: readonly ProposedEvent[]): AppendOutcome | undefined {
    const end = start + proposed.length;
    if (end > existing.length) return undefined;
    for (let i = 0; i < proposed.length; i++) {
      if ((existing[start + i] as StoredEvent).id !== (proposed[i] as ProposedEvent).id) return undefined;
    }
    const last = existing[end - 1] as StoredEvent;
    return { ok: true, currentRevision: last.revision, position: last.position };
  }

  #commit(streamName: string, existing: StoredEvent[], proposed: readonly ProposedEvent[]): AppendOutcome {
    if (!this.#streams.has(streamName)) this.#streams.set(streamName, existing);
    const created = BigInt(Date.now()) * 10_000n;
    let last: StoredEvent | undefined;
    for (const event of proposed) {
      last = {
        ...event,
        streamName,
        revision: BigInt(existing.length),
        position: this.#nextPosition,
        created,
      };
      this.#nextPosition += RECORD_OVERHEAD + BigInt(recordSize(last));
      existing.push(last);
      this.#all.push(last);
    }
    for (const listener of [...this.#listeners]) listener();
    return { ok: true, currentRevision: last?.revision, position: last?.position };
  }
}

function recordSize(event: StoredEvent): number {
  return (
    Buffer.byteLength(event.streamName) +
    Buffer.byteLength(event.type) +
    event.data.byteLength +
    event.customMetadata.byteLength
  );
}
