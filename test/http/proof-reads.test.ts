import t from 'tap';
import { discovery, steppingClock, testApp, users } from '../support/http.js';

type Inputs = { frequency: number; lossIfMismanaged: number; urgency: number; fundSafety?: boolean; stakeholderConcern?: boolean };

/**
 * A small engagement built by commands at known instants:
 * - before T1: requirements A–E captured; C (3+2+2 = 7), B (2+2+2 = 6) and D (1+1+1 = 3)
 *   prioritized. Three ranked, ceil(3/5) = 1 vital: C is the vital few by rank alone.
 * - between T1 and T2: A is prioritized 3+3+2 = 8 and takes rank 1; with four ranked the count is
 *   still ceil(4/5) = 1, so C (rank 2) drops to the trivial many without any change of its own.
 *   E is prioritized 0+0+1 + 3·fund safety = 4 (rank 4 of A 8, C 7, B 6, E 4, D 3, vital by fund
 *   safety); B is accepted; Li confirms her summary; funding is recorded met; the survey is left
 *   with a waiver (the second interview is unconfirmed); Olga joins as observer; D is revised.
 * - after T2: F is captured and prioritized 0: six ranked, ceil(6/5) = 2 vital, so C (rank 2) is
 *   back in the vital few; then C's urgency is raised to 3 (score 8, equal to A's; A was
 *   prioritized earlier and keeps rank 1).
 */
const buildEngagement = async () => {
  const clock = steppingClock();
  const { app } = await testApp({ clock });
  const d = discovery(app);
  const prioritize = (id: string, inputs: Inputs, rationale = 'workshop') =>
    d.post(`/requirements/${id}/prioritize`, users.pm, { fundSafety: false, stakeholderConcern: false, rationale, ...inputs });
  const engagement = await d.startEngagement();
  await d.advance(engagement.id, 'business-survey');
  const interview = await d.schedule(engagement.id);
  await d.conduct(interview.id);
  const findingId = (await d.finding(interview.id))['findingId'] as string;
  const summaryHash = (await d.draft(interview.id, [findingId]))['summaryHash'] as string;
  await d.send(interview.id);
  const unconfirmed = await d.schedule(engagement.id, 'u-wang');
  const sources = [{ interviewId: interview.id, findingId }];
  const ids: Record<'A' | 'B' | 'C' | 'D' | 'E', string> = { A: '', B: '', C: '', D: '', E: '' };
  for (const name of ['A', 'B', 'C', 'D', 'E'] as const) ids[name] = (await d.capture(engagement.id, sources)).id;
  const cFirst = await prioritize(ids.C, { frequency: 3, lossIfMismanaged: 2, urgency: 2 }, 'quotes wait for the manager every day');
  await prioritize(ids.B, { frequency: 2, lossIfMismanaged: 2, urgency: 2 });
  await prioritize(ids.D, { frequency: 1, lossIfMismanaged: 1, urgency: 1 });
  const t1 = clock.between();

  const aPrioritized = await prioritize(ids.A, { frequency: 3, lossIfMismanaged: 3, urgency: 2 });
  const ePrioritized = await prioritize(ids.E, { frequency: 0, lossIfMismanaged: 0, urgency: 1, fundSafety: true });
  const bAccepted = await d.post(`/requirements/${ids.B}/accept`, users.pm, { targetPhase: 'system-deployment', reason: 'needed for go-live' });
  const confirmed = await d.confirm(interview.id, 1);
  const readiness = await d.post(`/engagements/${engagement.id}/readiness`, users.pm, { item: 'funding-secured', status: 'met', evidence: 'budget approved' });
  const waived = await d.advance(engagement.id, 'process-solidification', 'Wang confirms by mail next week');
  const joined = await d.addMember(engagement.id, 'u-olga', 'observer', 'Olga');
  const revised = await d.post(`/requirements/${ids.D}/revise`, users.consultant, { title: 'Credit check on every quote', reason: 'wording' });
  const t2 = clock.between();

  const f = await d.capture(engagement.id, sources);
  const fPrioritized = await prioritize(f.id, { frequency: 0, lossIfMismanaged: 0, urgency: 0 });
  const cAgain = await prioritize(ids.C, { frequency: 3, lossIfMismanaged: 2, urgency: 3 }, 'the client escalated');
  return {
    app, engagementId: engagement.id, interviewId: interview.id, summaryHash, unconfirmedId: unconfirmed.id, ids, t1, t2,
    positions: { f, cFirst, aPrioritized, ePrioritized, bAccepted, confirmed, readiness, waived, joined, revised, fPrioritized, cAgain },
    fresh: { ...users.pmo, 'x-min-position': cAgain.position },
  };
};

