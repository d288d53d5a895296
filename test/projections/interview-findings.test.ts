import t from 'tap';
import { applyInOrder, interviewFindings, interviewSchedule, project, withFindings } from '../../projections/index.js';
import { consultant, E1, findingRecorded, I1, interviewConducted, interviewScheduled } from '../support/fixtures.js';
import { deepFreeze, minute, projectionSpec, recorded } from '../support/projection-spec.js';

const spec = projectionSpec(interviewFindings);

const f1 = { findingId: 'f-1', section: 'workflow', text: 'observation f-1', pain: 2, frequency: 'daily', recordedAt: minute(3), recordedBy: consultant } as const;
const f2 = { findingId: 'f-2', section: 'customer', text: 'no shared customer list', recordedAt: minute(4), recordedBy: consultant } as const;
const events = recorded([
  interviewScheduled,
  interviewConducted,
  findingRecorded('f-1'),
  { type: 'FindingRecorded', data: { interviewId: I1, findingId: 'f-2', section: 'customer', text: 'no shared customer list' } },
]);

t.test('FindingRecorded: a document per finding, with its interview, optional ratings only when given', async (t) => {
  spec(t)
    .given(events)
    .then({
      'f-1': { id: 'f-1', engagementId: E1, position: '3', interviewId: I1, ...f1 },
      'f-2': { id: 'f-2', engagementId: E1, position: '4', interviewId: I1, ...f2 },
    });
});

t.test('the interview answer: its record with its findings in recording order', async (t) => {
  const record = project(interviewSchedule, events).get(I1)!;
  const findings = [...project(interviewFindings, events).values()];
  const answer = withFindings(deepFreeze(record), deepFreeze(findings));
  t.strictSame(answer.findings, [f1, f2], 'the findings as the interview answer has always shown them');
  t.equal(answer.version, 3, 'the interview moved a revision per finding');
  t.strictSame(withFindings(record, []).findings, [], 'an interview without findings answers an empty list');
});

t.test('a finding the interview record has not applied yet is left out of the answer', async (t) => {
  const recordBefore = project(interviewSchedule, events.slice(0, 3)).get(I1)!;
  const findings = [...project(interviewFindings, events).values()];
  t.strictSame(withFindings(recordBefore, findings).findings, [f1], 'only the findings of the version the answer shows');
});

t.test('a redelivered finding is neither doubled nor changed', async (t) => {
  const once = project(interviewFindings, events);
  const again = applyInOrder(interviewFindings, once, events);
  t.equal(again.size, 2, 'still two findings');
  for (const [id, document] of once) t.equal(again.get(id), document, `${id} kept as it was`);
});

t.test('recording a finding writes that finding only, whatever the interview already holds', async (t) => {
  const many = recorded([
    interviewScheduled,
    interviewConducted,
    ...Array.from({ length: 500 }, (_, n) => findingRecorded(`f-${n}`)),
  ]);
  const before = project(interviewFindings, many.slice(0, -1));
  const after = applyInOrder(interviewFindings, before, many.slice(-1));
  const changed = [...after].filter(([id, document]) => before.get(id) !== document).map(([id]) => id);
  t.strictSame(changed, ['f-499'], 'one document changed: the new finding');
});
