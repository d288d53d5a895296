import t from 'tap';
import { discovery, eventsOf, testApp, users } from '../support/http.js';

t.test('a whole discovery through the write side', async (t) => {
  const { app, store } = await testApp();
  t.teardown(() => app.close());
  const d = discovery(app);

  const started = await app.inject({
    method: 'POST',
    url: '/engagements',
    headers: { ...users.pm, 'x-correlation-id': 'kick-off-42' },
    payload: { name: 'CRM for Acme', client: 'Acme Trading', sponsor: { name: 'Zhang San', title: 'CEO' }, goals: ['one customer view'] },
  });
  t.equal(started.statusCode, 201);
  const engagement = started.json();
  // EngagementStarted and the starter joining the team as its first pm: versions 0 and 1.
  t.match(engagement, { id: String, version: 1, position: String });
  t.equal(started.headers['location'], `/engagements/${engagement.id}`);
  t.equal(started.headers['etag'], '"1"');
  t.equal(started.headers['x-correlation-id'], 'kick-off-42');
  const [startedEvent, joined] = await eventsOf(store, `engagement-${engagement.id}`);
  t.match(joined, { type: 'MemberAdded', data: { userId: 'u-pat', name: 'Pat Lee', role: 'pm' }, actor: { id: 'u-pat' } });
  t.match(startedEvent, {
    type: 'EngagementStarted',
    actor: { id: 'u-pat', name: 'Pat Lee', roles: ['pm'] },
    correlationId: 'kick-off-42',
    engagementId: engagement.id,
    data: { name: 'CRM for Acme', goals: ['one customer view'], successCriteria: [] },
  });

  const team = await d.post(`/engagements/${engagement.id}/members`, users.pm, { userId: 'u-chen', name: 'Chen Wei', role: 'consultant' });
  t.match(team, { id: engagement.id, version: 2 });
  const readiness = await d.post(`/engagements/${engagement.id}/readiness`, users.pm, { item: 'funding-secured', status: 'met', evidence: 'budget approved' });
  t.match(readiness, { id: engagement.id, version: 3 });
  await d.advance(engagement.id, 'business-survey');

  const interview = await d.schedule(engagement.id);
  t.match(interview, { id: String, version: 0 });
  const rescheduled = await d.post(`/interviews/${interview.id}/reschedule`, users.consultant, {
    scheduledAt: '2026-03-06T10:00:00+08:00',
    reason: 'manager travelling',
  });
  t.equal(rescheduled.version, 1);
  await d.conduct(interview.id);

  const findingResponse = await app.inject({
    method: 'POST',
    url: `/interviews/${interview.id}/findings`,
    headers: users.consultant,
    payload: { section: 'workflow', text: 'quotes are approved by phone', pain: 3, frequency: 'daily' },
  });
  t.equal(findingResponse.statusCode, 201);
  const finding = findingResponse.json();
  t.match(finding, { id: interview.id, version: 3, findingId: String });
  t.equal(findingResponse.headers['location'], `/interviews/${interview.id}/findings/${finding.findingId}`);

  const draft = await d.draft(interview.id, [finding.findingId]);
  t.match(draft, { summaryVersion: 1, summaryHash: /^[0-9a-f]{64}$/ });
  const sent = await d.send(interview.id);
  t.match(sent, { summaryVersion: 1, summaryHash: draft['summaryHash'] });
  const confirmed = await d.post(`/interviews/${interview.id}/summary/confirm`, users.interviewee, {
    summaryVersion: 1,
    summaryHash: draft['summaryHash'],
  });
  t.match(confirmed, { id: interview.id, summaryVersion: 1 });
  const confirmation = (await eventsOf(store, `interview-${interview.id}`)).at(-1);
  t.match(confirmation, {
    type: 'SummaryConfirmed',
    actor: { id: 'u-li', roles: ['stakeholder'] },
    data: { summaryVersion: 1, summaryHash: draft['summaryHash'], confirmedBy: 'u-li' },
  });

  const captured = await app.inject({
    method: 'POST',
    url: `/engagements/${engagement.id}/requirements`,
    headers: users.consultant,
    payload: {
      title: 'Credit limit check on quotes',
      description: 'A quote above the credit limit needs finance approval.',
      category: 'sales',
      departments: ['Sales', 'Finance'],
      sources: [{ interviewId: interview.id, findingId: finding.findingId }],
    },
  });
  t.equal(captured.statusCode, 201);
  const requirement = captured.json();
  t.equal(captured.headers['location'], `/requirements/${requirement.id}`);
  const revised = await d.post(`/requirements/${requirement.id}/revise`, users.consultant, { title: 'Credit check on every quote', reason: 'finance' });
  t.equal(revised.version, 1);
  const prioritized = await d.prioritize(requirement.id);
  t.match(prioritized, { version: 2, score: 9 });

  const gate = await app.inject({ method: 'POST', url: `/engagements/${engagement.id}/phase/advance`, headers: users.pm, payload: { to: 'process-solidification' } });
  t.equal(gate.statusCode, 200, 'every interview confirmed and requirement prioritized: the gate opens');

  const accepted = await d.post(`/requirements/${requirement.id}/accept`, users.pm, { targetPhase: 'system-deployment', reason: 'core' });
  t.equal(accepted.version, 3);
  const deferred = await d.post(`/requirements/${requirement.id}/defer`, users.pm, { reason: 'budget cut' });
  t.equal(deferred.version, 4);
  const rejected = await d.post(`/requirements/${requirement.id}/reject`, users.pm, { reason: 'covered by ERP' });
  t.equal(rejected.version, 5);

  t.ok(BigInt(rejected.position) > BigInt(engagement.position), 'positions grow along the log');
});

