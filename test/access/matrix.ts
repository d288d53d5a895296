/**
 * The access matrix: every route × each organisation role × how the caller stands to the
 * engagement, against a running service. The expected outcome of each cell comes from the table in
 * API.md ("Authentication and roles"), written out here on its own – not from the service's rules.
 */
import { createSigner } from 'fast-jwt';
import { scheduleBody } from '../support/http.js';

export const SECRET = 'access-matrix-secret-access-matrix-secret';
const sign = createSigner({ key: SECRET, algorithm: 'HS256', expiresIn: 3_600_000 });

export const ORG_ROLES = ['consultant', 'stakeholder', 'pm', 'pmo', 'admin', 'none'] as const;
export type OrgRole = (typeof ORG_ROLES)[number];
/**
 * - member: in the team with the engagement role that matches the organisation role
 *   (pmo, admin and a token without roles join as observers);
 * - observer: in the team as an observer;
 * - outsider: not in the team;
 * - interviewee: not in the team, but the interviewee of the interview addressed.
 */
export const RELATIONS = ['member', 'observer', 'outsider', 'interviewee'] as const;
export type Relation = (typeof RELATIONS)[number];
const NATURAL: Record<OrgRole, string> = { consultant: 'consultant', stakeholder: 'stakeholder', pm: 'pm', pmo: 'observer', admin: 'observer', none: 'observer' };

type Kind = 'start' | 'list' | 'overview' | 'records' | 'interview' | 'consult' | 'manage' | 'answer' | 'proof' | 'sign';
export type Outcome = 'allowed' | 403 | 404;

/** API.md's table, cell by cell. */
export const expected = (kind: Kind, role: OrgRole, relation: Relation): Outcome => {
  if (role === 'none') return 403; // a token with no known role gets 403 everywhere
  const member = relation === 'member' || relation === 'observer';
  const engagementRole = relation === 'member' ? NATURAL[role] : relation === 'observer' ? 'observer' : undefined;
  const seesAll = role === 'admin' || role === 'pmo';
  switch (kind) {
    case 'start':
      return role === 'pm' || role === 'admin' ? 'allowed' : 403;
    case 'list':
      return 'allowed';
    case 'overview':
      return seesAll || member ? 'allowed' : 404;
    case 'records':
      if (seesAll) return 'allowed';
      if (!member) return 404;
      return engagementRole === 'stakeholder' ? 403 : 'allowed';
    case 'interview':
      if (seesAll || relation === 'interviewee') return 'allowed';
      if (!member) return 404;
      return engagementRole === 'stakeholder' ? 403 : 'allowed';
    case 'consult':
      if (!['consultant', 'pm', 'admin'].includes(role)) return 403;
      if (role === 'admin') return 'allowed';
      if (!member) return 404;
      return engagementRole === 'consultant' || engagementRole === 'pm' ? 'allowed' : 403;
    case 'manage':
      if (!['pm', 'admin'].includes(role)) return 403;
      if (role === 'admin') return 'allowed';
      if (!member) return 404;
      return engagementRole === 'pm' ? 'allowed' : 403;
    case 'proof':
      return seesAll ? 'allowed' : 403;
    case 'answer':
      if (role === 'pmo') return 403; // pmo writes nothing
      if (relation === 'interviewee') return 'allowed';
      return role === 'admin' || member ? 403 : 404;
    case 'sign':
      // The world's baseline names the pm, consultant and stakeholder members as its signatories;
      // a signature is personal, so an admin does not sign for them.
      if (role === 'pmo' || role === 'admin') return 403;
      if (!member) return 404;
      return relation === 'member' ? 'allowed' : 403;
  }
};

export const userOf = (role: OrgRole, relation: Relation) => `${role}-${relation}`;
export const headersOf = (role: OrgRole, relation: Relation) => {
  const sub = userOf(role, relation);
  return { authorization: `Bearer ${sign({ sub, name: sub, roles: role === 'none' ? [] : [role] })}` };
};
const builder = { authorization: `Bearer ${sign({ sub: 'builder', name: 'Builder', roles: ['admin'] })}` };

