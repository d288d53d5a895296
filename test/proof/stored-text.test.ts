import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import t from 'tap';
import { canonicalJson, jsonString } from '../../infra/event-store/canonical-json.js';
import { chainDigest, digestOfTexts, GENESIS, sealTexts, storedDigest, type ChainedEvent } from '../../infra/event-store/chain.js';
import { openSqliteEventStore } from '../../infra/event-store/index.js';
import { toStoredEvent } from '../../infra/event-store/serialization.js';
import { verifyEngagement } from '../../infra/proof/verify.js';
import { collectPages, findings, testRun } from '../event-store/builders.js';

const text0 = (events: ChainedEvent[]) => events[0]!.storedText!.data;
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** A JSON value whose objects list their keys in canonical order, as `JSON.parse` gives them back from canonical text. */
const sortedJson = fc.jsonValue().map((value) => JSON.parse(canonicalize(value)!) as unknown);

t.test('values already in canonical key order are written exactly as the reference implementation writes them', async (t) => {
  fc.assert(
    fc.property(sortedJson, (value) => canonicalJson(value) === canonicalize(value)),
    { numRuns: 2_000 },
  );
  t.equal(canonicalJson({ 10: 'a', 2: 'b' }), '{"10":"a","2":"b"}', 'integer-like keys, which the engine lists numerically, are still sorted as text');
  t.equal(canonicalJson({ a: new Date('2026-03-05T00:00:00Z') }), '{"a":"2026-03-05T00:00:00.000Z"}', 'anything but plain JSON goes the general way');
});

t.test('ids, stream names and types are quoted exactly as JSON.stringify quotes them', async () => {
  const unit = fc.constantFrom('a', 'Z', '-', ' ', '"', '\\', '\u0000', '\u001f', '\u007f', '\u2028', 'é', '电', '\ud83d', '\ude00', '\ud83d\ude00');
  fc.assert(
    fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit })), (text) => jsonString(text) === JSON.stringify(text)),
    { numRuns: 2_000 },
  );
});

t.test('the digest is still SHA-256 over the canonical text of the whole input object', async () => {
  const event = fc.record({
    streamId: fc.string(),
    revision: fc.nat(),
    eventId: fc.string(),
    type: fc.constantFrom('FindingRecorded', 'RequirementCaptured', 'Zß\u{1F600}'),
    data: fc.jsonValue(),
    metadata: fc.dictionary(fc.string().filter((key) => key !== 'proof'), fc.jsonValue()),
  });
  fc.assert(
    fc.property(event, fc.string(), (e, prev) =>
      chainDigest(e as ChainedEvent, prev) === sha256(canonicalize({ v: 1, streamId: e.streamId, revision: e.revision, eventId: e.eventId, type: e.type, data: e.data, metadata: e.metadata, prev })!),
    ),
    { numRuns: 1_000 },
  );
});

// Stored by the build before bodies were written as canonical text: keys in insertion order, the
// proof inside the metadata. Its digest was computed then; it must verify unchanged.
const earlierLayout = {
  eventId: '3f1c9a52-7d6e-4f0a-9b1e-2c4d5e6f7a80',
  type: 'FindingRecorded',
  data: '{"interviewId":"int-1","findingId":"f-1","section":"workflow","text":"Quotes above the credit limit are approved by phone – 电话审批.","pain":3,"frequency":"daily"}',
  metadata:
    '{"schemaVersion":1,"occurredAt":"2026-03-05T02:00:00.000Z","actor":{"id":"u-chen","name":"Chen Wei","roles":["consultant"]},"correlationId":"req-1","causationId":"cmd-1","engagementId":"eng-1","proof":{"v":1,"digest":"3743e4725f2ecb05403fc1463652192f9ae072a8f5074f8bec5e69ecc2b73d3b"}}',
};
const stored = (serialized: typeof earlierLayout) => toStoredEvent(serialized, { streamId: 'interview-int-1', revision: 0, position: '1' });

t.test('an event stored in the earlier layout keeps its digest and verifies through the full check', async (t) => {
  const event = stored(earlierLayout);
  t.equal(storedDigest(event, event.storedText!, GENESIS), undefined, 'its text is not canonical, so it takes the full check');
  t.equal(chainDigest(event, GENESIS), '3743e4725f2ecb05403fc1463652192f9ae072a8f5074f8bec5e69ecc2b73d3b', 'the digest it was stored with');
  t.match(await verifyEngagement('eng-1', (async function* () { yield [event]; })()), { verified: true, events: 1 });
  const edited = stored({ ...earlierLayout, data: earlierLayout.data.replace('phone', 'email') });
  t.match(await verifyEngagement('eng-1', (async function* () { yield [edited]; })()), { verified: false, firstBreak: { reason: 'digest-mismatch' } }, 'and an edit of it is still caught');
});

t.test('new events are stored as the canonical text they are digested over, and verify from it without parsing', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'stored-text-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const store = await openSqliteEventStore(dir);
  t.teardown(() => store.close());
  const run = testRun();
  await store.appendToStream(run.streams.interview(), findings(run, 1, 3), 'no-stream');
  const events = await collectPages(store.readEngagementAsStored(run.engagementId()));
  let prev = GENESIS;
  for (const event of events) {
    const text = event.storedText!;
    t.equal(text.data, canonicalJson(event.data), 'the data is stored as its canonical text');
    t.equal(storedDigest(event, text, prev), event.metadata.proof!.digest, 'the stored bytes hash to the stored digest');
    prev = event.metadata.proof!.digest;
  }
  const copy = { ...events[0]!, data: events[0]!.data, metadata: events[0]!.metadata };
  t.equal(copy.storedText, undefined, 'a copy does not carry the stored text');
  t.strictSame(JSON.parse(JSON.stringify(events[0])), { ...copy, data: JSON.parse(text0(events)), metadata: events[0]!.metadata }, 'JSON sees the parsed bodies');
});

