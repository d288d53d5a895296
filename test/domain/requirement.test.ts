import t from 'tap';
import { engagementDecider, interviewDecider, requirementDecider, type RequirementCommandWithContext } from '../../domain/index.js';
import type { EngagementEvent, InterviewEvent, RequirementEvent } from '../../contracts/index.js';
import { deciderSpec, stateAfter } from '../support/decider-spec.js';
import {
  advanced,
  atGoLive,
  conductedWithFinding,
  E1,
  inSurvey,
  interviewScheduled,
  meta,
  pm,
  priorityInputs,
  R1,
  requirementCaptured,
  requirementPrioritized,
  scheduleData,
} from '../support/fixtures.js';

const spec = deciderSpec(requirementDecider);
const engagement = (events: EngagementEvent[]) => stateAfter(engagementDecider, events);
const cmd = (type: string, data: object, engagementEvents: EngagementEvent[] = inSurvey): RequirementCommandWithContext =>
  ({ type, data: { requirementId: R1, ...data }, facts: { engagement: engagement(engagementEvents), baselines: [] }, ...meta(pm) }) as unknown as RequirementCommandWithContext;
const decided = (
  type: 'RequirementAccepted' | 'RequirementDeferred' | 'RequirementRejected',
  previousStatus: string,
  extra: object = {},
): RequirementEvent => ({ type, data: { requirementId: R1, reason: 'steering committee', previousStatus, ...extra } }) as RequirementEvent;
const accepted = decided('RequirementAccepted', 'prioritized', { targetPhase: 'system-deployment' });
const deferred = decided('RequirementDeferred', 'prioritized');
const rejected = decided('RequirementRejected', 'captured');

t.test('CaptureRequirement', async (t) => {
  const { requirementId: _r, ...captureData } = requirementCaptured.data as Extract<RequirementEvent, { type: 'RequirementCaptured' }>['data'];
  const capture = (opts: { engagement?: EngagementEvent[]; interviews?: Record<string, InterviewEvent[]>; data?: object } = {}) =>
    ({
      type: 'CaptureRequirement',
      data: { requirementId: R1, ...captureData, ...opts.data },
      facts: {
        engagement: engagement(opts.engagement ?? inSurvey),
        interviews: Object.fromEntries(
          Object.entries(opts.interviews ?? { 'int-1': conductedWithFinding }).map(([id, events]) => [id, stateAfter(interviewDecider, events)]),
        ),
      },
      ...meta(),
    }) as RequirementCommandWithContext;

  t.test('captures a requirement traced to an existing finding', async (t) => {
    spec(t).given([]).when(capture()).then([requirementCaptured]);
  });
  t.test('rejects an id that is taken', async (t) => {
    spec(t).given([requirementCaptured]).when(capture()).thenRejects('already-exists');
  });
  t.test('rejects an unknown engagement', async (t) => {
    spec(t).given([]).when(capture({ engagement: [] })).thenRejects('not-found');
  });
  t.test('rejects an engagement that has gone live', async (t) => {
    spec(t).given([]).when(capture({ engagement: atGoLive })).thenRejects('engagement-closed');
  });
  t.test('rejects a source interview that does not exist', async (t) => {
    spec(t).given([]).when(capture({ interviews: {} })).thenRejects('source-not-found', { source: { interviewId: 'int-1', findingId: 'f-1' } });
  });
  t.test('rejects a source finding the interview does not have', async (t) => {
    spec(t).given([]).when(capture({ interviews: { 'int-1': [interviewScheduled] } })).thenRejects('source-not-found');
  });
  t.test('rejects a source from another engagement', async (t) => {
    const elsewhere: InterviewEvent[] = [
      { type: 'InterviewScheduled', data: { ...scheduleData, engagementId: 'eng-2' } },
      ...conductedWithFinding.slice(1),
    ];
    spec(t).given([]).when(capture({ interviews: { 'int-1': elsewhere } })).thenRejects('source-in-other-engagement');
  });
  t.test('names the goals it serves: one the engagement started with, by its derived id', async (t) => {
    spec(t)
      .given([])
      .when(capture({ data: { goalIds: ['eng-1:goal-1'] } }))
      .then([{ type: 'RequirementCaptured', data: { ...requirementCaptured.data, goalIds: ['eng-1:goal-1'] } } as RequirementEvent]);
  });
  t.test('and one added later', async (t) => {
    const goalAdded: EngagementEvent = { type: 'GoalAdded', data: { engagementId: E1, goalId: 'g-2', text: 'fewer lost deals' } };
    spec(t)
      .given([])
      .when(capture({ engagement: [...inSurvey, goalAdded], data: { goalIds: ['g-2'] } }))
      .then([{ type: 'RequirementCaptured', data: { ...requirementCaptured.data, goalIds: ['g-2'] } } as RequirementEvent]);
  });
  t.test('rejects a goal the engagement does not have', async (t) => {
    spec(t).given([]).when(capture({ data: { goalIds: ['eng-1:goal-1', 'g-9'] } })).thenRejects('goal-not-found', { goalIds: ['g-9'] });
  });
});