/** How far the interviews are; `live`: interviews sent, and the engagement taken to go-live (with waivers). */
type Stage = 'scheduled' | 'conducted' | 'drafted' | 'sent' | 'live';
const STAGES: Stage[] = ['scheduled', 'conducted', 'drafted', 'sent'];

type Interview = { id: string; findingId?: string };
export type World = {
  engagementId: string;
  /** An interview of someone else (a client employee outside the matrix). */
  other: Interview;
  /** The interview each role's `interviewee` user gave. */
  own: Record<OrgRole, Interview>;
  requirementId: string;
  /** An accepted requirement, frozen in a baseline awaiting the signatures of the pm, consultant and stakeholder members. */
  baselineId: string;
  /** A change request on `requirementId` raised by the builder, not yet decided. */
  changeRequestId: string;
  /** The goal the engagement started with, and a success target of it. */
  goalId: string;
  targetId: string;
  /** The log position after the world was built, for read-your-writes. */
  position: string;
};

export type Call = { method: 'GET' | 'POST'; url: string; body?: object };
type Send = (
  call: Call,
  headers: Record<string, string>,
) => Promise<{ status: number; body: { position?: string; id?: string; findingId?: string; targetId?: string; changeRequestId?: string } }>;

let counter = 0;
const unique = () => `${Date.now().toString(36)}-${(counter++).toString(36)}`;

/** Builds a fresh engagement with the whole matrix in its team and interviews at `stage`. */
export const buildWorld = async (send: Send, stage: Stage, ownInterviews: boolean): Promise<World> => {
  let position = '0';
  const post = async (url: string, body: object = {}) => {
    const { status, body: answer } = await send({ method: 'POST', url, body }, builder);
    if (status >= 300) throw new Error(`building the world: POST ${url} answered ${status} ${JSON.stringify(answer)}`);
    position = answer.position!;
    return answer;
  };
  const engagement = await post('/engagements', {
    name: `Matrix ${unique()}`,
    client: 'Acme',
    sponsor: { name: 'Zhang San', title: 'CEO' },
    goals: ['Quotes answered within a working day'],
  });
  const engagementId = engagement.id!;
  // The id of a goal the engagement started with is derived from the engagement id (docs/domain.md#goals).
  const goalId = `${engagementId}:goal-1`;
  const { targetId } = await post(`/engagements/${engagementId}/goals/${goalId}/targets`, target);
  for (const role of ORG_ROLES) {
    await post(`/engagements/${engagementId}/members`, { userId: userOf(role, 'member'), name: role, role: NATURAL[role] });
    await post(`/engagements/${engagementId}/members`, { userId: userOf(role, 'observer'), name: role, role: 'observer' });
  }
  await post(`/engagements/${engagementId}/members`, { userId: 'leaver', name: 'Leaver', role: 'consultant' });
  const interview = async (userId: string, upTo: Stage): Promise<Interview> => {
    const { id } = await post(`/engagements/${engagementId}/interviews`, scheduleBody(userId));
    const reached = STAGES.indexOf(upTo);
    if (reached < 1) return { id: id! };
    await post(`/interviews/${id}/conduct`, { conductedAt: '2026-03-05T02:00:00Z' });
    const { findingId } = await post(`/interviews/${id}/findings`, { section: 'workflow', text: 'quotes are approved by phone' });
    if (reached >= 2) await post(`/interviews/${id}/summary`, { text: 'Quotes are approved by phone.', findingIds: [findingId] });
    if (reached >= 3) await post(`/interviews/${id}/summary/send`);
    return { id: id!, findingId: findingId! };
  };
  const source = await interview('client-li', 'sent');
  const other = await interview('client-wang', stage === 'live' ? 'sent' : stage);
  // The interviewees' own interviews matter only to routes that address an interview.
  const own = {} as Record<OrgRole, Interview>;
  for (const role of ORG_ROLES) own[role] = ownInterviews ? await interview(userOf(role, 'interviewee'), stage) : other;
  const requirement = await post(`/engagements/${engagementId}/requirements`, {
    title: 'Credit check on quotes',
    description: 'Quotes above the credit limit need approval.',
    category: 'sales',
    departments: ['Sales'],
    sources: [{ interviewId: source.id, findingId: source.findingId }],
  });
  await post(`/requirements/${requirement.id}/prioritize`, priority);
  const frozen = await post(`/engagements/${engagementId}/requirements`, {
    title: 'One customer master',
    description: 'Sales and finance share one customer master.',
    category: 'customer-data',
    departments: ['Sales', 'Finance'],
    sources: [{ interviewId: source.id, findingId: source.findingId }],
  });
  await post(`/requirements/${frozen.id}/prioritize`, priority);
  await post(`/requirements/${frozen.id}/accept`, { targetPhase: 'system-deployment' });
  const baseline = await post(`/engagements/${engagementId}/baselines`, {
    name: 'Specification 1.0',
    signatories: ['pm', 'consultant', 'stakeholder'].map((role) => userOf(role as OrgRole, 'member')),
  });
  const { changeRequestId } = await post(`/requirements/${requirement.id}/change-requests`, changeRequest);
  if (stage === 'live') {
    for (const to of ['business-survey', 'process-solidification', 'system-deployment', 'application-training', 'go-live']) {
      await post(`/engagements/${engagementId}/phase/advance`, { to, waiverReason: 'the matrix needs a live engagement' });
    }
  }
  return { engagementId, other, own, requirementId: requirement.id!, baselineId: baseline.id!, changeRequestId: changeRequestId!, goalId, targetId: targetId!, position };
};

