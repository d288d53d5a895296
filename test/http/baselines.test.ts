import t, { type Test } from 'tap';
import { createSigner } from 'fast-jwt';
import { bearer, discovery, SECRET, testApp, users } from '../support/http.js';

/** A token issued at `iat` (seconds ago), optionally naming when the person authenticated (`auth_time`). */
const signedInAgo = (sub: string, name: string, seconds: number, authTime?: number) => {
  const sign = createSigner({ key: SECRET, algorithm: 'HS256', expiresIn: 3_600_000 });
  const now = Math.floor(Date.now() / 1000);
  return { authorization: `Bearer ${sign({ sub, name, roles: ['stakeholder'], iat: now - seconds, ...(authTime === undefined ? {} : { auth_time: now - authTime }) })}` };
};

/**
 * Pat (pm) runs an engagement with Chen (consultant) and two department heads, Li and Wang
 * (stakeholders); Li's interview is confirmed, and one requirement traced to it is accepted.
 */
const engagementWithAcceptedRequirement = async (t: Test) => {
  const { app } = await testApp();
  t.teardown(() => app.close());
  const d = discovery(app);
  const inject = (url: string, headers: Record<string, string>, payload: object = {}) => app.inject({ method: 'POST', url, headers, payload });
  const get = (url: string, headers: Record<string, string>, extra: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers: { ...headers, ...extra } });
  const { engagementId: E, interviewId, findingId, requirementId } = await d.acceptedRequirement();
  await d.addMember(E, 'u-wang', 'stakeholder', 'Wang Fang');
  await d.confirm(interviewId, 1);
  return { app, d, inject, get, E, R: requirementId, interviewId, findingId };
};

