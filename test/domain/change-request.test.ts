import t from 'tap';
import { baselineDecider, engagementDecider, requirementDecider, type RequirementCommandWithContext } from '../../domain/index.js';
import type { Actor, BaselineEvent, EngagementEvent, RequirementEvent } from '../../contracts/index.js';
import { deciderSpec, stateAfter } from '../support/decider-spec.js';
import { atGoLive, consultant, E1, inSurvey, meta, pm, R1, requirementCaptured, requirementPrioritized } from '../support/fixtures.js';

const spec = deciderSpec(requirementDecider);
const CR = 'cr-1';
const otherPm: Actor = { id: 'u-sun', name: 'Sun Li', roles: ['pm'] };
const accepted: RequirementEvent = { type: 'RequirementAccepted', data: { requirementId: R1, previousStatus: 'prioritized', targetPhase: 'system-deployment' } };
const acceptedRequirement = [requirementCaptured, requirementPrioritized, accepted];

const baseline = (baselineId: string, requirementIds: string[], signed: 'signed' | 'awaiting' = 'signed', supersedes: string[] = []): BaselineEvent[] => [
  {
    type: 'BaselineCreated',
    data: {
      baselineId,
      engagementId: E1,
      name: baselineId,
      signatories: [{ userId: 'u-li', name: 'Li Na', role: 'stakeholder' }],
      requirements: requirementIds.map((requirementId) => ({
        requirementId,
        version: 2,
        title: 't',
        description: 'd',
        category: 'sales',
        departments: ['Sales'],
        sources: [],
        goalIds: [],
      })),
      baselineHash: 'a'.repeat(64),
    },
  },
  ...(signed === 'signed'
    ? [{ type: 'BaselineSigned', data: { baselineId, name: baselineId, baselineHash: 'a'.repeat(64), requirements: [], supersedes } } as BaselineEvent]
    : []),
];
const baselines = (...streams: BaselineEvent[][]) => streams.map((events) => stateAfter(baselineDecider, events));
const engagement = (events: EngagementEvent[] = inSurvey) => stateAfter(engagementDecider, events);

const changes = { description: 'Quotes and orders above the customer credit limit need finance approval.' };
const raisedData = { requirementId: R1, changeRequestId: CR, description: 'Check orders too', reason: 'Finance found orders bypass the check', impact: 'One more approval on orders', changes };
// A stored event carries its actor: the raiser, kept apart from the approver.
const raised = { type: 'ChangeRequestRaised', data: raisedData, actor: consultant } as unknown as RequirementEvent;

const raise = (data: object = {}, engagementEvents?: EngagementEvent[]) =>
  ({ type: 'RaiseChangeRequest', data: { ...raisedData, ...data }, facts: { engagement: engagement(engagementEvents) }, ...meta(consultant) }) as RequirementCommandWithContext;
const approve = (actor: Actor = pm, inForce = baselines(baseline('bl-1', [R1])), reason?: string) =>
  ({
    type: 'ApproveChangeRequest',
    data: { requirementId: R1, changeRequestId: CR, ...(reason ? { reason } : {}) },
    facts: { engagement: engagement(), baselines: inForce },
    ...meta(actor),
  }) as RequirementCommandWithContext;
const rejectRequest = (actor: Actor = pm) =>
  ({ type: 'RejectChangeRequest', data: { requirementId: R1, changeRequestId: CR, reason: 'Orders are checked in the ERP' }, facts: { engagement: engagement() }, ...meta(actor) }) as RequirementCommandWithContext;
const revise = (inForce: ReturnType<typeof baselines>) =>
  ({ type: 'ReviseRequirement', data: { requirementId: R1, title: 'Credit check', reason: 'shorter' }, facts: { engagement: engagement(), baselines: inForce }, ...meta(consultant) }) as RequirementCommandWithContext;

t.test('ReviseRequirement after sign-off', async (t) => {
  t.test('is refused for a requirement in a signed baseline in force, naming the baseline', async (t) => {
    spec(t).given([requirementCaptured, requirementPrioritized]).when(revise(baselines(baseline('bl-1', [R1])))).thenRejects('requirement-in-signed-baseline', { baselineIds: ['bl-1'] });
  });
  t.test('a baseline awaiting signatures, one without it, or one superseded does not hold it back', async (t) => {
    const inForce = baselines(baseline('bl-1', [R1]), baseline('bl-2', [R1], 'awaiting'), baseline('bl-3', ['req-9'], 'signed', ['bl-1']));
    spec(t).given([requirementCaptured, requirementPrioritized]).when(revise(inForce)).then([
      { type: 'RequirementRevised', data: { requirementId: R1, changes: { title: 'Credit check' }, previous: { title: 'Credit limit check on quotes' }, reason: 'shorter' } },
    ]);
  });
});

