import t from 'tap';
import type { RequirementEvent } from '../../contracts/index.js';
import { project, rankBacklog, requirementBacklog, sortBacklog, type BacklogItem } from '../../projections/index.js';
import { consultant, E1, pm, priorityInputs, R1, requirementCaptured, requirementPrioritized } from '../support/fixtures.js';
import { eventLog, minute, projectionSpec, recorded } from '../support/projection-spec.js';
import { wholeDiscovery } from './discovery.js';

const spec = projectionSpec(requirementBacklog);

const decision = (type: 'RequirementAccepted' | 'RequirementDeferred' | 'RequirementRejected', previousStatus: string, extra: object = {}) =>
  ({ type, data: { requirementId: R1, previousStatus, reason: 'steering committee', ...extra } }) as RequirementEvent;
const accepted = decision('RequirementAccepted', 'prioritized', { targetPhase: 'system-deployment' });

/** The item right after capture (log position 1, by the consultant). */
const capturedItem: BacklogItem = {
  id: R1,
  engagementId: E1,
  position: '1',
  title: 'Credit limit check on quotes',
  description: 'A quote above the customer credit limit needs finance approval.',
  category: 'sales',
  departments: ['Sales', 'Finance'],
  status: 'captured',
  sources: [{ interviewId: 'int-1', findingId: 'f-1' }],
  goalIds: [],
  capturedAt: minute(1),
  capturedBy: consultant,
  version: 0,
  updatedAt: minute(1),
};
const priority = { inputs: priorityInputs, rationale: 'touches credit', score: 9, formulaVersion: 1 };
const prioritizedItem: BacklogItem = {
  ...capturedItem,
  position: '2',
  status: 'prioritized',
  priority,
  prioritizedAt: minute(2),
  prioritizedPosition: '2',
  version: 1,
  updatedAt: minute(2),
};

t.test('RequirementCaptured: a captured item with its sources', async (t) => {
  spec(t).given(recorded([requirementCaptured])).then({ [R1]: capturedItem });
});

t.test('RequirementRevised: the changed fields take their new values', async (t) => {
  const revised: RequirementEvent = {
    type: 'RequirementRevised',
    data: {
      requirementId: R1,
      changes: { title: 'Credit check', departments: ['Finance'] },
      previous: { title: capturedItem.title, departments: ['Sales', 'Finance'] },
      reason: 'clarified with finance',
    },
  };
  spec(t)
    .given(recorded([requirementCaptured, revised]))
    .then({ [R1]: { ...capturedItem, title: 'Credit check', departments: ['Finance'], position: '2', version: 1, updatedAt: minute(2) } });
});

t.test('RequirementPrioritized: the priority, when, and the position that breaks ties', async (t) => {
  spec(t).given(recorded([requirementCaptured, requirementPrioritized], { actor: pm })).then({
    [R1]: { ...prioritizedItem, capturedBy: pm },
  });
});

t.test('RequirementPrioritized again: the latest priority replaces the earlier one', async (t) => {
  const again: RequirementEvent = {
    type: 'RequirementPrioritized',
    data: { requirementId: R1, ...priorityInputs, urgency: 3, score: 11, rationale: 'quarter end', formulaVersion: 1, previous: { ...priorityInputs, score: 9 } },
  };
  spec(t)
    .given(recorded([requirementCaptured, requirementPrioritized, again]))
    .thenMatch({
      [R1]: {
        status: 'prioritized',
        priority: { inputs: { ...priorityInputs, urgency: 3 }, rationale: 'quarter end', score: 11, formulaVersion: 1 },
        prioritizedAt: minute(3),
        prioritizedPosition: '3',
        version: 2,
      },
    });
});

t.test('RequirementAccepted: accepted into a target phase, with the decision', async (t) => {
  spec(t)
    .given(recorded([requirementCaptured, requirementPrioritized, accepted], { actor: pm }))
    .then({
      [R1]: {
        ...prioritizedItem,
        capturedBy: pm,
        position: '3',
        status: 'accepted',
        targetPhase: 'system-deployment',
        decision: {
          status: 'accepted',
          previousStatus: 'prioritized',
          targetPhase: 'system-deployment',
          reason: 'steering committee',
          at: minute(3),
          by: pm,
        },
        version: 2,
        updatedAt: minute(3),
      },
    });
});