const changeRequest = {
  description: 'Orders are checked as well',
  reason: 'Orders without a quote bypass the check',
  impact: 'One more approval on large orders',
  changes: { description: 'Quotes and orders above the credit limit need approval.' },
};

const target = { metric: 'Quote answer time', unit: 'hours', baseline: 30, target: 8, horizon: '2026-12-31', owner: 'Wang Fang' };
const priority = { frequency: 3, lossIfMismanaged: 2, urgency: 1, fundSafety: true, stakeholderConcern: false, rationale: 'touches credit' };

type Route = {
  name: string;
  kind: Kind;
  /** The state the interviews must be in for the request to succeed. */
  stage: Stage;
  /** A success uses the world up (e.g. a summary can be confirmed once): the next cell gets a fresh one. */
  consumes?: true;
  call: (world: World, target: Interview) => Call;
};

/** Whether a route's call uses the interview it is given (and so the interviewees' own interviews). */
const addressesInterview = (route: Route) => route.call.length >= 2;

const get = (url: string): Call => ({ method: 'GET', url });
const post = (url: string, body: object = {}): Call => ({ method: 'POST', url, body });

/** Every route of API.md that acts in an engagement or on the list of them. */
export const ROUTES: Route[] = [
  { name: 'POST /engagements', kind: 'start', stage: 'sent', call: () => post('/engagements', { name: 'CRM', client: 'Acme', sponsor: { name: 'Z', title: 'CEO' } }) },
  { name: 'GET /engagements', kind: 'list', stage: 'sent', call: () => get('/engagements') },
  { name: 'GET /engagements/:id', kind: 'overview', stage: 'sent', call: (w) => get(`/engagements/${w.engagementId}`) },
  { name: 'GET /engagements/:id/progress', kind: 'overview', stage: 'sent', call: (w) => get(`/engagements/${w.engagementId}/progress`) },
  { name: 'GET /engagements/:id/backlog', kind: 'overview', stage: 'sent', call: (w) => get(`/engagements/${w.engagementId}/backlog`) },
  { name: 'GET /engagements/:id/goal-matrix', kind: 'overview', stage: 'sent', call: (w) => get(`/engagements/${w.engagementId}/goal-matrix`) },
  { name: 'GET /engagements/:id/interviews', kind: 'overview', stage: 'sent', call: (w) => get(`/engagements/${w.engagementId}/interviews`) },
  { name: 'GET /engagements/:id/baselines', kind: 'overview', stage: 'sent', call: (w) => get(`/engagements/${w.engagementId}/baselines`) },
  { name: 'GET /baselines/:id', kind: 'overview', stage: 'sent', call: (w) => get(`/baselines/${w.baselineId}`) },
  { name: 'GET /baselines/:id/document', kind: 'overview', stage: 'sent', call: (w) => get(`/baselines/${w.baselineId}/document`) },
  { name: 'GET /engagements/:id/audit', kind: 'records', stage: 'sent', call: (w) => get(`/engagements/${w.engagementId}/audit`) },
  { name: 'GET /engagements/:id/audit (CSV)', kind: 'records', stage: 'sent', call: (w) => get(`/engagements/${w.engagementId}/audit?format=csv`) },
  { name: 'GET /engagements/:id/verification', kind: 'proof', stage: 'sent', call: (w) => get(`/engagements/${w.engagementId}/verification`) },
  { name: 'GET /engagements/:id/members', kind: 'records', stage: 'sent', call: (w) => get(`/engagements/${w.engagementId}/members`) },
  { name: 'GET /requirements/:id', kind: 'records', stage: 'sent', call: (w) => get(`/requirements/${w.requirementId}`) },
  { name: 'GET /requirements/:id/priority/explanation', kind: 'records', stage: 'sent', call: (w) => get(`/requirements/${w.requirementId}/priority/explanation`) },
  { name: 'GET /engagements/:id/changes', kind: 'records', stage: 'sent', call: (w) => get(`/engagements/${w.engagementId}/changes?from=2000-01-01T00:00:00Z`) },
  { name: 'GET /interviews/:id', kind: 'interview', stage: 'sent', call: (_w, i) => get(`/interviews/${i.id}`) },
  { name: 'GET /interviews/:id/findings/:findingId', kind: 'interview', stage: 'sent', call: (_w, i) => get(`/interviews/${i.id}/findings/${i.findingId}`) },
  { name: 'POST /engagements/:id/readiness', kind: 'manage', stage: 'sent', call: (w) => post(`/engagements/${w.engagementId}/readiness`, { item: 'funding-secured', status: 'met' }) },
  {
    name: 'POST /engagements/:id/phase/advance', kind: 'manage', stage: 'sent', consumes: true,
    call: (w) => post(`/engagements/${w.engagementId}/phase/advance`, { to: 'business-survey' }),
  },
  {
    name: 'POST /engagements/:id/members', kind: 'manage', stage: 'sent',
    call: (w) => post(`/engagements/${w.engagementId}/members`, { userId: `new-${unique()}`, name: 'New Member', role: 'observer' }),
  },
  {
    name: 'POST /engagements/:id/members/:userId/remove', kind: 'manage', stage: 'sent', consumes: true,
    call: (w) => post(`/engagements/${w.engagementId}/members/leaver/remove`, { reason: 'moved to another project' }),
  },
  { name: 'POST /engagements/:id/goals', kind: 'manage', stage: 'sent', call: (w) => post(`/engagements/${w.engagementId}/goals`, { text: 'Fewer lost deals' }) },
  {
    // A second identical choice would change nothing: a success uses the world up.
    name: 'POST /engagements/:id/gate-conditions', kind: 'manage', stage: 'sent', consumes: true,
    call: (w) => post(`/engagements/${w.engagementId}/gate-conditions`, { phase: 'business-survey', require: ['departments-heard'], reason: 'hear every department' }),
  },
  {
    // Each call changes the case (a new label), so it is never a revision that changes nothing.
    name: 'POST /engagements/:id/business-case', kind: 'manage', stage: 'sent',
    call: (w) =>
      post(`/engagements/${w.engagementId}/business-case`, {
        currency: 'CNY',
        periodLength: 'year',
        discountRate: 0.1,
        lines: [{ kind: 'cost', label: `Platform ${unique()}`, amounts: [1000] }, { kind: 'gain', label: 'Faster quotes', amounts: [0, 600, 600] }],
        reason: 'finance workshop',
      }),
  },
  {
    name: 'POST /engagements/:id/goals/:goalId/targets', kind: 'manage', stage: 'sent',
    call: (w) => post(`/engagements/${w.engagementId}/goals/${w.goalId}/targets`, target),
  },
  {
    name: 'POST /engagements/:id/targets/:targetId/revise', kind: 'manage', stage: 'sent',
    call: (w) => post(`/engagements/${w.engagementId}/targets/${w.targetId}/revise`, { owner: `Owner ${unique()}`, reason: 'handed over' }),
  },
  {
    name: 'POST /engagements/:id/targets/:targetId/measurements', kind: 'manage', stage: 'live',
    call: (w) => post(`/engagements/${w.engagementId}/targets/${w.targetId}/measurements`, { value: 9, measuredAt: '2026-08-31T10:00:00Z' }),
  },
  {
    name: 'POST /engagements/:id/interviews', kind: 'consult', stage: 'sent',
    call: (w) =>
      post(`/engagements/${w.engagementId}/interviews`, {
        interviewee: { name: 'Zhao Lei', department: 'Service', position: 'Agent' },
        interviewers: ['Chen Wei'],
        scheduledAt: '2026-03-07T10:00:00+08:00',
        durationMinutes: 30,
        location: 'Phone',
        method: 'phone',
        topics: ['work-content'],
      }),
  },
  {
    name: 'POST /interviews/:id/reschedule', kind: 'consult', stage: 'scheduled',
    call: (_w, i) => post(`/interviews/${i.id}/reschedule`, { scheduledAt: new Date(Date.UTC(2026, 3, 1) + counter++ * 60_000).toISOString(), reason: 'moved' }),
  },
  { name: 'POST /interviews/:id/cancel', kind: 'consult', stage: 'scheduled', consumes: true, call: (_w, i) => post(`/interviews/${i.id}/cancel`, { reason: 'called off' }) },
  {
    name: 'POST /interviews/:id/conduct', kind: 'consult', stage: 'scheduled', consumes: true,
    call: (_w, i) => post(`/interviews/${i.id}/conduct`, { conductedAt: '2026-03-05T02:00:00Z' }),
  },
  { name: 'POST /interviews/:id/findings', kind: 'consult', stage: 'conducted', call: (_w, i) => post(`/interviews/${i.id}/findings`, { section: 'customer', text: 'two customer lists' }) },
  {
    name: 'POST /interviews/:id/summary', kind: 'consult', stage: 'conducted',
    call: (_w, i) => post(`/interviews/${i.id}/summary`, { text: 'Quotes by phone.', findingIds: [i.findingId] }),
  },
  { name: 'POST /interviews/:id/summary/send', kind: 'consult', stage: 'drafted', consumes: true, call: (_w, i) => post(`/interviews/${i.id}/summary/send`) },
  { name: 'POST /interviews/:id/summary/confirm', kind: 'answer', stage: 'sent', consumes: true, call: (_w, i) => post(`/interviews/${i.id}/summary/confirm`, { summaryVersion: 1 }) },
  {
    name: 'POST /interviews/:id/summary/request-revision', kind: 'answer', stage: 'sent', consumes: true,
    call: (_w, i) => post(`/interviews/${i.id}/summary/request-revision`, { summaryVersion: 1, comments: 'the frequency is monthly' }),
  },
  {
    name: 'POST /interviews/:id/confirmation-links', kind: 'consult', stage: 'sent',
    call: (_w, i) => post(`/interviews/${i.id}/confirmation-links`, { validForDays: 3 }),
  },
  {
    name: 'POST /engagements/:id/requirements', kind: 'consult', stage: 'sent',
    call: (w) =>
      post(`/engagements/${w.engagementId}/requirements`, {
        title: 'One customer list',
        description: 'Finance and sales share one customer master.',
        category: 'customer-data',
        departments: ['Finance'],
        sources: [{ interviewId: w.other.id, findingId: w.other.findingId }],
      }),
  },
  {
    name: 'POST /requirements/:id/revise', kind: 'consult', stage: 'sent',
    call: (w) => post(`/requirements/${w.requirementId}/revise`, { title: `Credit check ${unique()}`, reason: 'clearer title' }),
  },
  { name: 'POST /requirements/:id/prioritize', kind: 'manage', stage: 'sent', call: (w) => post(`/requirements/${w.requirementId}/prioritize`, priority) },
  {
    name: 'POST /requirements/:id/accept', kind: 'manage', stage: 'sent', consumes: true,
    call: (w) => post(`/requirements/${w.requirementId}/accept`, { targetPhase: 'system-deployment' }),
  },
  { name: 'POST /requirements/:id/defer', kind: 'manage', stage: 'sent', consumes: true, call: (w) => post(`/requirements/${w.requirementId}/defer`, { reason: 'after go-live' }) },
  { name: 'POST /requirements/:id/reject', kind: 'manage', stage: 'sent', consumes: true, call: (w) => post(`/requirements/${w.requirementId}/reject`, { reason: 'out of scope' }) },
  { name: 'POST /requirements/:id/change-requests', kind: 'consult', stage: 'sent', call: (w) => post(`/requirements/${w.requirementId}/change-requests`, changeRequest) },
  {
    name: 'POST /requirements/:id/change-requests/:changeRequestId/approve', kind: 'manage', stage: 'sent', consumes: true,
    call: (w) => post(`/requirements/${w.requirementId}/change-requests/${w.changeRequestId}/approve`, { reason: 'agreed' }),
  },
  {
    name: 'POST /requirements/:id/change-requests/:changeRequestId/reject', kind: 'manage', stage: 'sent', consumes: true,
    call: (w) => post(`/requirements/${w.requirementId}/change-requests/${w.changeRequestId}/reject`, { reason: 'not now' }),
  },
  {
    name: 'POST /engagements/:id/baselines', kind: 'manage', stage: 'sent',
    call: (w) => post(`/engagements/${w.engagementId}/baselines`, { name: `Specification ${unique()}`, signatories: [userOf('pm', 'member')] }),
  },
  // A review, so that the baseline stays open for every cell; approval is the same rule.
  { name: 'POST /baselines/:id/sign-off', kind: 'sign', stage: 'sent', call: (w) => post(`/baselines/${w.baselineId}/sign-off`, { meaning: 'reviewed' }) },
  { name: 'POST /baselines/:id/reject', kind: 'sign', stage: 'sent', consumes: true, call: (w) => post(`/baselines/${w.baselineId}/reject`, { comments: 'the reports are missing' }) },
];