t.test('a baseline is frozen, signed off by its signatories with a fresh sign-in, then changed by an approved change request', async (t) => {
  const { d, inject, get, E, R } = await engagementWithAcceptedRequirement(t);

  t.match((await inject(`/engagements/${E}/baselines`, users.consultant, { name: 'Spec 1.0', signatories: ['u-li'] })).json(), { status: 403, code: 'forbidden' }, 'baselines are the pm’s');
  t.match((await inject(`/engagements/${E}/baselines`, users.pmo, { name: 'Spec 1.0', signatories: ['u-li'] })).json(), { status: 403 }, 'pmo writes nothing');
  const outsider = await inject(`/engagements/${E}/baselines`, users.pm, { name: 'Spec 1.0', signatories: ['u-li', 'u-nobody'] });
  t.match(outsider.json(), { status: 409, code: 'signatory-not-member', details: { signatories: ['u-nobody'] } });
  t.equal((await inject(`/engagements/${E}/baselines`, users.pm, { name: 'Spec 1.0', signatories: [] })).statusCode, 400, 'a baseline needs a signatory');

  const created = await inject(`/engagements/${E}/baselines`, users.pm, { name: 'Spec 1.0', signatories: ['u-li', 'u-wang'] });
  t.equal(created.statusCode, 201);
  const B = created.json().id as string;
  const hash = created.json().baselineHash as string;
  t.equal(created.headers['location'], `/baselines/${B}`);
  t.match(created.json(), { requirements: 1, baselineHash: /^[0-9a-f]{64}$/ });

  const read = await get(`/baselines/${B}`, users.interviewee, { 'x-min-position': created.json().position });
  t.equal(read.statusCode, 200, 'a signatory who is a stakeholder member reads the baseline');
  t.match(read.json(), {
    status: 'awaiting-signatures',
    baselineHash: hash,
    requirements: [{ requirementId: R, version: 2, priority: { score: 9 }, targetPhase: 'system-deployment' }],
    signatories: [{ userId: 'u-li', name: 'Li Na', approved: false }, { userId: 'u-wang', approved: false }],
  });
  t.equal((await get(`/baselines/${B}`, bearer('u-stranger', ['stakeholder']))).statusCode, 404, 'outside the engagement it does not exist');
  t.match((await get(`/engagements/${E}/baselines`, users.pmo)).json(), { items: [{ id: B }] });

  t.match((await inject(`/baselines/${B}/sign-off`, users.pm, { meaning: 'approved' })).json(), { status: 403, code: 'not-a-signatory' }, 'the pm is no signatory');
  t.match((await inject(`/baselines/${B}/sign-off`, users.admin, { meaning: 'approved' })).json(), { status: 403, code: 'not-a-signatory' }, 'nor is an admin');
  t.match((await inject(`/baselines/${B}/sign-off`, users.pmo, { meaning: 'approved' })).json(), { status: 403, code: 'forbidden' });

  const stale = await inject(`/baselines/${B}/sign-off`, signedInAgo('u-li', 'Li Na', 6 * 60), { meaning: 'approved' });
  t.equal(stale.statusCode, 401, 'a token issued six minutes ago is not a fresh sign-in');
  t.match(stale.json(), { code: 'reauthentication-required', title: /Sign in again/ });
  t.match(stale.headers['www-authenticate'], /error="insufficient_user_authentication".*max_age=300/);
  const oldAuthentication = await inject(`/baselines/${B}/sign-off`, signedInAgo('u-li', 'Li Na', 10, 20 * 60), { meaning: 'approved' });
  t.match(oldAuthentication.json(), { status: 401, code: 'reauthentication-required' }, 'a new token over an old authentication (auth_time) is not either');
  t.match((await inject(`/baselines/${B}/sign-off`, users.interviewee, { meaning: 'approved', baselineHash: 'f'.repeat(64) })).json(), { status: 409, code: 'baseline-hash-mismatch' });

  const liApproves = await inject(`/baselines/${B}/sign-off`, users.interviewee, { meaning: 'approved', baselineHash: hash });
  t.equal(liApproves.statusCode, 200);
  t.match(liApproves.json(), { status: 'awaiting-signatures', baselineHash: hash });
  t.match((await inject(`/baselines/${B}/sign-off`, users.interviewee, { meaning: 'approved' })).json(), { status: 409, code: 'already-signed-off' });
  const wangApproves = await inject(`/baselines/${B}/sign-off`, users.otherStakeholder, { meaning: 'approved' });
  t.match(wangApproves.json(), { status: 'signed' }, 'signed when every signatory approved');
  const signed = (await get(`/baselines/${B}`, users.pm, { 'x-min-position': wangApproves.json().position })).json();
  t.match(signed, { status: 'signed', signatories: [{ userId: 'u-li', approved: true, signOffs: [{ meaning: 'approved', baselineHash: hash }] }, { userId: 'u-wang', approved: true }] });

  const direct = await inject(`/requirements/${R}/revise`, users.consultant, { title: 'Credit check', reason: 'shorter' });
  t.match(direct.json(), { status: 409, code: 'requirement-in-signed-baseline', details: { baselineIds: [B] } }, 'a signed requirement is not revised directly');

  const raised = await inject(`/requirements/${R}/change-requests`, users.consultant, {
    description: 'Orders are checked as well', reason: 'Orders placed without a quote bypass the check', impact: 'One more approval on large orders',
    changes: { description: 'A quote or an order above the credit limit needs finance approval.' },
  });
  t.equal(raised.statusCode, 201);
  t.equal(raised.headers['location'], `/requirements/${R}`);
  const CR = raised.json().changeRequestId as string;
  t.match((await inject(`/requirements/${R}/change-requests/${CR}/approve`, users.consultant, {})).json(), { status: 403, code: 'forbidden' }, 'a consultant does not approve');
  t.match((await inject(`/requirements/${R}/change-requests/${CR}/approve`, users.interviewee, {})).json(), { status: 403 });

  const ownRequest = await inject(`/requirements/${R}/change-requests`, users.pm, {
    description: 'Legal signs too', reason: 'Contracts above the limit', impact: 'Legal in the loop', changes: { departments: ['Sales', 'Finance', 'Legal'] },
  });
  const OWN = ownRequest.json().changeRequestId as string;
  t.match((await inject(`/requirements/${R}/change-requests/${OWN}/approve`, users.pm, {})).json(), { status: 403, code: 'separation-of-duties' }, 'the raiser may not approve');
  t.equal((await inject(`/requirements/${R}/change-requests/${OWN}/reject`, users.pm, { reason: 'Withdrawn: legal is out of scope' })).statusCode, 200, 'but may withdraw it');

  const approved = await inject(`/requirements/${R}/change-requests/${CR}/approve`, users.pm, { reason: 'Steering committee of 2026-04-09' });
  t.equal(approved.statusCode, 200);
  t.same(approved.json().suspectBaselineIds, [B]);
  t.match((await inject(`/requirements/${R}/change-requests/${CR}/approve`, users.pm, {})).json(), { status: 409, code: 'change-request-decided' });
  t.match((await inject(`/requirements/${R}/change-requests/unknown/approve`, users.pm, {})).json(), { status: 404 });

  const after = { 'x-min-position': approved.json().position };
  t.match((await get(`/baselines/${B}`, users.pm, after)).json(), { suspect: true, suspectBecause: [{ changeRequestId: CR, requirementId: R, frozenVersion: 2 }] });
  const requirement = (await get(`/requirements/${R}`, users.pm, after)).json();
  t.match(requirement, { description: 'A quote or an order above the credit limit needs finance approval.' }, 'the approved change revised it');
  t.match(requirement.changeRequests, [
    { changeRequestId: CR, status: 'approved', suspectBaselineIds: [B], raisedBy: { id: 'u-chen' }, decidedBy: { id: 'u-pat' } },
    { changeRequestId: OWN, status: 'rejected', decisionReason: 'Withdrawn: legal is out of scope' },
  ]);
  const audit = (await get(`/engagements/${E}/audit?subjectId=${B}`, users.pm, after)).json();
  t.same(
    audit.entries.map((e: { action: string }) => e.action),
    ['baseline-created', 'baseline-signed-off', 'baseline-signed-off', 'baseline-signed', 'change-request-approved'],
    'the audit trail tells the baseline’s story, the change that made it suspect included',
  );

  const second = await inject(`/engagements/${E}/baselines`, users.pm, { name: 'Spec 1.1', signatories: ['u-li', 'u-wang'] });
  const B2 = second.json().id as string;
  t.not(second.json().baselineHash, hash, 'the revised requirement freezes to another hash');
  await d.post(`/baselines/${B2}/sign-off`, users.interviewee, { meaning: 'approved' });
  const last = await inject(`/baselines/${B2}/sign-off`, users.otherStakeholder, { meaning: 'approved' });
  const superseded = (await get(`/baselines/${B}`, users.pm, { 'x-min-position': last.json().position })).json();
  t.match(superseded, { suspect: false, supersededBy: B2 }, 'a newer signed baseline ends the suspect mark');
});

