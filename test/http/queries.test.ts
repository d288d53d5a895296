import t from 'tap';
import { discovery, steppingClock, testApp, users } from '../support/http.js';

const get = async (app: Awaited<ReturnType<typeof testApp>>['app'], url: string, headers: Record<string, string> = users.pmo) => {
  const response = await app.inject({ method: 'GET', url, headers });
  return { status: response.statusCode, body: response.statusCode === 200 && String(response.headers['content-type']).includes('json') ? response.json() : response.body, headers: response.headers };
};

const prioritize = (d: ReturnType<typeof discovery>, id: string, inputs: { frequency: number; lossIfMismanaged: number; urgency: number; fundSafety?: boolean; stakeholderConcern?: boolean }) =>
  d.post(`/requirements/${id}/prioritize`, users.pm, { fundSafety: false, stakeholderConcern: false, rationale: 'workshop', ...inputs });

t.test('the read side answers what the write side decided', async (t) => {
  const { app } = await testApp({ clock: steppingClock() });
  t.teardown(() => app.close());
  const d = discovery(app);
  const engagement = await d.startEngagement();
  await d.post(`/engagements/${engagement.id}/readiness`, users.pm, { item: 'funding-secured', status: 'met', evidence: 'budget approved' });
  await d.advance(engagement.id, 'business-survey');
  const interview = await d.schedule(engagement.id);
  await d.conduct(interview.id);
  const finding = await d.finding(interview.id);
  const findingId = finding['findingId'] as string;
  const draft = await d.draft(interview.id, [findingId]);
  await d.send(interview.id);
  const confirmed = await d.confirm(interview.id, 1);
  const sources = [{ interviewId: interview.id, findingId }];
  const requirement = await d.capture(engagement.id, sources);
  const last = await d.prioritize(requirement.id);
  const fresh = { ...users.pmo, 'x-min-position': last.position };

  const engagementDoc = await get(app, `/engagements/${engagement.id}`, fresh);
  t.equal(engagementDoc.status, 200);
  t.match(engagementDoc.body, { id: engagement.id, name: 'CRM for Acme', client: 'Acme Trading', sponsor: { name: 'Zhang San' }, currentPhase: 'business-survey' });
  t.match(engagementDoc.body.readiness.find((r: { item: string }) => r.item === 'funding-secured'), { status: 'met', evidence: 'budget approved' });

  const progress = await get(app, `/engagements/${engagement.id}/progress`, fresh);
  t.match(progress.body.phases.slice(0, 3), [
    { phase: 'concept-introduction', status: 'completed' },
    { phase: 'business-survey', status: 'active' },
    { phase: 'process-solidification', status: 'pending' },
  ]);
  t.match(progress.body.survey, { findings: 1 });

  const interviewDoc = await get(app, `/interviews/${interview.id}`, fresh);
  t.match(interviewDoc.body, {
    status: 'confirmed',
    findings: [{ findingId, section: 'workflow' }],
    summaries: [{ summaryVersion: 1, summaryHash: draft['summaryHash'] }],
    confirmation: { summaryVersion: 1, summaryHash: draft['summaryHash'], confirmedBy: 'u-li' },
  });
  t.equal(confirmed.id, interview.id);
  const findingDoc = await get(app, `/interviews/${interview.id}/findings/${findingId}`, fresh);
  t.match(findingDoc.body, { findingId, text: 'quotes are approved by phone' });

  const schedule = await get(app, `/engagements/${engagement.id}/interviews?status=confirmed`, fresh);
  t.equal(schedule.body.items.length, 1);
  t.match(schedule.body.items[0], { id: interview.id, interviewee: { name: 'Li Na' }, status: 'confirmed' });
  t.notOk('findings' in schedule.body.items[0], 'the schedule lists interviews, not their records');
  t.same((await get(app, `/engagements/${engagement.id}/interviews?status=cancelled`, fresh)).body.items, []);

  const requirementDoc = await get(app, `/requirements/${requirement.id}`, fresh);
  t.match(requirementDoc.body, { id: requirement.id, sources, status: 'prioritized', priorityHistory: [{ score: 9 }] });

  for (const url of [`/engagements/nope`, `/engagements/nope/progress`, `/engagements/nope/backlog`, `/engagements/nope/audit`, `/interviews/nope`, `/requirements/nope`]) {
    const missing = await get(app, url);
    t.equal(missing.status, 404, url);
  }
  t.equal((await get(app, `/engagements/${engagement.id}`, {})).status, 401, 'reading needs a token');
});

