import canonicalize from 'canonicalize';
import fc from 'fast-check';
import t from 'tap';
import { canonicalJson } from '../../infra/event-store/canonical-json.js';
import { chainDigest, GENESIS, sealBatch, withPersonalDataErased, type ChainedEvent } from '../../infra/event-store/chain.js';
import { InMemoryEventStore } from '../../infra/event-store/in-memory.js';
import { verifyEngagement } from '../../infra/proof/verify.js';
import { collect, collectPages, envelope, findings, testRun } from '../event-store/builders.js';
import { consultant } from '../support/fixtures.js';
import { scheduleBody } from '../support/http.js';

t.test('the canonical JSON is RFC 8785: the same text as the reference implementation', async (t) => {
  fc.assert(
    fc.property(fc.jsonValue(), (value) => canonicalJson(value) === canonicalize(value)),
    { numRuns: 2_000 },
  );
  t.equal(canonicalJson({ b: [1, 'ü', null], a: { d: 1e21, c: -0 } }), '{"a":{"c":0,"d":1e+21},"b":[1,"ü",null]}');
});

const scheduled = (run: ReturnType<typeof testRun>) =>
  envelope(
    {
      type: 'InterviewScheduled',
      data: { interviewId: run.interviewId(), engagementId: run.engagementId(), ...scheduleBody() } as never,
    },
    { engagementId: run.engagementId(), actor: consultant },
  );

t.test('erasing an interviewee’s personal data keeps the chain verifiable; editing it does not', async (t) => {
  const run = testRun();
  const stream = run.streams.interview();
  const { sealed } = sealBatch(stream, 0, GENESIS, [scheduled(run), ...findings(run, 1, 1)].map(({ eventId, type, data, ...metadata }) => ({ eventId, type, data, metadata })));
  const events: ChainedEvent[] = sealed.map((event, revision) => ({ ...event, streamId: stream, revision }));
  const verify = (list: ChainedEvent[]) => verifyEngagement(run.engagementId(), (async function* () { yield list; })());
  t.match(await verify(events), { verified: true });

  const salt = events[0]!.metadata.proof!.salt;
  t.match(salt, /^[0-9a-f]{32}$/, 'an event with personal data carries a random salt');
  const erased = withPersonalDataErased(events[0]!);
  t.match(erased.data, { interviewee: { erased: /^[0-9a-f]{64}$/ }, location: 'Room 3' }, 'the interviewee is replaced by a commitment, the rest stays');
  t.notOk(JSON.stringify(erased).includes('Li Na'), 'no trace of the name');
  t.notOk(erased.metadata.proof!.salt, 'nor of the salt');
  t.equal(chainDigest(erased, GENESIS), events[0]!.metadata.proof!.digest, 'the digest is unchanged');
  t.match(await verify([erased, events[1]!]), { verified: true }, 'the chain verifies after the erasure');

  const renamed = { ...events[0]!, data: { ...(events[0]!.data as object), interviewee: { name: 'Wang Fang', department: 'Sales', position: 'Sales manager', userId: 'u-li' } } };
  t.match(await verify([renamed, events[1]!]), { verified: false, firstBreak: { revision: 0, reason: 'digest-mismatch' } }, 'a changed name is caught');
  const forgedCommitment = { ...erased, data: { ...(erased.data as object), interviewee: { erased: '0'.repeat(64) } } };
  t.match(await verify([forgedCommitment, events[1]!]), { verified: false, firstBreak: { revision: 0, reason: 'digest-mismatch' } }, 'so is a changed commitment');
  const saltless = { ...events[0]!, metadata: { ...events[0]!.metadata, proof: { v: 1, digest: events[0]!.metadata.proof!.digest } } };
  t.match(await verify([saltless]), { verified: false, firstBreak: { reason: 'personal-data-uncommitted' } }, 'a value whose salt is gone cannot be vouched for');
});

t.test('events stored before the chain existed stay readable and are committed to by the first chained event', async (t) => {
  const store = new InMemoryEventStore();
  const run = testRun();
  const stream = run.streams.interview();
  await store.appendToStream(stream, findings(run, 1, 2), 'no-stream');
  // What a log written by an earlier build holds: the same events without proofs.
  store.tamper((log) => {
    for (const entry of log) {
      const { proof: _proof, ...metadata } = JSON.parse(entry.serialized.metadata) as Record<string, unknown>;
      entry.serialized = { ...entry.serialized, metadata: JSON.stringify(metadata) };
    }
  });
  t.equal((await collect(store.readStream(stream))).length, 2, 'they read as before');
  t.match(await verifyEngagement(run.engagementId(), store.readEngagementAsStored(run.engagementId())), { verified: true }, 'a legacy start verifies');

  await store.appendToStream(stream, findings(run, 1, 1, 3), 1);
  const stored = await collectPages(store.readEngagementAsStored(run.engagementId()));
  const legacyHead = chainDigest(stored[1]!, chainDigest(stored[0]!, GENESIS)!)!;
  t.equal(stored[2]!.metadata.proof!.digest, chainDigest(stored[2]!, legacyHead), 'the first chained event follows the digests computed over them');
  t.match(await verifyEngagement(run.engagementId(), store.readEngagementAsStored(run.engagementId())), { verified: true });

  store.tamper((log) => {
    log[0]!.serialized = { ...log[0]!.serialized, data: log[0]!.serialized.data.replace('quotes', 'quotez') };
  });
  t.match(
    await verifyEngagement(run.engagementId(), store.readEngagementAsStored(run.engagementId())),
    { verified: false, firstBreak: { revision: 2, reason: 'digest-mismatch' } },
    'a later change of a legacy event breaks the first chained event',
  );
  store.tamper((log) => {
    log[0]!.serialized = { ...log[0]!.serialized, data: log[0]!.serialized.data.replace('quotez', 'quotes') };
  });
  await store.appendToStream(run.streams.engagement(), [run.engagementStarted()], 'no-stream');
  await store.appendToStream(stream, findings(run, 1, 1, 4), 2);
  store.tamper((log) => {
    const last = log.at(-1)!;
    const { proof: _proof, ...metadata } = JSON.parse(last.serialized.metadata) as Record<string, unknown>;
    last.serialized = { ...last.serialized, metadata: JSON.stringify(metadata), data: last.serialized.data.replace('quotes', 'quotez') };
  });
  t.match(
    await verifyEngagement(run.engagementId(), store.readEngagementAsStored(run.engagementId())),
    { verified: false, firstBreak: { streamId: stream, revision: 3, reason: 'proof-missing' } },
    'a proof stripped from the last event (to edit it unseen) is not taken for one from before the chain',
  );
});