t.test('cancelling an interview', async (t) => {
  const { app } = await testApp();
  t.teardown(() => app.close());
  const d = discovery(app);
  const engagement = await d.startEngagement();
  const interview = await d.schedule(engagement.id);
  const cancelled = await d.post(`/interviews/${interview.id}/cancel`, users.consultant, { reason: 'left the company' });
  t.equal(cancelled.version, 1);
  const again = await app.inject({ method: 'POST', url: `/interviews/${interview.id}/cancel`, headers: users.consultant, payload: { reason: 'x' } });
  t.equal(again.statusCode, 409);
  t.equal(again.json().code, 'interview-cancelled');
});

t.test('a revision request and a second round', async (t) => {
  const { app } = await testApp();
  t.teardown(() => app.close());
  const d = discovery(app);
  const engagement = await d.startEngagement();
  const interview = await d.schedule(engagement.id);
  await d.conduct(interview.id);
  const finding = await d.finding(interview.id);
  await d.draft(interview.id, [finding['findingId'] as string]);
  await d.send(interview.id);
  const revision = await d.post(`/interviews/${interview.id}/summary/request-revision`, users.interviewee, {
    summaryVersion: 1,
    comments: 'the export step is missing',
  });
  t.equal(revision.version, 5);
  const second = await d.draft(interview.id, [finding['findingId'] as string], 'Sales approves quotes by phone, then exports them.');
  t.equal(second['summaryVersion'], 2);
  await d.send(interview.id);
  const stale = await app.inject({
    method: 'POST',
    url: `/interviews/${interview.id}/summary/confirm`,
    headers: users.interviewee,
    payload: { summaryVersion: 1 },
  });
  t.equal(stale.statusCode, 409);
  t.match(stale.json(), { code: 'summary-version-mismatch', details: { awaitingVersion: 2 } });
  t.match(await d.confirm(interview.id, 2), { summaryVersion: 2 });
});

