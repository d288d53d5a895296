import t from 'tap';
import type { RequirementEvent } from '../../contracts/index.js';
import { requirementBacklog, requirementDocument } from '../../projections/index.js';
import { consultant, pm, priorityInputs, R1, requirementCaptured, requirementPrioritized } from '../support/fixtures.js';
import { eventLog, fold, minute, projectionSpec } from '../support/projection-spec.js';

const spec = projectionSpec(requirementDocument);

const revised: RequirementEvent = {
  type: 'RequirementRevised',
  data: { requirementId: R1, changes: { category: 'integration' }, previous: { category: 'sales' }, reason: 'it is an ERP interface' },
};
const reprioritized: RequirementEvent = {
  type: 'RequirementPrioritized',
  data: { requirementId: R1, ...priorityInputs, urgency: 0, score: 8, rationale: 'can wait a month', formulaVersion: 1, previous: { ...priorityInputs, score: 9 } },
};
const decided = (type: 'RequirementAccepted' | 'RequirementDeferred' | 'RequirementRejected', previousStatus: string, extra: object = {}) =>
  ({ type, data: { requirementId: R1, previousStatus, reason: `${type} because`, ...extra } }) as RequirementEvent;

const history = () => {
  const log = eventLog();
  return [
    log.record(requirementCaptured, { actor: consultant }),
    log.record(revised, { actor: consultant }),
    log.record(requirementPrioritized, { actor: pm }),
    log.record(reprioritized, { actor: pm }),
    log.record(decided('RequirementAccepted', 'prioritized', { targetPhase: 'system-deployment' }), { actor: pm }),
    log.record(decided('RequirementDeferred', 'accepted'), { actor: pm }),
    log.record(decided('RequirementRejected', 'deferred'), { actor: pm }),
  ];
};

t.test('the requirement is its backlog item plus every priority, decision and revision', async (t) => {
  const events = history();
  const item = fold(requirementBacklog, events).get(R1)!;
  spec(t)
    .given(events)
    .then({
      [R1]: {
        ...item,
        revisions: [
          { changes: { category: 'integration' }, previous: { category: 'sales' }, reason: 'it is an ERP interface', at: minute(2), by: consultant },
        ],
        priorityHistory: [
          { inputs: priorityInputs, rationale: 'touches credit', score: 9, formulaVersion: 1, at: minute(3), by: pm, position: '3' },
          { inputs: { ...priorityInputs, urgency: 0 }, rationale: 'can wait a month', score: 8, formulaVersion: 1, at: minute(4), by: pm, position: '4' },
        ],
        decisions: [
          {
            status: 'accepted',
            previousStatus: 'prioritized',
            targetPhase: 'system-deployment',
            reason: 'RequirementAccepted because',
            at: minute(5),
            by: pm,
          },
          { status: 'deferred', previousStatus: 'accepted', reason: 'RequirementDeferred because', at: minute(6), by: pm },
          { status: 'rejected', previousStatus: 'deferred', reason: 'RequirementRejected because', at: minute(7), by: pm },
        ],
      },
    });
  t.match(item, { status: 'rejected', category: 'integration', version: 6, decision: { status: 'rejected' } }, 'the item reads as the backlog shows it');
});

t.test('RequirementCaptured starts with empty histories', async (t) => {
  const events = history().slice(0, 1);
  spec(t)
    .given(events)
    .then({ [R1]: { ...fold(requirementBacklog, events).get(R1)!, priorityHistory: [], decisions: [], revisions: [] } });
});

t.test('an event for a requirement never captured leaves no document', async (t) => {
  spec(t).given(history().slice(1)).then({});
});

t.test('it reads the same events as the backlog', async (t) => {
  t.same(requirementDocument.eventTypes, requirementBacklog.eventTypes);
});