export type CellResult = { route: string; role: OrgRole; relation: Relation; expected: Outcome; status: number; detail?: string };

/**
 * Runs every cell. A cell's request addresses the interview of the caller when the caller is an
 * interviewee, else an interview of someone else; reads carry the world's position (read-your-writes).
 */
export const runMatrix = async (send: Send, onCell: (result: CellResult) => void) => {
  const worlds = new Map<string, World>();
  const worldFor = async (route: Route) => {
    const key = `${route.stage}:${addressesInterview(route)}`;
    let world = worlds.get(key);
    if (!world) worlds.set(key, (world = await buildWorld(send, route.stage, addressesInterview(route))));
    return { world, key };
  };
  for (const route of ROUTES) {
    for (const role of ORG_ROLES) {
      for (const relation of RELATIONS) {
        const { world, key } = await worldFor(route);
        const target = relation === 'interviewee' ? world.own[role] : world.other;
        const call = route.call(world, target);
        const headers = { ...headersOf(role, relation), ...(call.method === 'GET' ? { 'x-min-position': world.position } : {}) };
        const { status, body } = await send(call, headers);
        if (status < 300 && route.consumes) worlds.delete(key);
        if (status < 300 && call.method === 'POST' && body.position) world.position = body.position;
        onCell({
          route: route.name,
          role,
          relation,
          expected: expected(route.kind, role, relation),
          status,
          ...((body as { detail?: string }).detail ? { detail: (body as { detail?: string }).detail } : {}),
        });
      }
    }
  }
};

export const matches = (outcome: Outcome, status: number) => (outcome === 'allowed' ? status >= 200 && status < 300 : status === outcome);