const get = async (app: Awaited<ReturnType<typeof testApp>>['app'], url: string, headers: Record<string, string>) => {
  const response = await app.inject({ method: 'GET', url, headers });
  return { status: response.statusCode, body: response.json() };
};

t.test('changes between two instants: exactly what happened, each with the events behind it', async (t) => {
  const w = await buildEngagement();
  t.teardown(() => w.app.close());
  const { ids, positions: p } = w;
  const answer = await get(w.app, `/engagements/${w.engagementId}/changes?from=${encodeURIComponent(w.t1)}&to=${encodeURIComponent(w.t2)}`, w.fresh);
  t.equal(answer.status, 200);
  t.equal(answer.body.from, w.t1);
  t.equal(answer.body.to, w.t2);
  const summary = answer.body.changes.map((c: { kind: string; events: Array<{ position: string }> } & Record<string, unknown>) => {
    const { events, ...rest } = c;
    return { ...rest, positions: events.map((e) => e.position) };
  });
  const title = 'Credit limit check on quotes';
  t.same(summary, [
    { kind: 'requirement-rescored', requirementId: ids.A, title, score: { from: null, to: 8 }, positions: [p.aPrioritized.position] },
    { kind: 'requirement-retiered', requirementId: ids.A, title, tier: { from: null, to: 'vital-few' }, rank: { from: null, to: 1 }, positions: [p.aPrioritized.position] },
    // C changed nothing of its own: A's prioritization pushed it out of the vital few.
    { kind: 'requirement-retiered', requirementId: ids.C, title, tier: { from: 'vital-few', to: 'trivial-many' }, rank: { from: 1, to: 2 }, positions: [p.aPrioritized.position] },
    { kind: 'requirement-rescored', requirementId: ids.E, title, score: { from: null, to: 4 }, positions: [p.ePrioritized.position] },
    { kind: 'requirement-retiered', requirementId: ids.E, title, tier: { from: null, to: 'vital-few' }, rank: { from: null, to: 4 }, positions: [p.ePrioritized.position] },
    { kind: 'requirement-decided', requirementId: ids.B, title, status: { from: 'prioritized', to: 'accepted' }, positions: [p.bAccepted.position] },
    { kind: 'summary-confirmed', interviewId: w.interviewId, summaryVersion: 1, summaryHash: w.summaryHash, positions: [p.confirmed.position] },
    { kind: 'readiness-recorded', item: 'funding-secured', status: { from: null, to: 'met' }, positions: [p.readiness.position] },
    {
      kind: 'phase-advanced',
      phase: { from: 'business-survey', to: 'process-solidification' },
      waiver: { reason: 'Wang confirms by mail next week', unmetConditions: [{ rule: 'interview-not-confirmed', subjectId: w.unconfirmedId }] },
      positions: [p.waived.position],
    },
    { kind: 'member-added', userId: 'u-olga', name: 'Olga', role: { from: null, to: 'observer' }, positions: [p.joined.position] },
    { kind: 'requirement-revised', requirementId: ids.D, title: 'Credit check on every quote', fields: ['title'], positions: [p.revised.position] },
  ]);
  t.match(answer.body.changes[0].events[0], { type: 'RequirementPrioritized', actor: { id: 'u-pat', name: 'Pat Lee' }, subjectId: ids.A });
  t.match(answer.body.changes[2].events[0], { type: 'RequirementPrioritized', subjectId: ids.A }, 'the event behind C’s new tier is on A');
  t.match(answer.body.changes[6].events[0], { type: 'SummaryConfirmed', actor: { id: 'u-li' } });

  const later = await get(w.app, `/engagements/${w.engagementId}/changes?from=${encodeURIComponent(w.t2)}`, w.fresh);
  t.equal(later.status, 200, '`to` defaults to now');
  t.same(
    later.body.changes.map((c: { kind: string; requirementId?: string }) => [c.kind, c.requirementId]),
    [
      ['requirement-added', p.f.id],
      ['requirement-rescored', p.f.id],
      ['requirement-retiered', p.f.id],
      // F's prioritization made six ranked: two vital, and C is back among them.
      ['requirement-retiered', ids.C],
      ['requirement-rescored', ids.C],
    ],
  );
  t.match(later.body.changes[3], { tier: { from: 'trivial-many', to: 'vital-few' }, rank: { from: 2, to: 2 }, events: [{ position: p.fPrioritized.position }] });
  t.match(later.body.changes[4], { score: { from: 7, to: 8 }, events: [{ position: p.cAgain.position }] });

  const quiet = await get(w.app, `/engagements/${w.engagementId}/changes?from=2000-01-01T00:00:00Z&to=2000-01-02T00:00:00Z`, w.fresh);
  t.same(quiet.body.changes, [], 'nothing happened before the engagement');
});

