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
        changeRequests: [],
      },
    });
  t.match(item, { status: 'rejected', category: 'integration', version: 6, decision: { status: 'rejected' } }, 'the item reads as the backlog shows it');
});

t.test('RequirementCaptured starts with empty histories', async (t) => {
  const events = history().slice(0, 1);
  spec(t)
    .given(events)
    .then({ [R1]: { ...fold(requirementBacklog, events).get(R1)!, priorityHistory: [], decisions: [], revisions: [], changeRequests: [] } });
});

t.test('an event for a requirement never captured leaves no document', async (t) => {
  spec(t).given(history().slice(1)).then({});
});

t.test('it reads the events of the backlog and of change requests', async (t) => {
  t.same(requirementDocument.eventTypes, [...requirementBacklog.eventTypes, 'ChangeRequestRaised', 'ChangeRequestApproved', 'ChangeRequestRejected']);
});

t.test('change requests: raised, then approved with the baselines it made suspect, or rejected', async (t) => {
  const log = eventLog();
  const accepted = decided('RequirementAccepted', 'prioritized', { targetPhase: 'system-deployment' });
  const raise = (changeRequestId: string): RequirementEvent => ({
    type: 'ChangeRequestRaised',
    data: { requirementId: R1, changeRequestId, description: 'check orders too', reason: 'finance asks', impact: 'one more approval', changes: { category: 'integration' } },
  });
  const events = [
    log.record(requirementCaptured, { actor: consultant }),
    log.record(requirementPrioritized, { actor: pm }),
    log.record(accepted, { actor: pm }),
    log.record(raise('cr-1'), { actor: consultant }),
    log.record(raise('cr-2'), { actor: consultant }),
    log.record({ type: 'ChangeRequestApproved', data: { requirementId: R1, changeRequestId: 'cr-1', reason: 'agreed', suspectBaselineIds: ['bl-1'] } }, { actor: pm }),
    log.record(revised, { actor: pm }),
    log.record({ type: 'ChangeRequestRejected', data: { requirementId: R1, changeRequestId: 'cr-2', reason: 'not now' } }, { actor: pm }),
  ];
  const document = fold(requirementDocument, events).get(R1)!;
  const raisedRecord = (changeRequestId: string, at: string) => ({
    changeRequestId,
    description: 'check orders too',
    reason: 'finance asks',
    impact: 'one more approval',
    changes: { category: 'integration' },
    raisedAt: at,
    raisedBy: consultant,
  });
  t.strictSame(document.changeRequests, [
    { ...raisedRecord('cr-1', minute(4)), status: 'approved', decidedAt: minute(6), decidedBy: pm, decisionReason: 'agreed', suspectBaselineIds: ['bl-1'] },
    { ...raisedRecord('cr-2', minute(5)), status: 'rejected', decidedAt: minute(8), decidedBy: pm, decisionReason: 'not now', suspectBaselineIds: [] },
  ]);
  t.match(document, { category: 'integration', version: 7, position: '8' }, 'the approval revised it; the document is at the last event');
});
