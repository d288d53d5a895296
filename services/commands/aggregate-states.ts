/**
 * The current state of each stream, cached with the revision it reflects. Loading reads only the
 * events after that revision, so a command on a stream with 10,000 events costs what one on a
 * fresh stream costs once the stream has been seen. A caller that learns of a stale state anyway –
 * the command's own stream, whose append names the revision it expects – may trust the cache and
 * skip even that read; a conflict makes it forget the stream and load again. Where the store can
 * tell that nobody else has written to the log since a state was loaded (`writtenElsewhere`), the
 * state is the log's and is not read again either: the membership check of every command judges
 * the engagement as it stands without a read. The cache also remembers the ids of the last
 * events of each stream, which is how a retried command whose events were already appended (the
 * process died before it could answer) is recognised and answered with the original outcome.
 */
import { LRUCache } from 'lru-cache';
import type { RecordedEvent } from '../../contracts/index.js';
import type { Decider } from '../../domain/index.js';
import type { EventStore } from '../../infra/event-store/port.js';
import { SNAPSHOT_EVERY, type SnapshotStore } from '../../infra/snapshots/store.js';

export type Loaded<S> = {
  state: S;
  /** Revision of the last event folded in; -1 when the stream does not exist. */
  revision: number;
  recent: Map<string, RecordedEvent>;
  /** The store's `writtenElsewhere` when the state was read from the log. */
  elsewhere?: number;
};

const RECENT_EVENT_IDS = 64;

// Deciders are folded over stored events of their own streams only.
type AnyDecider<S> = Pick<Decider<never, never, S>, 'initialState' | 'fromSnapshot'> & { evolve: (state: S, event: never) => S };

export class AggregateStates {
  private readonly cache: LRUCache<string, Loaded<unknown>>;

  /** The revision of the last snapshot of each stream this process knows of. */
  private readonly snapshotted = new Map<string, number>();

  constructor(
    private readonly store: EventStore,
    options: { maxStreams?: number; snapshots?: SnapshotStore } = {},
  ) {
    this.cache = new LRUCache({ max: options.maxStreams ?? 20_000 });
    this.snapshots = options.snapshots;
  }

  private readonly snapshots: SnapshotStore | undefined;

  async load<S>(stream: string, decider: AnyDecider<S>, options: { trustCache?: boolean } = {}): Promise<Loaded<S>> {
    const cached = this.cache.get(stream) as Loaded<S> | undefined;
    if (cached && cached.revision >= 0 && (options.trustCache || this.nobodyElseWroteSince(cached))) return cached;
    // Taken before the read: a commit elsewhere during it makes the next load read again.
    const elsewhere = this.store.writtenElsewhere?.();
    const snapshot = cached ? undefined : this.snapshots?.load(stream);
    const revived = snapshot && decider.fromSnapshot ? decider.fromSnapshot(snapshot.state) : (snapshot?.state as S | undefined);
    let state = cached?.state ?? revived ?? decider.initialState();
    let revision = cached?.revision ?? snapshot?.revision ?? -1;
    const recent = cached?.recent ?? new Map<string, RecordedEvent>();
    // From a snapshot the read starts at the snapshot's own event: finding it proves the log still
    // has it. A log that lost events or was restored from an older copy does not, and folding the
    // events after the snapshot would decide on a state the log does not have, forever in conflict
    // with the stream's real revision.
    let proof: 'unneeded' | 'pending' | 'found' = snapshot ? 'pending' : 'unneeded';
    for await (const event of this.store.readStream(stream, { fromRevision: snapshot ? revision : revision + 1 })) {
      if (proof === 'pending') {
        if (event.revision !== revision) break;
        proof = 'found';
        remember(recent, event);
        continue;
      }
      state = decider.evolve(state, event as never);
      revision = event.revision;
      remember(recent, event);
    }
    if (snapshot && proof === 'pending') {
      this.snapshots!.discard(stream, `it was taken at revision ${snapshot.revision}, which the log does not have; the stream is folded from the log`);
      this.snapshotted.delete(stream);
      return this.load(stream, decider);
    }
    if (snapshot) this.snapshotted.set(stream, snapshot.revision);
    const loaded: Loaded<S> = { state, revision, recent, ...(elsewhere === undefined ? {} : { elsewhere }) };
    // A read that overlapped an append of this process must not put back the state before it: while
    // nobody else writes, that older state would be trusted.
    if ((this.cache.get(stream)?.revision ?? -1) <= revision) this.cache.set(stream, loaded);
    this.snapshotIfDue(stream, loaded);
    return loaded;
  }

  private nobodyElseWroteSince(loaded: Loaded<unknown>): boolean {
    return loaded.elsewhere !== undefined && this.store.writtenElsewhere?.() === loaded.elsewhere;
  }

  private snapshotIfDue(stream: string, loaded: Loaded<unknown>): void {
    if (!this.snapshots) return;
    const last = this.snapshotted.get(stream) ?? -1;
    if (loaded.revision - last < SNAPSHOT_EVERY) return;
    this.snapshots.save(stream, { revision: loaded.revision, state: loaded.state });
    this.snapshotted.set(stream, loaded.revision);
  }

  /**
   * Folds events this process just appended, sparing the next command a read. They may not be
   * durable yet (the embedded log announces a commit before its sync): the state is snapshotted
   * only once they are (`durable`), so that no snapshot holds an event a crash could still take
   * back – and then be vouched for by another event appended at the same revision after a restart.
   */
  appended<S>(stream: string, decider: AnyDecider<S>, from: Loaded<S>, events: readonly RecordedEvent[]): Loaded<S> {
    let state = from.state;
    for (const event of events) {
      state = decider.evolve(state, event as never);
      remember(from.recent, event);
    }
    const last = events.at(-1);
    // The mark stays the one of the read: the append proves this stream only, not that nobody else wrote.
    const loaded: Loaded<S> = { ...from, state, revision: last ? last.revision : from.revision };
    this.cache.set(stream, loaded);
    return loaded;
  }

  /** The events of `loaded` are durable now: the state may be snapshotted. */
  durable<S>(stream: string, loaded: Loaded<S>): void {
    this.snapshotIfDue(stream, loaded);
  }

  forget(stream: string): void {
    this.cache.delete(stream);
  }
}

const remember = (recent: Map<string, RecordedEvent>, event: RecordedEvent) => {
  recent.set(event.eventId, event);
  if (recent.size > RECENT_EVENT_IDS) {
    const oldest = recent.keys().next().value;
    if (oldest !== undefined) recent.delete(oldest);
  }
};
