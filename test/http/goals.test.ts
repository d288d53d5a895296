import t, { type Test } from 'tap';
import { discovery, testApp, users } from '../support/http.js';

/** An app with an engagement Pat started with these goals. */
const engagementWithGoals = async (t: Test, goals: string[]) => {
  const { app } = await testApp();
  t.teardown(() => app.close());
  const d = discovery(app);
  const inject = (url: string, headers: Record<string, string>, payload: object) => app.inject({ method: 'POST', url, headers, payload });
  const started = await d.post('/engagements', users.pm, { name: 'CRM for Acme', client: 'Acme Trading', sponsor: { name: 'Zhang San', title: 'CEO' }, goals });
  return { app, d, inject, E: started.id };
};

t.test('goals, success targets and the scorecard through the API', async (t) => {
  const { app, d, inject, E } = await engagementWithGoals(t, ['One view of every customer']);
  await d.addMember(E, 'u-chen', 'consultant');
  const startingGoal = `${E}:goal-1`;

  const early = await inject(`/engagements/${E}/readiness`, users.pm, { item: 'success-criteria-defined', status: 'met' });
  t.match(early.json(), { status: 409, code: 'success-targets-missing' }, 'no target yet: success criteria are not defined');

  const goal = await inject(`/engagements/${E}/goals`, users.pm, { text: 'Quotes answered within a working day' });
  t.equal(goal.statusCode, 201);
  const goalId = goal.json().goalId as string;
  t.equal(goal.headers['location'], `/engagements/${E}/progress`, 'goals are read in the progress');
  t.match((await inject(`/engagements/${E}/goals`, users.consultant, { text: 'mine' })).json(), { status: 403, code: 'forbidden' }, 'goals are the pm’s');

  const target = await inject(`/engagements/${E}/goals/${goalId}/targets`, users.pm, {
    metric: 'Quote answer time', unit: 'hours', baseline: 30, target: 8, horizon: '2026-12-31', owner: 'Wang Fang',
  });
  t.equal(target.statusCode, 201);
  const targetId = target.json().targetId as string;
  const unknownGoal = await inject(`/engagements/${E}/goals/nope/targets`, users.pm, {
    metric: 'Win rate', unit: '%', baseline: 20, target: 30, horizon: '2026-12-31', owner: 'Wang Fang',
  });
  t.match(unknownGoal.json(), { status: 404, code: 'not-found' });
  const onStartingGoal = await inject(`/engagements/${E}/goals/${encodeURIComponent(startingGoal)}/targets`, users.pm, {
    metric: 'Customers with one record', unit: '%', baseline: 60, target: 98, horizon: '2026-12-31', owner: 'Li Na',
  });
  t.equal(onStartingGoal.statusCode, 201, 'a goal of StartEngagement is addressed by its derived id');

  t.equal((await inject(`/engagements/${E}/readiness`, users.pm, { item: 'success-criteria-defined', status: 'met' })).statusCode, 200);

  const revised = await inject(`/engagements/${E}/targets/${targetId}/revise`, users.pm, { target: 12, reason: 'Export quotes need a customs check' });
  t.match(revised.json(), { status: 'pending' });
  t.match((await inject(`/engagements/${E}/targets/${targetId}/revise`, users.pm, { target: 12, reason: 'again' })).json(), { code: 'revision-changes-nothing' });
  t.equal((await inject(`/engagements/${E}/targets/${targetId}/revise`, users.pm, { reason: 'nothing named' })).statusCode, 400);

  const tooEarly = await inject(`/engagements/${E}/targets/${targetId}/measurements`, users.pm, { value: 10, measuredAt: '2026-08-31T10:00:00Z' });
  t.match(tooEarly.json(), { status: 409, code: 'engagement-not-live' });

  for (const to of ['business-survey', 'process-solidification', 'system-deployment', 'application-training', 'go-live']) {
    await d.advance(E, to, 'the test goes straight to go-live');
  }
  const measured = await inject(`/engagements/${E}/targets/${targetId}/measurements`, users.pm, {
    value: 10, measuredAt: '2026-08-31T18:00:00+08:00', note: 'August average',
  });
  t.equal(measured.statusCode, 200);
  t.match(measured.json(), { status: 'met', measurementId: String });

  const progress = await app.inject({
    method: 'GET',
    url: `/engagements/${E}/progress`,
    headers: { ...users.consultant, 'x-min-position': measured.json().position },
  });
  t.equal(progress.statusCode, 200);
  t.match(progress.json(), {
    goals: [
      { goalId: startingGoal, text: 'One view of every customer' },
      { goalId, text: 'Quotes answered within a working day' },
    ],
    scorecard: {
      met: 1,
      notMet: 0,
      pending: 1,
      targets: [
        { targetId, goalId, target: 12, direction: 'decrease', status: 'met', measurements: [{ value: 10, note: 'August average' }] },
        { goalId: startingGoal, direction: 'increase', status: 'pending' },
      ],
    },
  });
});

