import t from 'tap';
import {
  CaptureRequirementBody,
  DomainEvent,
  EVENT_TYPES,
  ReviseRequirementBody,
  ScheduleInterviewBody,
  StartEngagementBody,
  upcast,
  UnknownSchemaVersionError,
  type UpcasterRegistry,
} from '../../contracts/index.js';

t.test('command bodies refuse unknown fields and name the problem', async (t) => {
  const result = StartEngagementBody.safeParse({ name: 'CRM', client: 'Acme', sponsor: { name: 'Z', title: 'CEO' }, budget: 1 });
  t.notOk(result.success);
  t.match(result.error?.issues[0], { code: 'unrecognized_keys', keys: ['budget'] });
});

t.test('command bodies trim text and fill optional lists', async (t) => {
  const body = StartEngagementBody.parse({ name: '  CRM  ', client: 'Acme', sponsor: { name: 'Z', title: 'CEO' } });
  t.same(body, { name: 'CRM', client: 'Acme', sponsor: { name: 'Z', title: 'CEO' }, goals: [], successCriteria: [] });
  t.notOk(StartEngagementBody.safeParse({ name: '   ', client: 'Acme', sponsor: { name: 'Z', title: 'CEO' } }).success, 'blank is not a name');
});

t.test('an interview needs at least one topic and an instant with an offset', async (t) => {
  const valid = {
    interviewee: { name: 'Li', department: 'Sales', position: 'Manager' },
    interviewers: ['Chen'],
    scheduledAt: '2026-03-05T10:00:00+08:00',
    durationMinutes: 60,
    location: 'Room 3',
    method: 'in-person',
    topics: ['reports'],
  };
  t.ok(ScheduleInterviewBody.safeParse(valid).success);
  t.notOk(ScheduleInterviewBody.safeParse({ ...valid, topics: [] }).success);
  t.notOk(ScheduleInterviewBody.safeParse({ ...valid, topics: ['reports', 'reports'] }).success, 'no duplicate topics');
  t.notOk(ScheduleInterviewBody.safeParse({ ...valid, scheduledAt: '2026-03-05 10:00' }).success);
  t.notOk(ScheduleInterviewBody.safeParse({ ...valid, method: 'carrier-pigeon' }).success);
});

t.test('a requirement is traced to at least one finding', async (t) => {
  const valid = { title: 'T', description: 'D', category: 'sales', departments: ['Sales'], sources: [{ interviewId: 'i', findingId: 'f' }] };
  t.ok(CaptureRequirementBody.safeParse(valid).success);
  t.notOk(CaptureRequirementBody.safeParse({ ...valid, sources: [] }).success);
});

t.test('a revision names something to revise and a reason', async (t) => {
  t.notOk(ReviseRequirementBody.safeParse({ reason: 'r' }).success);
  t.notOk(ReviseRequirementBody.safeParse({ title: 'x' }).success);
  t.ok(ReviseRequirementBody.safeParse({ title: 'x', reason: 'r' }).success);
});

t.test('every domain event type is in the union once', async (t) => {
  t.equal(new Set(EVENT_TYPES).size, EVENT_TYPES.length);
  t.equal(EVENT_TYPES.length, 36);
  t.ok(DomainEvent.safeParse({ type: 'RequirementRejected', data: { requirementId: 'r', reason: 'dup', previousStatus: 'captured' } }).success);
  t.notOk(DomainEvent.safeParse({ type: 'RequirementDeleted', data: { requirementId: 'r' } }).success);
});

t.test('upcasting walks old versions forward and refuses gaps', async (t) => {
  const registry: UpcasterRegistry = {
    SummaryConfirmed: {
      1: (e) => ({ ...e, schemaVersion: 2, data: { ...(e.data as object), channel: 'web' } }),
      2: (e) => ({ ...e, schemaVersion: 3, data: { ...(e.data as object), confirmedVia: (e.data as { channel: string }).channel } }),
    },
  };
  const target = (type: string) => (type === 'SummaryConfirmed' ? 3 : 1);
  t.same(upcast({ type: 'SummaryConfirmed', schemaVersion: 1, data: { x: 1 } }, registry, target), {
    type: 'SummaryConfirmed',
    schemaVersion: 3,
    data: { x: 1, channel: 'web', confirmedVia: 'web' },
  });
  const current = { type: 'RequirementRejected', schemaVersion: 1, data: {} };
  t.equal(upcast(current, registry, target), current, 'current events pass untouched');
  t.throws(() => upcast({ type: 'RequirementRejected', schemaVersion: 2, data: {} }, registry, target), { name: 'UnknownSchemaVersionError', message: 'no upcaster from RequirementRejected v2' }, 'a version from the future');
  t.throws(() => upcast({ type: 'FindingRecorded', schemaVersion: 1, data: {} }, registry, () => 2), { name: 'UnknownSchemaVersionError', message: 'no upcaster from FindingRecorded v1' }, 'a missing step');
  t.type(new UnknownSchemaVersionError('X', 1), Error);
  t.throws(() => upcast({ type: 'FindingRecorded', schemaVersion: 2, data: {} }), { message: 'no upcaster from FindingRecorded v2' }, 'a known type from the future, with the real registry');
  const foreign = { type: 'SomethingElseHappened', schemaVersion: 7, data: { x: 1 } };
  t.equal(upcast(foreign), foreign, 'a type this code does not know passes through as stored');
});

t.test('positions compare as the numbers they write, canonical or not', async (t) => {
  const { comparePositions } = await import('../../contracts/index.js');
  const { default: fc } = await import('fast-check');
  fc.assert(
    fc.property(fc.bigInt({ min: 0n, max: 2n ** 70n }), fc.bigInt({ min: 0n, max: 2n ** 70n }), fc.nat(2), fc.nat(2), (x, y, zerosX, zerosY) => {
      const expected = x < y ? -1 : x > y ? 1 : 0;
      return comparePositions(String(x), String(y)) === expected && comparePositions('0'.repeat(zerosX) + String(x), '0'.repeat(zerosY) + String(y)) === expected;
    }),
  );
  t.equal(comparePositions('9', '10'), -1, 'by value, not by the first digit');
  t.equal(comparePositions('18446744073709551615', '18446744073709551614'), 1, 'beyond 2^53');
});