t.test('changes: a window that does not open before it closes is a clear 400', async (t) => {
  const w = await buildEngagement();
  t.teardown(() => w.app.close());
  for (const query of [`from=${w.t2}&to=${w.t1}`, `from=${w.t1}&to=${w.t1}`]) {
    const answer = await get(w.app, `/engagements/${w.engagementId}/changes?${query.replaceAll('+', '%2B')}`, w.fresh);
    t.equal(answer.status, 400, query);
    t.match(answer.body, { code: 'validation-failed', detail: /must be before/, errors: [{ in: 'querystring', path: '/from' }] });
  }
  for (const query of ['', 'from=yesterday', `from=${w.t1}&extra=1`]) {
    const answer = await get(w.app, `/engagements/${w.engagementId}/changes?${query}`, w.fresh);
    t.equal(answer.status, 400, query || 'no from');
    t.equal(answer.body.code, 'validation-failed');
  }
  t.equal((await get(w.app, `/engagements/nope/changes?from=${w.t1}`, w.fresh)).status, 404);
  t.equal((await get(w.app, `/engagements/${w.engagementId}/changes?from=${w.t1}`, {})).status, 401);
});

t.test('why this rank: a requirement pushed out of the vital few by others, and back in', async (t) => {
  const w = await buildEngagement();
  t.teardown(() => w.app.close());
  const { ids, positions: p } = w;
  const url = (asOf?: string) => `/requirements/${ids.C}/priority/explanation${asOf ? `?asOf=${encodeURIComponent(asOf)}` : ''}`;

  const atT2 = await get(w.app, url(w.t2), w.fresh);
  t.equal(atT2.status, 200);
  const setByFirst = { position: p.cFirst.position, type: 'RequirementPrioritized', actor: { id: 'u-pat' }, subjectId: ids.C };
  t.match(atT2.body, {
    requirementId: ids.C,
    engagementId: w.engagementId,
    asOf: w.t2,
    status: 'prioritized',
    priority: {
      formulaVersion: 1,
      // 3·1 + 2·1 + 2·1 + 0·3 + 0·3 = 7
      terms: [
        { input: 'frequency', value: 3, weight: 1, points: 3, setBy: setByFirst },
        { input: 'lossIfMismanaged', value: 2, weight: 1, points: 2, setBy: setByFirst },
        { input: 'urgency', value: 2, weight: 1, points: 2, setBy: setByFirst },
        { input: 'fundSafety', value: 0, weight: 3, points: 0, setBy: setByFirst },
        { input: 'stakeholderConcern', value: 0, weight: 3, points: 0, setBy: setByFirst },
      ],
      score: 7,
      rationale: 'quotes wait for the manager every day',
      prioritizedBy: setByFirst,
    },
    // Ranked: A 8, C 7, B 6 (accepted still ranks), E 4, D 3 → five; ceil(5/5) = 1 vital by rank;
    // the cut-off is A's 8, and C at rank 2 is beyond it (E is vital by fund safety, not by rank).
    ranking: { rank: 2, tier: 'trivial-many', tierReason: 'beyond-vital-few-count', ranked: 5, vitalFewCount: 1, cutOffScore: 8 },
  });
  t.same(
    atT2.body.moves.map((m: { event: { position: string; subjectId: string }; tier: unknown; rank: unknown }) => [m.event.position, m.event.subjectId, m.tier, m.rank]),
    [
      [p.cFirst.position, ids.C, { from: null, to: 'vital-few' }, { from: null, to: 1 }],
      [p.aPrioritized.position, ids.A, { from: 'vital-few', to: 'trivial-many' }, { from: 1, to: 2 }],
    ],
    'C entered the vital few by its own prioritization and left it by A’s',
  );

  const now = await get(w.app, url(), w.fresh);
  t.equal(now.status, 200);
  const setByAgain = { position: p.cAgain.position, subjectId: ids.C };
  t.match(now.body, {
    // 3·1 + 2·1 + 3·1 + 0·3 + 0·3 = 8: only urgency was set again.
    priority: {
      score: 8,
      rationale: 'the client escalated',
      terms: [
        { input: 'frequency', value: 3, points: 3, setBy: { position: p.cFirst.position } },
        { input: 'lossIfMismanaged', value: 2, points: 2, setBy: { position: p.cFirst.position } },
        { input: 'urgency', value: 3, points: 3, setBy: setByAgain },
        { input: 'fundSafety', value: 0, points: 0, setBy: { position: p.cFirst.position } },
        { input: 'stakeholderConcern', value: 0, points: 0, setBy: { position: p.cFirst.position } },
      ],
      prioritizedBy: setByAgain,
    },
    // Ranked: A 8 (prioritized before C's 8), C 8, B 6, E 4, D 3, F 0 → six; ceil(6/5) = 2; the
    // cut-off is the score at rank 2, C's own 8.
    ranking: { rank: 2, tier: 'vital-few', tierReason: 'within-vital-few-count', ranked: 6, vitalFewCount: 2, cutOffScore: 8 },
  });
  t.same(
    now.body.moves.map((m: { event: { position: string }; tier: unknown; rank: unknown }) => [m.event.position, m.tier, m.rank]).at(-1),
    [p.fPrioritized.position, { from: 'trivial-many', to: 'vital-few' }, { from: 2, to: 2 }],
    'F, a requirement scored 0, brought C back: the cohort grew to six',
  );
  t.equal(now.body.moves.length, 3);

  const eAnswer = await get(w.app, `/requirements/${ids.E}/priority/explanation`, w.fresh);
  t.match(eAnswer.body.ranking, { tier: 'vital-few', tierReason: 'fund-safety', rank: 4 }, 'fund safety puts E in the vital few at any rank');

  const before = await get(w.app, url('2000-01-01T00:00:00Z'), w.fresh);
  t.equal(before.status, 404, 'before its capture the requirement has nothing to explain');
  t.match(before.body, { code: 'not-found', detail: /not captured yet/ });
  t.equal((await get(w.app, `/requirements/nope/priority/explanation`, w.fresh)).status, 404);
  t.equal((await get(w.app, `${url()}?asOf=soon`, w.fresh)).status, 400);
  t.equal((await get(w.app, url(), { ...users.otherStakeholder, 'x-min-position': p.cAgain.position })).status, 404, 'an outsider does not learn it exists');
});