t.test('the backlog: ranked by the 20/80 rule, filtered, paged, and as of any past instant', async (t) => {
  const clock = steppingClock();
  const { app } = await testApp({ clock });
  t.teardown(() => app.close());
  const d = discovery(app);
  const engagement = await d.startEngagement();
  const interview = await d.schedule(engagement.id);
  await d.conduct(interview.id);
  const finding = await d.finding(interview.id);
  const sources = [{ interviewId: interview.id, findingId: finding['findingId'] as string }];
  const ids: string[] = [];
  for (let i = 0; i < 10; i++) ids.push((await d.capture(engagement.id, sources)).id);
  // Scores 9, 8, … 1 for the first nine; the tenth stays unprioritized.
  for (let i = 0; i < 9; i++) await prioritize(d, ids[i]!, { frequency: Math.min(3, 9 - i), lossIfMismanaged: Math.max(0, Math.min(3, 6 - i)), urgency: Math.max(0, 3 - i) });
  const before = await prioritize(d, ids[8]!, { frequency: 0, lossIfMismanaged: 0, urgency: 0, stakeholderConcern: true });
  const fresh = { ...users.pmo, 'x-min-position': before.position };
  const snapshot = await get(app, `/engagements/${engagement.id}/backlog`, fresh);
  const asOfInstant = clock.between();
  t.equal(snapshot.status, 200);
  const items = snapshot.body.items as Array<{ id: string; tier: string | null; rank: number | null; score: number | null; status: string }>;
  t.equal(items.length, 10);
  t.match(items[0], { id: ids[0], score: 9, rank: 1, tier: 'vital-few' });
  t.match(items[1], { id: ids[1], rank: 2, tier: 'vital-few' }, 'ceil(20 % of 9) = 2 by rank');
  t.match(items.find((i) => i.id === ids[8]), { score: 3, tier: 'vital-few' }, 'the client cares: vital few whatever the rank');
  t.match(items.at(-1), { id: ids[9], rank: null, tier: null, score: null }, 'the unprioritized come last');
  t.same(items.filter((i) => i.tier === 'vital-few').map((i) => i.id), [ids[0], ids[1], ids[8]]);

  const vital = await get(app, `/engagements/${engagement.id}/backlog?tier=vital-few`);
  t.same(vital.body.items.map((i: { id: string }) => i.id), [ids[0], ids[1], ids[8]]);
  t.equal((await get(app, `/engagements/${engagement.id}/backlog?status=captured`)).body.items.length, 1);
  t.equal((await get(app, `/engagements/${engagement.id}/backlog?department=Finance`)).body.items.length, 10);
  t.equal((await get(app, `/engagements/${engagement.id}/backlog?department=Legal`)).body.items.length, 0);
  t.equal((await get(app, `/engagements/${engagement.id}/backlog?category=sales`)).body.items.length, 10);

  const paged: string[] = [];
  let cursor: string | null = null;
  do {
    const page: { status: number; body: { items: Array<{ id: string }>; nextCursor: string | null } } = await get(
      app,
      `/engagements/${engagement.id}/backlog?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
    );
    t.ok(page.body.items.length <= 3);
    paged.push(...page.body.items.map((i) => i.id));
    cursor = page.body.nextCursor;
  } while (cursor);
  t.same(paged, items.map((i) => i.id), 'pages add up to the whole backlog, in order');
  t.equal((await get(app, `/engagements/${engagement.id}/backlog?cursor=garbage`)).status, 400);
  t.equal((await get(app, `/engagements/${engagement.id}/backlog?limit=201`)).status, 400);
  t.equal((await get(app, `/engagements/${engagement.id}/backlog?tier=important`)).status, 400);

  // The backlog moves on …
  await d.post(`/requirements/${ids[0]}/reject`, users.pm, { reason: 'covered by ERP' });
  const later = await prioritize(d, ids[9]!, { frequency: 3, lossIfMismanaged: 3, urgency: 3, fundSafety: true });
  const now = await get(app, `/engagements/${engagement.id}/backlog`, { ...users.pmo, 'x-min-position': later.position });
  t.match(now.body.items[0], { id: ids[9], score: 12, rank: 1 });
  t.match(now.body.items.find((i: { id: string }) => i.id === ids[0]), { status: 'rejected', rank: null });
  // … and asOf shows it exactly as it stood.
  const asOf = await get(app, `/engagements/${engagement.id}/backlog?asOf=${encodeURIComponent(asOfInstant)}`);
  t.equal(asOf.status, 200);
  t.same(asOf.body, snapshot.body, 'asOf equals the live backlog at that instant');
  const beforeStart = await get(app, `/engagements/${engagement.id}/backlog?asOf=2000-01-01T00:00:00Z`);
  t.same(beforeStart.body, { items: [], nextCursor: null });
});

t.test('the audit trail: every decision, filterable, paged, and as CSV', async (t) => {
  const { app } = await testApp({ clock: steppingClock() });
  t.teardown(() => app.close());
  const d = discovery(app);
  const engagement = await d.startEngagement();
  await d.advance(engagement.id, 'business-survey');
  const interview = await d.schedule(engagement.id);
  await d.conduct(interview.id);
  const finding = await d.finding(interview.id);
  const draft = await d.draft(interview.id, [finding['findingId'] as string]);
  await d.send(interview.id);
  await d.confirm(interview.id, 1);
  const waived = await d.advance(engagement.id, 'process-solidification');
  const fresh = { ...users.pmo, 'x-min-position': waived.position };

  const trail = await get(app, `/engagements/${engagement.id}/audit`, fresh);
  t.equal(trail.status, 200);
  const entries = trail.body.entries;
  t.equal(entries.length, 11, 'one entry per event (the team too)');
  t.same(entries.map((e: { position: string }) => BigInt(e.position)), [...entries.map((e: { position: string }) => BigInt(e.position))].sort((a, b) => (a < b ? -1 : 1)), 'in log order');
  const confirmation = entries.find((e: { action: string }) => e.action === 'summary-confirmed');
  t.match(confirmation, {
    actor: { id: 'u-li', name: 'Li Na', roles: ['stakeholder'] },
    subject: { type: 'interview', id: interview.id },
    summaryVersion: 1,
    summaryHash: draft['summaryHash'],
    eventId: String,
    at: String,
  });
  t.match(entries.find((e: { action: string; changes: { phase?: { to: string } } }) => e.action === 'phase-advanced' && e.changes.phase?.to === 'process-solidification'), {
    changes: { phase: { from: 'business-survey', to: 'process-solidification' } },
  });

  const byActor = await get(app, `/engagements/${engagement.id}/audit?actor=u-li`);
  t.same(byActor.body.entries.map((e: { action: string }) => e.action), ['summary-confirmed']);
  const byAction = await get(app, `/engagements/${engagement.id}/audit?action=phase-advanced`);
  t.equal(byAction.body.entries.length, 2);
  const bySubject = await get(app, `/engagements/${engagement.id}/audit?subjectId=${interview.id}`);
  t.equal(bySubject.body.entries.length, 6, 'everything that happened to the interview');
  const from = entries[2].at;
  const to = entries[4].at;
  const window = await get(app, `/engagements/${engagement.id}/audit?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
  t.same(window.body.entries.map((e: { eventId: string }) => e.eventId), entries.slice(2, 5).map((e: { eventId: string }) => e.eventId));

  const paged: string[] = [];
  let cursor: string | null = null;
  do {
    const page: { body: { entries: Array<{ eventId: string }>; nextCursor: string | null } } = await get(
      app,
      `/engagements/${engagement.id}/audit?limit=4${cursor ? `&cursor=${cursor}` : ''}`,
    );
    paged.push(...page.body.entries.map((e) => e.eventId));
    cursor = page.body.nextCursor;
  } while (cursor);
  t.same(paged, entries.map((e: { eventId: string }) => e.eventId));

  for (const csv of [
    await app.inject({ method: 'GET', url: `/engagements/${engagement.id}/audit`, headers: { ...users.pmo, accept: 'text/csv' } }),
    await app.inject({ method: 'GET', url: `/engagements/${engagement.id}/audit?format=csv`, headers: users.pmo }),
  ]) {
    t.equal(csv.statusCode, 200);
    t.match(csv.headers['content-type'], /^text\/csv/);
    const lines = csv.body.trim().split('\n');
    t.match(lines[0], /^eventId,position,at,actorId,actorName,actorRoles,action,subjectType,subjectId,reason,changes,summaryVersion,summaryHash/);
    t.equal(lines.length, 12, 'a header and one row per entry');
    t.ok(lines.some((line) => line.includes('summary-confirmed') && line.includes(draft['summaryHash'] as string)), 'confirmations carry version and hash');
  }
});

t.test('read-your-writes waits a bounded time for lagging read models, then answers 503', async (t) => {
  const lagging = { waitFor: (_position: string, ms: number) => new Promise<void>((_, reject) => setTimeout(() => reject(new Error('not yet')), ms)) };
  const { app } = await testApp({ minPositionWaitMs: 200, readYourWrites: lagging });
  t.teardown(() => app.close());
  const engagement = await discovery(app).startEngagement();
  const started = Date.now();
  const behind = await get(app, `/engagements/${engagement.id}`, { ...users.pmo, 'x-min-position': engagement.position });
  t.equal(behind.status, 503);
  t.ok(Date.now() - started >= 200, 'after the wait');
  t.equal(behind.headers['retry-after'], '1');
  t.match(JSON.parse(behind.body as string), { code: 'unavailable' });
});

t.test('a position beyond the log’s head is refused at once, not after the wait', async (t) => {
  const { app, store } = await testApp({ minPositionWaitMs: 5_000 });
  t.teardown(() => app.close());
  const engagement = await discovery(app).startEngagement();
  const head = (await store.headPosition())!;
  for (const position of [String(BigInt(head) + 1n), '47691927811']) {
    const started = Date.now();
    const ahead = await get(app, `/engagements/${engagement.id}`, { ...users.pmo, 'x-min-position': position });
    t.ok(Date.now() - started < 1_000, `${position} answered without waiting`);
    t.equal(ahead.status, 409);
    t.match(ahead.headers['content-type'], /^application\/problem\+json/);
    t.notOk(ahead.headers['retry-after'], 'retrying will not help');
    t.match(JSON.parse(ahead.body as string), { code: 'position-not-reached', headPosition: head, detail: new RegExp(position) });
  }
  const unknownLink = await app.inject({ method: 'GET', url: `/confirmations/${'a'.repeat(60)}`, headers: { 'x-min-position': '47691927811' } });
  t.equal(unknownLink.statusCode, 409, 'confirmation pages refuse it the same way');
  const reached = await get(app, `/engagements/${engagement.id}`, { ...users.pmo, 'x-min-position': engagement.position });
  t.equal(reached.status, 200);
  t.equal((await get(app, `/engagements/${engagement.id}`, { ...users.pmo, 'x-min-position': 'soon' })).status, 400);
});

t.test('on an empty log any position but 0 is beyond the head, and 0 is always reached', async (t) => {
  const { app } = await testApp();
  t.teardown(() => app.close());
  t.equal((await get(app, '/engagements', { ...users.admin, 'x-min-position': '1' })).status, 409);
  t.equal((await get(app, '/engagements', { ...users.admin, 'x-min-position': '0' })).status, 200);
});

t.test('an admin rebuilds a read model while it keeps answering, and the rebuild equals it', async (t) => {
  const { app } = await testApp();
  t.teardown(() => app.close());
  const d = discovery(app);
  const engagement = await d.startEngagement();
  const interview = await d.schedule(engagement.id);
  await d.conduct(interview.id);
  const finding = await d.finding(interview.id);
  const sources = [{ interviewId: interview.id, findingId: finding['findingId'] as string }];
  for (let i = 0; i < 5; i++) await d.prioritize((await d.capture(engagement.id, sources)).id);
  const last = await d.post(`/engagements/${engagement.id}/readiness`, users.pm, { item: 'environment-ready', status: 'not-met' });
  const fresh = { ...users.pmo, 'x-min-position': last.position };
  const before = await get(app, `/engagements/${engagement.id}/backlog`, fresh);
  const auditBefore = await get(app, `/engagements/${engagement.id}/audit?limit=200`, fresh);

  const [rebuilt, during] = await Promise.all([
    app.inject({ method: 'POST', url: '/projections/requirement-backlog/rebuild', headers: users.admin }),
    get(app, `/engagements/${engagement.id}/backlog`),
  ]);
  t.equal(rebuilt.statusCode, 200);
  t.same(during.body, before.body, 'answered meanwhile');
  t.same((await get(app, `/engagements/${engagement.id}/backlog`)).body, before.body, 'the rebuilt backlog equals the one built event by event');
  const auditRebuild = await app.inject({ method: 'POST', url: '/projections/audit-trail/rebuild', headers: users.admin });
  t.equal(auditRebuild.statusCode, 200);
  t.same((await get(app, `/engagements/${engagement.id}/audit?limit=200`)).body, auditBefore.body);

  t.equal((await app.inject({ method: 'POST', url: '/projections/requirement-backlog/rebuild', headers: users.pm })).statusCode, 403);
  t.equal((await app.inject({ method: 'POST', url: '/projections/nothing/rebuild', headers: users.admin })).statusCode, 400);
});