t.test('ReviseRequirement', async (t) => {
  const revise = (data: object, engagementEvents?: EngagementEvent[]) =>
    cmd('ReviseRequirement', { reason: 'clarified with finance', ...data }, engagementEvents);
  t.test('records only the fields that change, with the values they replace', async (t) => {
    spec(t)
      .given([requirementCaptured, requirementPrioritized])
      .when(revise({ title: 'Credit check on every quote', category: 'sales', departments: ['Sales', 'Finance', 'Legal'] }))
      .then([
        {
          type: 'RequirementRevised',
          data: {
            requirementId: R1,
            changes: { title: 'Credit check on every quote', departments: ['Sales', 'Finance', 'Legal'] },
            previous: { title: 'Credit limit check on quotes', departments: ['Sales', 'Finance'] },
            reason: 'clarified with finance',
          },
        },
      ]);
  });
  t.test('rejects a revision that changes nothing', async (t) => {
    spec(t).given([requirementCaptured]).when(revise({ category: 'sales' })).thenRejects('revision-changes-nothing');
  });
  t.test('revises the goals it serves; none named before reads as none', async (t) => {
    spec(t).given([requirementCaptured]).when(revise({ goalIds: ['eng-1:goal-1'] })).then([
      {
        type: 'RequirementRevised',
        data: { requirementId: R1, changes: { goalIds: ['eng-1:goal-1'] }, previous: { goalIds: [] }, reason: 'clarified with finance' },
      },
    ]);
  });
  t.test('rejects a goal the engagement does not have', async (t) => {
    spec(t).given([requirementCaptured]).when(revise({ goalIds: ['g-9'] })).thenRejects('goal-not-found');
  });
  t.test('rejects an accepted requirement', async (t) => {
    spec(t).given([requirementCaptured, requirementPrioritized, accepted]).when(revise({ title: 'x' })).thenRejects('requirement-already-accepted');
  });
  t.test('rejects a rejected requirement', async (t) => {
    spec(t).given([requirementCaptured, rejected]).when(revise({ title: 'x' })).thenRejects('requirement-rejected');
  });
  t.test('rejects once the engagement has gone live', async (t) => {
    spec(t).given([requirementCaptured]).when(revise({ title: 'x' }, atGoLive)).thenRejects('engagement-closed');
  });
  t.test('rejects an unknown requirement', async (t) => {
    spec(t).given([]).when(revise({ title: 'x' })).thenRejects('not-found');
  });
});

t.test('PrioritizeRequirement', async (t) => {
  const prioritize = (engagementEvents?: EngagementEvent[]) =>
    cmd('PrioritizeRequirement', { ...priorityInputs, rationale: 'touches credit' }, engagementEvents);
  t.test('records the inputs, the score and the formula version', async (t) => {
    spec(t).given([requirementCaptured]).when(prioritize()).then([requirementPrioritized]);
  });
  t.test('re-prioritizing names the priority it replaces and keeps a decided requirement decided', async (t) => {
    const state = stateAfter(requirementDecider, [requirementCaptured, requirementPrioritized, accepted, requirementPrioritized]);
    t.equal(state.status, 'accepted');
    const reprioritized = {
      ...requirementPrioritized,
      data: { ...requirementPrioritized.data, previous: { ...priorityInputs, score: 9 } },
    } as RequirementEvent;
    spec(t).given([requirementCaptured, requirementPrioritized, accepted]).when(prioritize()).then([reprioritized]);
  });
  t.test('rejects a rejected requirement', async (t) => {
    spec(t).given([requirementCaptured, rejected]).when(prioritize()).thenRejects('requirement-rejected');
  });
  t.test('rejects once the engagement has gone live', async (t) => {
    spec(t).given([requirementCaptured]).when(prioritize(atGoLive)).thenRejects('engagement-closed');
  });
  t.test('rejects an unknown requirement', async (t) => {
    spec(t).given([]).when(prioritize()).thenRejects('not-found');
  });
});