t.test('the business-survey gate and its waiver', async (t) => {
  const { app, store } = await testApp();
  t.teardown(() => app.close());
  const d = discovery(app);
  const engagement = await d.startEngagement();
  await d.advance(engagement.id, 'business-survey');
  const interview = await d.schedule(engagement.id);

  const refused = await app.inject({
    method: 'POST',
    url: `/engagements/${engagement.id}/phase/advance`,
    headers: users.pm,
    payload: { to: 'process-solidification' },
  });
  t.equal(refused.statusCode, 409);
  t.match(refused.headers['content-type'], /^application\/problem\+json/);
  t.match(refused.json(), {
    code: 'gate-not-satisfied',
    status: 409,
    details: { unmetConditions: [{ rule: 'interview-not-confirmed', subjectId: interview.id }] },
  });

  const skipped = await app.inject({ method: 'POST', url: `/engagements/${engagement.id}/phase/advance`, headers: users.pm, payload: { to: 'go-live' } });
  t.equal(skipped.json().code, 'phase-not-next');

  const waived = await d.advance(engagement.id, 'process-solidification', 'sponsor accepts the open interview');
  t.equal(waived.version, 4, 'started, two members, advanced twice');
  const event = (await eventsOf(store, `engagement-${engagement.id}`)).at(-1);
  t.match(event?.data, { waiver: { reason: 'sponsor accepts the open interview', unmetConditions: [{ subjectId: interview.id }] } });
});

t.test('requirements trace to findings that exist in the same engagement', async (t) => {
  const { app } = await testApp();
  t.teardown(() => app.close());
  const d = discovery(app);
  const engagement = await d.startEngagement();
  const other = await d.startEngagement();
  const interview = await d.schedule(other.id);
  await d.conduct(interview.id);
  const finding = await d.finding(interview.id);
  const capture = (sources: object[]) =>
    app.inject({
      method: 'POST',
      url: `/engagements/${engagement.id}/requirements`,
      headers: users.consultant,
      payload: { title: 'T', description: 'D', category: 'sales', departments: ['Sales'], sources },
    });
  const elsewhere = await capture([{ interviewId: interview.id, findingId: finding['findingId'] }]);
  t.equal(elsewhere.statusCode, 409);
  t.equal(elsewhere.json().code, 'source-in-other-engagement');
  const missing = await capture([{ interviewId: interview.id, findingId: 'no-such-finding' }]);
  t.equal(missing.json().code, 'source-not-found');
  const noEngagement = await app.inject({
    method: 'POST',
    url: '/engagements/nope/requirements',
    headers: users.consultant,
    payload: { title: 'T', description: 'D', category: 'sales', departments: ['Sales'], sources: [{ interviewId: interview.id, findingId: finding['findingId'] }] },
  });
  t.equal(noEngagement.statusCode, 404);
  t.equal(noEngagement.json().code, 'not-found');
});

t.test('twenty findings recorded in parallel on one interview all succeed', async (t) => {
  const { app, store } = await testApp();
  t.teardown(() => app.close());
  const d = discovery(app);
  const engagement = await d.startEngagement();
  const interview = await d.schedule(engagement.id);
  await d.conduct(interview.id);
  const responses = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      app.inject({
        method: 'POST',
        url: `/interviews/${interview.id}/findings`,
        headers: users.consultant,
        payload: { section: 'workflow', text: `observation ${i}` },
      }),
    ),
  );
  t.same(responses.map((r) => r.statusCode), Array(20).fill(201));
  t.equal(new Set(responses.map((r) => r.json().findingId)).size, 20, 'twenty distinct findings');
  t.same([...new Set(responses.map((r) => r.json().version))].sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i + 2));
  const recorded = (await eventsOf(store, `interview-${interview.id}`)).filter((e) => e.type === 'FindingRecorded');
  t.same(recorded.map((e) => (e.data as { text: string }).text).sort(), Array.from({ length: 20 }, (_, i) => `observation ${i}`).sort(), 'none lost');
});