t.test('the stored text is hashed as it is only where no part of it can pass for another', async (t) => {
  // A digest over data that itself holds "eventId" and "metadata" keys: moving the boundary between
  // the data and metadata columns gives the same bytes to hash, but not the same event.
  const data = { a: 1, eventId: 'x', metadata: {} };
  const metadata = { engagementId: 'eng-1', schemaVersion: 1 };
  const place = { streamId: 's-1', revision: 0, eventId: 'e-1', type: 'FindingRecorded' };
  const digest = chainDigest({ ...place, data, metadata }, GENESIS)!;
  const proof = `,"proof":{"v":1,"digest":"${digest}"}}`;
  const honest = { data: canonicalJson(data), metadata: `${canonicalJson(metadata).slice(0, -1)}${proof}` };
  t.equal(storedDigest(place, honest, GENESIS), undefined, 'data holding a separator takes the full check');
  const event = toStoredEvent({ eventId: place.eventId, type: place.type, ...honest }, { streamId: place.streamId, revision: 0, position: '1' });
  t.match(await verifyEngagement('eng-1', (async function* () { yield [event]; })()), { verified: true }, 'and verifies there');
  const shifted = { data: '{"a":1', metadata: `{}},"eventId":"e-1","metadata":${canonicalJson(metadata).slice(0, -1)}${proof}` };
  const shiftedMetadata = `{}},"eventId":"e-1","metadata":${canonicalJson(metadata)}`;
  t.equal(digestOfTexts('s-1', 0, 'x', 'FindingRecorded', shifted.data, shiftedMetadata, GENESIS), digest, 'the shifted texts hash to the same digest');
  t.equal(storedDigest({ ...place, eventId: 'x' }, shifted, GENESIS), undefined, 'yet a shifted boundary is not taken for the event');

  const plainData = { a: 1, text: 'approved by phone' };
  const plainDigest = chainDigest({ ...place, data: plainData, metadata }, GENESIS)!;
  const plain = { data: canonicalJson(plainData), metadata: `${canonicalJson(metadata).slice(0, -1)},"proof":{"v":1,"digest":"${plainDigest}"}}` };
  t.equal(storedDigest(place, plain, GENESIS), plainDigest, 'plain data verifies from its text');
  t.equal(storedDigest(place, { ...plain, data: plain.data.replace('phone', 'email') }, GENESIS), undefined, 'a changed byte does not');
  const otherDigest = plainDigest.replace(/^./, (c) => (c === '0' ? '1' : '0'));
  t.equal(storedDigest(place, { ...plain, metadata: plain.metadata.replace(plainDigest, otherDigest) }, GENESIS), undefined, 'nor a changed digest');
  t.equal(storedDigest({ ...place, revision: 1 }, plain, GENESIS), undefined, 'nor the event at another place');
});

// A log written by the build before the sealing was made cheaper: escapes, non-ASCII, integer-like
// keys, a personal field and an event id that needs quoting. Its digests must not move.
const fixtureLog = JSON.parse(readFileSync(new URL('fixtures/chained-log-v1.json', import.meta.url), 'utf8')) as Array<{ streamId: string; revision: number; eventId: string; type: string; data: string; metadata: string }>;

t.test('a log stored by an earlier build keeps every digest: it verifies, and sealing its events again writes the same bytes', async (t) => {
  const events = fixtureLog.map(({ streamId, revision, ...serialized }, i) => toStoredEvent(serialized, { streamId, revision, position: String(i + 1) }));
  t.match(await verifyEngagement('eng-fixture', (async function* () { yield events; })()), { verified: true, events: fixtureLog.length });
  const prevs = new Map<string, string>();
  for (const event of events) {
    const prev = prevs.get(event.streamId) ?? GENESIS;
    const { proof, ...metadata } = event.metadata;
    t.equal(chainDigest(event, prev), proof!.digest, `${event.streamId}@${event.revision}: the full check recomputes the stored digest`);
    if (!proof!.salt) {
      const { sealed } = sealTexts(event.streamId, event.revision, prev, [{ eventId: event.eventId, type: event.type, data: event.data, metadata }]);
      t.strictSame([sealed[0]!.data, sealed[0]!.metadata], [event.storedText!.data, event.storedText!.metadata], `${event.streamId}@${event.revision}: sealed again, byte for byte`);
    }
    prevs.set(event.streamId, proof!.digest);
  }
  const edited = fixtureLog.map((event, i) => (i === 1 ? { ...event, data: event.data.replace('phone', 'email') } : event));
  const editedEvents = edited.map(({ streamId, revision, ...serialized }, i) => toStoredEvent(serialized, { streamId, revision, position: String(i + 1) }));
  t.match(await verifyEngagement('eng-fixture', (async function* () { yield editedEvents; })()), { verified: false, firstBreak: { streamId: 'interview-int-1', revision: 1, reason: 'digest-mismatch' } }, 'and a changed byte in it is still caught');
});