t.test('AcceptRequirement', async (t) => {
  const accept = (targetPhase = 'system-deployment', engagementEvents?: EngagementEvent[]) =>
    cmd('AcceptRequirement', { targetPhase, reason: 'steering committee' }, engagementEvents);
  t.test('accepts a prioritized requirement for a target phase', async (t) => {
    spec(t).given([requirementCaptured, requirementPrioritized]).when(accept()).then([accepted]);
  });
  t.test('a deferred requirement can be accepted later', async (t) => {
    spec(t)
      .given([requirementCaptured, requirementPrioritized, deferred])
      .when(accept())
      .then([decided('RequirementAccepted', 'deferred', { targetPhase: 'system-deployment' })]);
  });
  t.test('rejects a requirement that was never prioritized', async (t) => {
    spec(t).given([requirementCaptured]).when(accept()).thenRejects('requirement-not-prioritized');
  });
  t.test('rejects accepting twice', async (t) => {
    spec(t).given([requirementCaptured, requirementPrioritized, accepted]).when(accept()).thenRejects('requirement-already-accepted');
  });
  t.test('rejects a target phase the engagement has passed', async (t) => {
    const inDeployment = [...inSurvey, advanced('business-survey', 'process-solidification'), advanced('process-solidification', 'system-deployment')];
    spec(t)
      .given([requirementCaptured, requirementPrioritized])
      .when(accept('process-solidification', inDeployment))
      .thenRejects('target-phase-passed', { currentPhase: 'system-deployment' });
  });
  t.test('rejects a rejected requirement', async (t) => {
    spec(t).given([requirementCaptured, requirementPrioritized, rejected]).when(accept()).thenRejects('requirement-rejected');
  });
  t.test('rejects once the engagement has gone live', async (t) => {
    spec(t).given([requirementCaptured, requirementPrioritized]).when(accept('go-live', atGoLive)).thenRejects('engagement-closed');
  });
  t.test('rejects an unknown requirement', async (t) => {
    spec(t).given([]).when(accept()).thenRejects('not-found');
  });
});

t.test('DeferRequirement', async (t) => {
  const defer = (engagementEvents?: EngagementEvent[]) => cmd('DeferRequirement', { reason: 'steering committee' }, engagementEvents);
  t.test('defers a prioritized requirement', async (t) => {
    spec(t).given([requirementCaptured, requirementPrioritized]).when(defer()).then([deferred]);
  });
  t.test('an accepted requirement can still be deferred, with a reason', async (t) => {
    spec(t).given([requirementCaptured, requirementPrioritized, accepted]).when(defer()).then([decided('RequirementDeferred', 'accepted')]);
  });
  t.test('rejects a requirement that was never prioritized', async (t) => {
    spec(t).given([requirementCaptured]).when(defer()).thenRejects('requirement-not-prioritized');
  });
  t.test('rejects deferring twice', async (t) => {
    spec(t).given([requirementCaptured, requirementPrioritized, deferred]).when(defer()).thenRejects('requirement-already-deferred');
  });
  t.test('rejects a rejected requirement', async (t) => {
    spec(t).given([requirementCaptured, requirementPrioritized, rejected]).when(defer()).thenRejects('requirement-rejected');
  });
  t.test('rejects once the engagement has gone live', async (t) => {
    spec(t).given([requirementCaptured, requirementPrioritized]).when(defer(atGoLive)).thenRejects('engagement-closed');
  });
  t.test('rejects an unknown requirement', async (t) => {
    spec(t).given([]).when(defer()).thenRejects('not-found');
  });
});

t.test('RejectRequirement', async (t) => {
  const rejectIt = (engagementEvents?: EngagementEvent[]) => cmd('RejectRequirement', { reason: 'steering committee' }, engagementEvents);
  t.test('rejects a captured requirement, e.g. a duplicate, without prioritizing it', async (t) => {
    spec(t).given([requirementCaptured]).when(rejectIt()).then([rejected]);
  });
  t.test('rejects a prioritized requirement', async (t) => {
    spec(t).given([requirementCaptured, requirementPrioritized]).when(rejectIt()).then([decided('RequirementRejected', 'prioritized')]);
  });
  t.test('refuses to reject twice', async (t) => {
    spec(t).given([requirementCaptured, rejected]).when(rejectIt()).thenRejects('requirement-rejected');
  });
  t.test('refuses once the engagement has gone live', async (t) => {
    spec(t).given([requirementCaptured]).when(rejectIt(atGoLive)).thenRejects('engagement-closed');
  });
  t.test('refuses an unknown requirement', async (t) => {
    spec(t).given([]).when(rejectIt()).thenRejects('not-found');
  });
});

t.test('the engagement passed in must be the requirement\'s own', async (t) => {
  t.equal(requirementCaptured.data.requirementId, R1);
  t.equal((requirementCaptured.data as { engagementId: string }).engagementId, E1);
});