t.test('a signatory rejects a baseline with comments; it takes no more sign-offs and a new baseline follows', async (t) => {
  const { inject, get, E } = await engagementWithAcceptedRequirement(t);
  const B = (await inject(`/engagements/${E}/baselines`, users.pm, { name: 'Spec 1.0', signatories: ['u-li', 'u-wang'] })).json().id as string;
  t.match((await inject(`/baselines/${B}/reject`, users.consultant, { comments: 'no' })).json(), { status: 403 }, 'only signatories reject');
  t.equal((await inject(`/baselines/${B}/reject`, users.otherStakeholder, {})).statusCode, 400, 'a rejection needs comments');
  const rejected = await inject(`/baselines/${B}/reject`, users.otherStakeholder, { comments: 'The monthly report by region is missing' });
  t.equal(rejected.statusCode, 200);
  t.match((await inject(`/baselines/${B}/sign-off`, users.interviewee, { meaning: 'approved' })).json(), { status: 409, code: 'baseline-rejected' });
  t.match((await get(`/baselines/${B}`, users.interviewee, { 'x-min-position': rejected.json().position })).json(), {
    status: 'rejected',
    rejection: { by: { id: 'u-wang' }, comments: 'The monthly report by region is missing' },
  });
  t.equal((await inject(`/engagements/${E}/baselines`, users.pm, { name: 'Spec 1.1', signatories: ['u-li', 'u-wang'] })).statusCode, 201, 'a new baseline takes its place');
});

t.test('a baseline needs accepted requirements', async (t) => {
  const { app } = await testApp();
  t.teardown(() => app.close());
  const started = await discovery(app).startEngagement();
  const empty = await app.inject({ method: 'POST', url: `/engagements/${started.id}/baselines`, headers: users.pm, payload: { name: 'Spec 0', signatories: ['u-pat'] } });
  t.match(empty.json(), { status: 409, code: 'baseline-empty' });
});

t.test('in the browser the session’s sign-in time counts: a sign-off more than 5 minutes after it asks to sign in again', async (t) => {
  let offsetMs = 0;
  const { app } = await testApp({
    signIn: { sessionSecret: 'a-session-secret-for-tests-a-session-secret', maxAgeSeconds: 3600, development: true },
    clock: () => new Date(Date.now() + offsetMs),
  });
  t.teardown(() => app.close());
  const d = discovery(app);
  const { engagementId: E } = await d.acceptedRequirement();
  const B = (await d.post(`/engagements/${E}/baselines`, users.pm, { name: 'Spec 1.0', signatories: ['u-li'] })).id;

  const signedIn = await app.inject({ method: 'POST', url: '/auth/dev', payload: { userId: 'u-li', name: 'Li Na', roles: ['stakeholder'] } });
  const session = { cookie: String(signedIn.headers['set-cookie']).split(';')[0]!, 'x-csrf-token': signedIn.json().csrfToken as string };
  const signOff = () => app.inject({ method: 'POST', url: `/baselines/${B}/sign-off`, headers: session, payload: { meaning: 'approved' } });

  offsetMs = 6 * 60_000;
  const late = await signOff();
  t.equal(late.statusCode, 401, 'six minutes after signing in');
  t.match(late.json(), { code: 'reauthentication-required', details: { maxAgeSeconds: 300 } });
  offsetMs = 0;
  const fresh = await signOff();
  t.equal(fresh.statusCode, 200, 'right after signing in');
  t.match(fresh.json(), { status: 'signed' });
});
