import t from 'tap';
import { discovery, scheduleBody, testApp, users } from '../support/http.js';

t.test('who has not been heard: in the progress, and as a condition of leaving the business survey', async (t) => {
  const { app } = await testApp();
  t.teardown(() => app.close());
  const d = discovery(app);
  const inject = (url: string, headers: Record<string, string>, payload: object) => app.inject({ method: 'POST', url, headers, payload });
  const E = (await d.startEngagement()).id;
  await d.post(`/engagements/${E}/members`, users.pm, { userId: 'u-wang', name: 'Wang Fang', role: 'stakeholder', department: 'Finance' });
  await d.addMember(E, 'u-li', 'stakeholder');
  await d.advance(E, 'business-survey');

  const choice = await inject(`/engagements/${E}/gate-conditions`, users.pm, {
    phase: 'business-survey',
    require: ['departments-heard'],
    reason: 'Finance must be heard before the processes are fixed',
  });
  t.equal(choice.statusCode, 200);
  t.match((await inject(`/engagements/${E}/gate-conditions`, users.pm, { phase: 'business-survey', require: ['departments-heard'], reason: 'again' })).json(), {
    status: 409,
    code: 'revision-changes-nothing',
  });

  // Li Na of Sales is interviewed and confirms; the requirement names Sales and Finance.
  const interview = await d.schedule(E);
  await d.conduct(interview.id);
  const findingId = (await d.finding(interview.id))['findingId'] as string;
  const draft = await d.draft(interview.id, [findingId]);
  await d.send(interview.id);
  await d.confirm(interview.id, draft['summaryVersion'] as number);
  const requirement = await d.capture(E, [{ interviewId: interview.id, findingId }]);
  const prioritized = await d.prioritize(requirement.id);

  const progress = await app.inject({
    method: 'GET',
    url: `/engagements/${E}/progress`,
    headers: { ...users.interviewee, 'x-min-position': prioritized.position },
  });
  t.equal(progress.statusCode, 200, 'everyone who reads the progress sees who has not been heard');
  t.match(progress.json(), {
    gateOptions: [{ phase: 'business-survey', require: ['departments-heard'] }],
    hearing: {
      notHeard: ['Finance'],
      departments: [
        { department: 'Finance', namedBy: { members: ['u-wang'], interviews: [], requirements: [requirement.id] }, heard: false },
        { department: scheduleBody().interviewee.department, namedBy: { interviews: [interview.id], requirements: [requirement.id] }, confirmed: [interview.id], heard: true },
      ],
    },
  });

  const refused = await inject(`/engagements/${E}/phase/advance`, users.pm, { to: 'process-solidification' });
  t.match(refused.json(), {
    status: 409,
    code: 'gate-not-satisfied',
    details: { unmetConditions: [{ rule: 'department-not-heard', subjectId: 'Finance' }] },
  }, 'the gate lists the departments not heard');
  const waived = await inject(`/engagements/${E}/phase/advance`, users.pm, { to: 'process-solidification', waiverReason: 'Finance joins the process workshops' });
  t.equal(waived.statusCode, 200, 'a waiver passes it as any other condition');
  const after = await app.inject({ method: 'GET', url: `/engagements/${E}/progress`, headers: { ...users.pm, 'x-min-position': waived.json().position } });
  t.match(after.json().phases[1], { waiver: { reason: 'Finance joins the process workshops', unmetConditions: [{ rule: 'department-not-heard', subjectId: 'Finance' }] } });
  t.match((await inject(`/engagements/${E}/gate-conditions`, users.pm, { phase: 'business-survey', require: [], reason: 'too late' })).json(), {
    status: 409,
    code: 'gate-already-passed',
  });
});

t.test('gate conditions: the pm chooses them, and only options of that phase', async (t) => {
  const { app } = await testApp();
  t.teardown(() => app.close());
  const d = discovery(app);
  const inject = (url: string, headers: Record<string, string>, payload: object) => app.inject({ method: 'POST', url, headers, payload });
  const E = (await d.startEngagement()).id;
  const body = { phase: 'business-survey', require: ['departments-heard'], reason: 'hear everyone' };
  t.match((await inject(`/engagements/${E}/gate-conditions`, users.consultant, body)).json(), { status: 403, code: 'forbidden' });
  const wrongPhase = await inject(`/engagements/${E}/gate-conditions`, users.pm, { ...body, phase: 'system-deployment' });
  t.match(wrongPhase.json(), { status: 400, code: 'validation-failed', errors: [{ message: /departments-heard gates leaving business-survey/ }] });
  t.equal((await inject(`/engagements/${E}/gate-conditions`, users.pm, { ...body, require: ['everyone-happy'] })).statusCode, 400);
  t.equal((await inject(`/engagements/${E}/gate-conditions`, users.pm, { ...body, require: ['departments-heard', 'departments-heard'] })).statusCode, 400);
  t.equal((await inject(`/engagements/${E}/gate-conditions`, users.pm, { phase: 'business-survey', require: [] })).statusCode, 400, 'a reason is required');
});