t.test('an acceptance without a reason records none', async (t) => {
  const { documents } = spec(t).given(
    recorded([requirementCaptured, requirementPrioritized, { type: 'RequirementAccepted', data: { requirementId: R1, previousStatus: 'prioritized', targetPhase: 'go-live' } }]),
  );
  t.notOk('reason' in documents.get(R1)!.decision!, 'no reason key');
});

t.test('RequirementDeferred: deferred, and an earlier acceptance’s target phase is withdrawn', async (t) => {
  spec(t)
    .given(recorded([requirementCaptured, requirementPrioritized, accepted, decision('RequirementDeferred', 'accepted')]))
    .then({
      [R1]: {
        ...prioritizedItem,
        position: '4',
        status: 'deferred',
        decision: { status: 'deferred', previousStatus: 'accepted', reason: 'steering committee', at: minute(4), by: consultant },
        version: 3,
        updatedAt: minute(4),
      },
    });
});

t.test('RequirementRejected: rejected, keeping its priority for the record', async (t) => {
  spec(t)
    .given(recorded([requirementCaptured, requirementPrioritized, decision('RequirementRejected', 'prioritized')]))
    .thenMatch({ [R1]: { status: 'rejected', priority, decision: { status: 'rejected', previousStatus: 'prioritized' }, version: 2 } });
});

t.test('re-prioritizing an accepted requirement leaves it accepted', async (t) => {
  const again: RequirementEvent = {
    type: 'RequirementPrioritized',
    data: { requirementId: R1, ...priorityInputs, score: 9, rationale: 'reviewed', formulaVersion: 1, previous: { ...priorityInputs, score: 9 } },
  };
  spec(t)
    .given(recorded([requirementCaptured, requirementPrioritized, accepted, again]))
    .thenMatch({ [R1]: { status: 'accepted', targetPhase: 'system-deployment', prioritizedPosition: '4', priority: { rationale: 'reviewed' } } });
});

t.test('an event for a requirement never captured leaves no document', async (t) => {
  spec(t).given(recorded([requirementPrioritized, accepted])).then({});
});

t.test('events of other aggregates are not routed here', async (t) => {
  const log = eventLog();
  const event = log.record({ type: 'PhaseAdvanced', data: { engagementId: E1, from: 'concept-introduction', to: 'business-survey' } });
  t.same(requirementBacklog.route(event), []);
  t.same(requirementBacklog.eventTypes, [
    'RequirementCaptured',
    'RequirementRevised',
    'RequirementPrioritized',
    'RequirementAccepted',
    'RequirementDeferred',
    'RequirementRejected',
  ]);
});

t.test('the backlog as of a past instant is the log up to it, projected and ranked', async (t) => {
  const log = wholeDiscovery();
  const asOf = (instant: string) =>
    sortBacklog(rankBacklog([...project(requirementBacklog, log.filter((e) => e.occurredAt <= instant)).values()])).map(
      (item) => `${item.id} ${item.status} ${item.score ?? '-'} ${item.tier ?? '-'}`,
    );
  t.same(asOf(minute(28)), ['req-1 captured - -', 'req-2 captured - -', 'req-3 captured - -', 'req-4 captured - -', 'req-5 captured - -'], 'before any priority');
  t.same(
    asOf(minute(30)),
    ['req-1 prioritized 11 vital-few', 'req-2 prioritized 3 trivial-many', 'req-3 captured - -', 'req-4 captured - -', 'req-5 captured - -'],
    'two prioritized: ceil(0.4) = 1 vital by rank, and req-1 touches money anyway',
  );
  t.same(asOf(minute(38)), [
    'req-1 accepted 11 vital-few',
    'req-3 prioritized 8 vital-few',
    'req-5 deferred 6 trivial-many',
    'req-2 prioritized 5 trivial-many',
    'req-4 rejected - -',
    'req-6 captured - -',
  ]);
});
