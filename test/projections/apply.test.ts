import t from 'tap';
import fc from 'fast-check';
import { alreadyApplied, applyInOrder, comparePositions, project, PROJECTIONS, requirementBacklog } from '../../projections/index.js';
import { R1, requirementCaptured, requirementPrioritized } from '../support/fixtures.js';
import { deepFreeze, fold, recorded } from '../support/projection-spec.js';
import { afterGoLive } from './discovery.js';

const log = deepFreeze(afterGoLive());
const plain = (documents: Map<string, unknown>) => Object.fromEntries(documents);

t.test('positions compare as numbers', async (t) => {
  t.equal(comparePositions('9', '10'), -1);
  t.equal(comparePositions('10', '10'), 0);
  t.equal(comparePositions('18446744073709551616', '18446744073709551615'), 1, 'beyond 2^53');
  t.notOk(alreadyApplied(undefined, '1'), 'nothing applied to a missing document');
  t.ok(alreadyApplied({ id: 'x', engagementId: 'e', position: '10' }, '9'));
  t.ok(alreadyApplied({ id: 'x', engagementId: 'e', position: '10' }, '10'));
  t.notOk(alreadyApplied({ id: 'x', engagementId: 'e', position: '10' }, '11'));
});

for (const projection of PROJECTIONS) {
  t.test(`${projection.name}: the guard makes redelivery harmless`, async (t) => {
    const once = applyInOrder(projection, new Map(), log);
    t.strictSame(plain(once), plain(fold(projection, log)), 'one pass equals the plain fold, position for position');
    t.strictSame(plain(applyInOrder(projection, once, log)), plain(once), 'the same events again change nothing');
    t.strictSame(plain(applyInOrder(projection, new Map(), [...log, ...log])), plain(once), 'twice in a row in one batch: the same');
    const again = applyInOrder(projection, once, log);
    t.ok([...again].every(([id, document]) => document === once.get(id)), 'nothing changed, so nothing needs writing');
  });

  t.test(`${projection.name}: documents are plain JSON, so a document store gives them back as they were`, async (t) => {
    for (const [id, document] of project(projection, log)) {
      t.strictSame(JSON.parse(JSON.stringify(document)), document, `${id}: no undefined values, dates or shared oddities`);
    }
  });

  t.test(`${projection.name}: a crash anywhere and a restart from an older checkpoint give the same documents`, async (t) => {
    const expected = plain(project(projection, log));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: log.length }), fc.integer({ min: 0, max: log.length }), (a, b) => {
        const [restartAt, crashedAt] = a <= b ? [a, b] : [b, a];
        const beforeCrash = applyInOrder(projection, new Map(), log.slice(0, crashedAt));
        const afterRestart = applyInOrder(projection, beforeCrash, log.slice(restartAt));
        t.strictSame(plain(afterRestart), expected);
      }),
      { numRuns: 40 },
    );
  });
}

t.test('applyInOrder leaves the map and the documents it is given alone', async (t) => {
  const start = project(requirementBacklog, recorded([requirementCaptured]));
  const document = deepFreeze(start.get(R1)!);
  const next = applyInOrder(requirementBacklog, start, recorded([requirementCaptured, requirementPrioritized]));
  t.equal(start.get(R1), document, 'the given map still holds the given document');
  t.equal(start.size, 1);
  t.equal(document.status, 'captured', 'which is unchanged (it is frozen: a mutation would have thrown)');
  t.equal(next.get(R1)!.status, 'prioritized', 'position 1 was skipped, position 2 applied');
});

t.test('an event after the document’s position is applied; one at or before it is not', async (t) => {
  const events = recorded([requirementCaptured, requirementPrioritized]);
  const captured = project(requirementBacklog, events.slice(0, 1));
  t.equal(applyInOrder(requirementBacklog, captured, events.slice(1)).get(R1)!.status, 'prioritized');
  const stale = new Map([[R1, { ...captured.get(R1)!, position: '2' }]]);
  t.equal(applyInOrder(requirementBacklog, stale, events.slice(1)).get(R1)!.status, 'captured', 'position 2 already seen: skipped');
});

t.test('every projection’s route answers exactly for the event types it lists', async (t) => {
  const names = PROJECTIONS.map((p) => p.name);
  t.equal(new Set(names).size, names.length, 'each projection has its own collection');
  for (const projection of PROJECTIONS) {
    for (const event of log) {
      const routed = projection.route(event).length > 0;
      t.equal(routed, projection.eventTypes.includes(event.type), `${projection.name} ${routed ? 'reads' : 'ignores'} ${event.type}`);
    }
  }
});