t.test('RaiseChangeRequest', async (t) => {
  t.test('records description, reason, impact and the changes asked for', async (t) => {
    spec(t).given(acceptedRequirement).when(raise()).then([{ type: 'ChangeRequestRaised', data: raisedData }]);
  });
  t.test('rejects changes that change nothing', async (t) => {
    spec(t).given(acceptedRequirement).when(raise({ changes: { category: 'sales' } })).thenRejects('revision-changes-nothing');
  });
  t.test('rejects goals the engagement does not have', async (t) => {
    spec(t).given(acceptedRequirement).when(raise({ changes: { goalIds: ['g-9'] } })).thenRejects('goal-not-found');
  });
  t.test('rejects a rejected requirement, an unknown one, and after go-live', async (t) => {
    const rejected: RequirementEvent = { type: 'RequirementRejected', data: { requirementId: R1, previousStatus: 'captured', reason: 'duplicate' } };
    spec(t).given([requirementCaptured, rejected]).when(raise()).thenRejects('requirement-rejected');
    spec(t).given([]).when(raise()).thenRejects('not-found');
    spec(t).given(acceptedRequirement).when(raise({}, atGoLive)).thenRejects('engagement-closed');
  });
  t.test('rejects an id that is taken', async (t) => {
    spec(t).given([...acceptedRequirement, raised]).when(raise()).thenRejects('already-exists');
  });
});

t.test('ApproveChangeRequest', async (t) => {
  t.test('revises the requirement and marks the signed baselines in force holding it as suspect', async (t) => {
    const inForce = baselines(baseline('bl-1', [R1]), baseline('bl-0', [R1]), baseline('bl-2', [R1], 'awaiting'), baseline('bl-3', ['req-9']));
    spec(t)
      .given([...acceptedRequirement, raised])
      .when(approve(pm, inForce, 'Steering committee of 2026-04-09'))
      .then([
        {
          type: 'ChangeRequestApproved',
          data: { requirementId: R1, changeRequestId: CR, reason: 'Steering committee of 2026-04-09', suspectBaselineIds: ['bl-0', 'bl-1'] },
        },
        {
          type: 'RequirementRevised',
          data: {
            requirementId: R1,
            changes,
            previous: { description: 'A quote above the customer credit limit needs finance approval.' },
            reason: `change request ${CR}: Steering committee of 2026-04-09`,
          },
        },
      ]);
  });
  t.test('separation of duties: whoever raised it may not approve it', async (t) => {
    const raisedByPm = { ...raised, actor: pm } as unknown as RequirementEvent;
    spec(t).given([...acceptedRequirement, raisedByPm]).when(approve(pm)).thenRejects('separation-of-duties');
    spec(t).given([...acceptedRequirement, raisedByPm]).when(approve(otherPm)).then([
      { type: 'ChangeRequestApproved', data: { requirementId: R1, changeRequestId: CR, suspectBaselineIds: ['bl-1'] } },
      {
        type: 'RequirementRevised',
        data: { requirementId: R1, changes, previous: { description: 'A quote above the customer credit limit needs finance approval.' }, reason: `change request ${CR}` },
      },
    ]);
  });
  t.test('rejects a request decided before', async (t) => {
    const approved: RequirementEvent = { type: 'ChangeRequestApproved', data: { requirementId: R1, changeRequestId: CR, suspectBaselineIds: [] } };
    spec(t).given([...acceptedRequirement, raised, approved]).when(approve()).thenRejects('change-request-decided');
  });
  t.test('rejects a request whose changes an earlier change already made', async (t) => {
    const revised: RequirementEvent = { type: 'RequirementRevised', data: { requirementId: R1, changes, previous: {}, reason: 'change request cr-0' } };
    spec(t).given([...acceptedRequirement, raised, revised]).when(approve()).thenRejects('revision-changes-nothing');
  });
  t.test('rejects an unknown change request', async (t) => {
    spec(t).given(acceptedRequirement).when(approve()).thenRejects('not-found');
  });
});

t.test('RejectChangeRequest', async (t) => {
  t.test('records the reason; the requirement stays as it is', async (t) => {
    spec(t).given([...acceptedRequirement, raised]).when(rejectRequest()).then([
      { type: 'ChangeRequestRejected', data: { requirementId: R1, changeRequestId: CR, reason: 'Orders are checked in the ERP' } },
    ]);
  });
  t.test('the raiser may withdraw their own request by rejecting it', async (t) => {
    const raisedByPm = { ...raised, actor: pm } as unknown as RequirementEvent;
    spec(t).given([...acceptedRequirement, raisedByPm]).when(rejectRequest(pm)).then([
      { type: 'ChangeRequestRejected', data: { requirementId: R1, changeRequestId: CR, reason: 'Orders are checked in the ERP' } },
    ]);
  });
  t.test('rejects a request decided before', async (t) => {
    const rejected: RequirementEvent = { type: 'ChangeRequestRejected', data: { requirementId: R1, changeRequestId: CR, reason: 'no' } };
    spec(t).given([...acceptedRequirement, raised, rejected]).when(rejectRequest()).thenRejects('change-request-decided');
  });
});
