import fc from 'fast-check';
import t from 'tap';
import { UnknownSchemaVersionError, type DomainEvent, type EventEnvelope } from '../../contracts/index.js';
import {
  deserializeEvent,
  serializeEvent,
  type LogLocation,
  type Upcasting,
} from '../../infra/event-store/serialization.js';
import {
  admin,
  advanced,
  consultant,
  engagementStarted,
  findingRecorded,
  interviewee,
  interviewScheduled,
  pm,
  requirementCaptured,
  requirementPrioritized,
  summaryConfirmed,
  summaryDrafted,
} from '../support/fixtures.js';
import { envelope } from './builders.js';

const events: DomainEvent[] = [
  engagementStarted,
  advanced('concept-introduction', 'business-survey'),
  interviewScheduled,
  findingRecorded('f-1'),
  summaryDrafted(1),
  summaryConfirmed,
  requirementCaptured,
  requirementPrioritized,
];
const location: LogLocation = { streamId: 'interview-int-1', revision: 4, position: '1234' };

const anEnvelope = fc
  .record({
    event: fc.constantFrom(...events),
    actor: fc.constantFrom(pm, consultant, interviewee, admin),
    occurredAt: fc.date({ min: new Date('2020-01-01'), max: new Date('2040-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
    engagementId: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,30}$/),
    commandId: fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() === s && s.length > 0),
  })
  .map(({ event, ...context }) => envelope(event, context));

t.test('an envelope read back is the envelope written, in its place in the log', async (t) => {
  fc.assert(
    fc.property(anEnvelope, fc.nat({ max: 1_000_000 }), (written, revision) => {
      const where = { ...location, revision };
      t.strictSame(deserializeEvent(serializeEvent(written), where), { ...written, ...where });
    }),
    { numRuns: 200 },
  );
});

t.test('the stored metadata holds the envelope fields besides the event id, and nothing else', async (t) => {
  const written = envelope(findingRecorded('f-1'), { engagementId: 'eng-1', commandId: 'cmd-7' });
  const stored = serializeEvent({ ...written, sneaky: 'extra' } as unknown as EventEnvelope);
  t.equal(stored.eventId, written.eventId);
  t.equal(stored.type, 'FindingRecorded');
  t.strictSame(JSON.parse(stored.data), written.data);
  t.strictSame(JSON.parse(stored.metadata), {
    schemaVersion: 1,
    occurredAt: written.occurredAt,
    actor: consultant,
    correlationId: 'req-cmd-7',
    causationId: 'cmd-7',
    engagementId: 'eng-1',
  });
});

t.test('reading applies the upcaster chain up to the current version, renames included', async (t) => {
  const upcasting: Upcasting = {
    // A renamed type stays behind its successor's versions, so that its events are always upcast.
    currentVersion: (type) => ({ FindingRecorded: 3, FindingNoted: 2 })[type] ?? 1,
    upcasters: {
      // v1 was called FindingNoted and had a `note`; v2 renamed it; v3 added `section`.
      FindingNoted: { 1: (e) => ({ type: 'FindingRecorded', schemaVersion: 2, data: e.data }) },
      FindingRecorded: {
        2: ({ data }) => {
          const { note, ...rest } = data as { note: string };
          return { type: 'FindingRecorded', schemaVersion: 3, data: { ...rest, section: 'other-requirement', text: note } };
        },
      },
    },
  };
  const written = envelope(findingRecorded('f-1'), { engagementId: 'eng-1' });
  const stored = {
    ...serializeEvent(written),
    type: 'FindingNoted',
    data: JSON.stringify({ interviewId: 'int-1', findingId: 'f-1', note: 'Orders are re-keyed.' }),
  };

  const read = deserializeEvent(stored, location, upcasting);
  t.match(read, {
    type: 'FindingRecorded',
    schemaVersion: 3,
    data: { interviewId: 'int-1', findingId: 'f-1', section: 'other-requirement', text: 'Orders are re-keyed.' },
    eventId: written.eventId,
  });
  t.notOk('note' in (read.data as object), 'the old field is gone');

  const current = serializeEvent({ ...written, schemaVersion: 3 });
  t.strictSame(deserializeEvent(current, location, upcasting), { ...written, schemaVersion: 3, ...location }, 'a current event passes unchanged');

  const gap = { ...serializeEvent(written), metadata: JSON.stringify({ ...JSON.parse(current.metadata), schemaVersion: 1 }) };
  t.throws(() => deserializeEvent(gap, location, upcasting), UnknownSchemaVersionError, 'a version without an upcaster');
  const future = serializeEvent({ ...written, schemaVersion: 9 });
  t.throws(() => deserializeEvent(future, location, upcasting), UnknownSchemaVersionError, 'a version from a later build');
});
