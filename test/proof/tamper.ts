/**
 * Tampering with a stored history as someone with access to the storage (not to the service) can,
 * and what verification then says. Each adapter's test gives a store on an empty log and the
 * means to edit its storage directly: the SQLite file, the EventStoreDB server's records, the
 * in-memory log.
 */
import type { Test } from 'tap';
import { chainDigest } from '../../infra/event-store/chain.js';
import type { EventStore, StoredEvent } from '../../infra/event-store/index.js';
import { verifyEngagement, type AnchoredHead } from '../../infra/proof/verify.js';
import { collectPages, findings, testRun, type TestRun } from '../event-store/builders.js';

/** Edits of one stored event, addressed by its stream and revision. */
export type Tampering = {
  /** Changes one byte of the event's data (it stays valid JSON). */
  editByte(streamId: string, revision: number): Promise<void>;
  /** Deletes the event; the others keep their revisions. */
  remove(streamId: string, revision: number): Promise<void>;
  /** Exchanges the stored contents of two events of a stream; each place keeps its revision. */
  swap(streamId: string, a: number, b: number): Promise<void>;
  /** Puts `forged` at `forged.revision`, moving that event and the later ones one revision up. */
  insert(forged: StoredEvent): Promise<void>;
  /** Copies the log now; the answer puts the copy back in place of the log, as a restored backup would. */
  snapshot(): Promise<() => Promise<void>>;
};

export type Tamperable = { store: EventStore; tampering: Tampering; close(): Promise<void> };

/** An engagement stream of 1 event, an interview stream of 4, a requirement stream of 1. */
const seed = async (store: EventStore, run: TestRun) => {
  await store.appendToStream(run.streams.engagement(), [run.engagementStarted()], 'no-stream');
  await store.appendToStream(run.streams.interview(), findings(run, 1, 2), 'no-stream');
  await store.appendToStream(run.streams.requirement(), [run.requirementCaptured()], 'no-stream');
  await store.appendToStream(run.streams.interview(), findings(run, 1, 2, 3), 1);
};

const storedOf = async (store: EventStore, run: TestRun, streamId: string) =>
  (await collectPages(store.readEngagementAsStored(run.engagementId()))).filter((event) => event.streamId === streamId);

const verify = (store: EventStore, run: TestRun, anchor?: AnchoredHead) =>
  verifyEngagement(run.engagementId(), store.readEngagementAsStored(run.engagementId()), anchor);

export const tamperSuite = (t: Test, name: string, open: () => Promise<Tamperable>) =>
  t.test(`${name}: tampering with the stored history is detected and located`, async (t) => {
    const prepared = async (t: Test) => {
      const tamperable = await open();
      t.teardown(() => tamperable.close());
      const run = testRun();
      await seed(tamperable.store, run);
      const interview = await storedOf(tamperable.store, run, run.streams.interview());
      return { ...tamperable, run, interview, stream: run.streams.interview() };
    };

    t.test('the untouched history verifies', async (t) => {
      const { store, run } = await prepared(t);
      const result = await verify(store, run);
      t.match(result, { verified: true, events: 6 });
      t.notOk(result.firstBreak, 'no break');
    });

    t.test('one byte changed in one event', async (t) => {
      const { store, tampering, run, interview, stream } = await prepared(t);
      await tampering.editByte(stream, 1);
      t.strictSame((await verify(store, run)).firstBreak, { streamId: stream, revision: 1, eventId: interview[1]!.eventId, reason: 'digest-mismatch' });
    });

    t.test('an event deleted', async (t) => {
      const { store, tampering, run, stream } = await prepared(t);
      await tampering.remove(stream, 1);
      const result = await verify(store, run);
      t.equal(result.verified, false);
      t.strictSame(result.firstBreak, { streamId: stream, revision: 1, reason: 'revision-gap' }, 'the missing revision is named');
    });

    t.test('two events swapped', async (t) => {
      const { store, tampering, run, interview, stream } = await prepared(t);
      await tampering.swap(stream, 1, 2);
      t.strictSame((await verify(store, run)).firstBreak, { streamId: stream, revision: 1, eventId: interview[2]!.eventId, reason: 'digest-mismatch' });
    });

    t.test('a forged event inserted, its own digest recomputed by the forger', async (t) => {
      const { store, tampering, run, interview, stream } = await prepared(t);
      const original = interview[2]!;
      const forgedEvent = { ...original, eventId: '00000000-0000-4000-8000-000000000001', metadata: original.metadata, data: { ...(original.data as object), text: 'Finance never signs quotes.' } };
      const digest = chainDigest(forgedEvent, interview[1]!.metadata.proof!.digest)!;
      await tampering.insert({ ...forgedEvent, metadata: { ...original.metadata, proof: { v: 1, digest } } });
      const result = await verify(store, run);
      t.strictSame(result.firstBreak, { streamId: stream, revision: 3, eventId: original.eventId, reason: 'digest-mismatch' }, 'the event it displaced no longer fits');
    });

    t.test('the log rolled back to an older copy is caught by the last anchor', async (t) => {
      const { store, tampering, run, stream } = await prepared(t);
      const restore = await tampering.snapshot();
      await store.appendToStream(stream, findings(run, 1, 1, 5), 3);
      const anchored = await verify(store, run);
      const anchor: AnchoredHead = { engagementId: run.engagementId(), head: anchored.head, events: anchored.events, streams: anchored.streams };
      await restore();
      t.match(await verify(store, run), { verified: true }, 'on its own the older copy is a consistent history');
      t.strictSame((await verify(store, run, anchor)).firstBreak, { streamId: stream, revision: 4, reason: 'behind-anchor' }, 'the anchor names the first event it lost');
    });

    t.test('a history rewritten from an event on is caught by the last anchor', async (t) => {
      const { store, tampering, run, interview, stream } = await prepared(t);
      const anchored = await verify(store, run);
      const anchor: AnchoredHead = { engagementId: run.engagementId(), head: anchored.head, events: anchored.events, streams: anchored.streams };
      await tampering.remove(stream, 3);
      const last = interview[3]!;
      const rewritten = { ...last, metadata: last.metadata, data: { ...(last.data as object), text: 'Nothing to improve.' } };
      await tampering.insert({ ...rewritten, metadata: { ...last.metadata, proof: { v: 1, digest: chainDigest(rewritten, interview[2]!.metadata.proof!.digest)! } } });
      t.match(await verify(store, run), { verified: true }, 'the chain alone cannot tell a consistent rewrite');
      t.strictSame((await verify(store, run, anchor)).firstBreak, { streamId: stream, revision: 3, reason: 'anchor-mismatch' });
    });
  });