t.test('the goal matrix: requirements name the goals they serve; overview readers see goals × requirements', async (t) => {
  const { app, d, inject, E } = await engagementWithGoals(t, ['One view of every customer', 'Quotes answered within a working day']);
  await d.addMember(E, 'u-chen', 'consultant');
  await d.addMember(E, 'u-li', 'stakeholder');
  await d.advance(E, 'business-survey');
  const interview = await d.schedule(E);
  await d.conduct(interview.id);
  const findingId = (await d.finding(interview.id))['findingId'] as string;
  const capture = (title: string, goalIds?: string[]) =>
    inject(`/engagements/${E}/requirements`, users.consultant, {
      title,
      description: `${title}, as the interview found.`,
      category: 'sales',
      departments: ['Sales'],
      sources: [{ interviewId: interview.id, findingId }],
      ...(goalIds ? { goalIds } : {}),
    });

  const unknown = await capture('Credit check', ['no-such-goal']);
  t.match(unknown.json(), { status: 409, code: 'goal-not-found' });
  const served = await capture('Credit check', [`${E}:goal-2`]);
  t.equal(served.statusCode, 201);
  const loose = await capture('Birthday greetings');
  const revised = await inject(`/requirements/${loose.json().id}/revise`, users.consultant, { goalIds: [`${E}:goal-1`], reason: 'greetings keep customers' });
  t.equal(revised.statusCode, 200);
  const unserved = await capture('Fax orders');

  const matrix = await app.inject({
    method: 'GET',
    url: `/engagements/${E}/goal-matrix`,
    headers: { ...users.interviewee, 'x-min-position': unserved.json().position },
  });
  t.equal(matrix.statusCode, 200, 'a stakeholder of the team sees it, like the backlog');
  t.strictSame(matrix.json(), {
    goals: [
      { goalId: `${E}:goal-1`, text: 'One view of every customer', requirements: [{ requirementId: loose.json().id, title: 'Birthday greetings', status: 'captured' }] },
      { goalId: `${E}:goal-2`, text: 'Quotes answered within a working day', requirements: [{ requirementId: served.json().id, title: 'Credit check', status: 'captured' }] },
    ],
    unservedGoalIds: [],
    requirementsServingNoGoal: [{ requirementId: unserved.json().id, title: 'Fax orders', status: 'captured' }],
  });
  await d.prioritize(served.json().id);
  const acceptance = await inject(`/requirements/${served.json().id}/accept`, users.pm, { targetPhase: 'system-deployment' });
  const progress = await app.inject({
    method: 'GET',
    url: `/engagements/${E}/progress`,
    headers: { ...users.interviewee, 'x-min-position': acceptance.json().position },
  });
  t.match(progress.json().complexity, { functions: 1, departments: ['Sales'], acceptedRequirements: [{ requirementId: served.json().id, departments: ['Sales'] }] }, 'the progress shows the complexity with its inputs');

  const outsider = await app.inject({ method: 'GET', url: `/engagements/${E}/goal-matrix`, headers: users.otherStakeholder });
  t.equal(outsider.statusCode, 404, 'outside the team it does not exist');
});
