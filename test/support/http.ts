/** Builds the HTTP app on in-memory adapters and mints tokens, for `app.inject` tests. */
import { createSigner } from 'fast-jwt';
import { createTokenVerifier } from '../../infra/identity/index.js';
import type { Role } from '../../contracts/index.js';
import { InMemoryEventStore } from '../../infra/event-store/index.js';
import type { EventStore } from '../../infra/event-store/port.js';
import { InMemoryReadModelStore } from '../../infra/read-models/index.js';
import type { ReadModelStore } from '../../infra/read-models/port.js';
import { buildApp, type AppDeps } from '../../services/http/app.js';
import { createMetrics } from '../../services/http/metrics.js';
import { InMemoryIdempotencyStore, type IdempotencyStore } from '../../infra/idempotency/store.js';
import { startProjector } from '../../services/wiring/read-side.js';
import { pino } from 'pino';

export const SECRET = 'test-secret-test-secret-test-secret-0123456789';
/** The secret command ids are derived with, shared like a DATA_DIR between the apps of a test. */
export const ID_SECRET = 'test-id-secret-test-id-secret-test-id-secret';
const sign = createSigner({ key: SECRET, algorithm: 'HS256', expiresIn: 3_600_000 });

export const tokenFor = (sub: string, roles: Role[], name = sub) => sign({ sub, name, roles });
export const bearer = (sub: string, roles: Role[], name = sub) => ({ authorization: `Bearer ${tokenFor(sub, roles, name)}` });

export const users = {
  pm: bearer('u-pat', ['pm'], 'Pat Lee'),
  consultant: bearer('u-chen', ['consultant'], 'Chen Wei'),
  interviewee: bearer('u-li', ['stakeholder'], 'Li Na'),
  otherStakeholder: bearer('u-wang', ['stakeholder'], 'Wang Fang'),
  admin: bearer('u-root', ['admin'], 'Admin'),
  pmo: bearer('u-audit', ['pmo'], 'Auditor'),
};

/**
 * The app on in-memory adapters, with the projector running in the same process as in the
 * all-in-one service; closing the app stops the projector.
 */
export const testApp = async (
  { stalledAfterMs, ...deps }: Partial<AppDeps> & { store?: EventStore; idempotency?: IdempotencyStore; readModels?: ReadModelStore; stalledAfterMs?: number } = {},
) => {
  const store = deps.store ?? new InMemoryEventStore();
  const idempotency = deps.idempotency ?? new InMemoryIdempotencyStore();
  const readModels = deps.readModels ?? new InMemoryReadModelStore();
  const metrics = createMetrics();
  const readSide = await startProjector({ eventStore: store, readModels, logger: pino({ level: 'silent' }), registry: metrics.registry,
    ...(stalledAfterMs === undefined ? {} : { stalledAfterMs }) });
  const app = await buildApp({
    identity: createTokenVerifier({ secret: SECRET, claims: { roles: 'roles', name: 'name' }, maxTokenAgeSeconds: 12 * 3600 }),
    idSecret: ID_SECRET,
    readYourWrites: readSide.readYourWrites,
    readinessChecks: [readSide.check],
    projector: readSide.projector,
    metrics,
    ...deps,
    store,
    idempotency,
    readModels,
  });
  app.addHook('onClose', async () => readSide.projector.stop());
  return { app, store, idempotency, readModels, projector: readSide.projector };
};

/** The body of a ScheduleInterview request for an interview with Li Na. */
export const scheduleBody = (userId = 'u-li') => ({
  interviewee: { name: 'Li Na', department: 'Sales', position: 'Sales manager', userId },
  interviewers: ['Chen Wei'],
  scheduledAt: '2026-03-05T10:00:00+08:00',
  durationMinutes: 90,
  location: 'Room 3',
  method: 'in-person',
  topics: ['business-process'],
});

type App = Awaited<ReturnType<typeof testApp>>['app'];

/** A clock that moves one second per reading, so every event has its own instant. */
export const steppingClock = (start = Date.parse('2026-04-01T00:00:00Z')) => {
  let now = start;
  const clock = () => new Date((now += 1_000));
  /** An instant after every event so far and before the next. */
  clock.between = () => new Date(now + 500).toISOString();
  return clock;
};

/** Drives the write side through a whole discovery, returning the ids it created. */
export const discovery = (app: App) => {
  const post = async (url: string, headers: Record<string, string>, payload: object = {}) => {
    const response = await app.inject({ method: 'POST', url, headers, payload });
    if (response.statusCode >= 300) throw new Error(`${url} → ${response.statusCode} ${response.body}`);
    return response.json() as { id: string; version: number; position: string; [k: string]: unknown };
  };
  const capture = (engagementId: string, sources: Array<{ interviewId: string; findingId: string }>) =>
    post(`/engagements/${engagementId}/requirements`, users.consultant, {
      title: 'Credit limit check on quotes',
      description: 'A quote above the credit limit needs finance approval.',
      category: 'sales',
      departments: ['Sales', 'Finance'],
      sources,
    });
  return {
    post,
    /** Pat (pm) starts an engagement and takes Chen (consultant) into the team. */
    startEngagement: async () => {
      const started = await post('/engagements', users.pm, { name: 'CRM for Acme', client: 'Acme Trading', sponsor: { name: 'Zhang San', title: 'CEO' } });
      await post(`/engagements/${started.id}/members`, users.pm, { userId: 'u-chen', name: 'Chen Wei', role: 'consultant', workgroup: 'Process design' });
      return started;
    },
    addMember: (engagementId: string, userId: string, role: 'pm' | 'consultant' | 'stakeholder' | 'observer', name = userId) =>
      post(`/engagements/${engagementId}/members`, users.pm, { userId, name, role }),
    advance: (engagementId: string, to: string, waiverReason?: string) =>
      post(`/engagements/${engagementId}/phase/advance`, users.pm, { to, ...(waiverReason ? { waiverReason } : {}) }),
    schedule: (engagementId: string, userId = 'u-li') => post(`/engagements/${engagementId}/interviews`, users.consultant, scheduleBody(userId)),
    conduct: (interviewId: string) =>
      post(`/interviews/${interviewId}/conduct`, users.consultant, { conductedAt: '2026-03-05T02:00:00Z', attendees: ['Li Na'] }),
    finding: (interviewId: string, text = 'quotes are approved by phone') =>
      post(`/interviews/${interviewId}/findings`, users.consultant, { section: 'workflow', text, pain: 2, frequency: 'daily' }),
    draft: (interviewId: string, findingIds: string[], text = 'Sales approves quotes by phone.') =>
      post(`/interviews/${interviewId}/summary`, users.consultant, { text, findingIds }),
    send: (interviewId: string) => post(`/interviews/${interviewId}/summary/send`, users.consultant),
    /** An engagement in its survey with one conducted interview whose summary v1 awaits confirmation. */
    awaitingConfirmation: async (interviewee: Record<string, unknown> = scheduleBody().interviewee) => {
      const started = await post('/engagements', users.pm, { name: 'CRM for Acme', client: 'Acme Trading', sponsor: { name: 'Zhang San', title: 'CEO' } });
      await post(`/engagements/${started.id}/members`, users.pm, { userId: 'u-chen', name: 'Chen Wei', role: 'consultant', workgroup: 'Process design' });
      await post(`/engagements/${started.id}/phase/advance`, users.pm, { to: 'business-survey' });
      const interview = await post(`/engagements/${started.id}/interviews`, users.consultant, { ...scheduleBody(), interviewee });
      await post(`/interviews/${interview.id}/conduct`, users.consultant, { conductedAt: '2026-03-05T02:00:00Z', attendees: ['Li Na'] });
      const finding = await post(`/interviews/${interview.id}/findings`, users.consultant, { section: 'workflow', text: 'quotes are approved by phone', pain: 2, frequency: 'daily' });
      const findingId = finding['findingId'] as string;
      const draft = await post(`/interviews/${interview.id}/summary`, users.consultant, { text: 'Sales approves quotes by phone.', findingIds: [findingId] });
      await post(`/interviews/${interview.id}/summary/send`, users.consultant);
      return { engagementId: started.id, interviewId: interview.id, findingId, hash: draft['summaryHash'] as string };
    },
    confirm: (interviewId: string, summaryVersion: number) =>
      post(`/interviews/${interviewId}/summary/confirm`, users.interviewee, { summaryVersion }),
    /** A requirement captured from a finding of a newly conducted interview of the engagement. */
    capturedRequirement: async (engagementId: string) => {
      const interview = await post(`/engagements/${engagementId}/interviews`, users.consultant, scheduleBody());
      await post(`/interviews/${interview.id}/conduct`, users.consultant, { conductedAt: '2026-03-05T02:00:00Z', attendees: ['Li Na'] });
      const finding = await post(`/interviews/${interview.id}/findings`, users.consultant, { section: 'workflow', text: 'quotes are approved by phone' });
      return capture(engagementId, [{ interviewId: interview.id, findingId: finding['findingId'] as string }]);
    },
    capture,
    /**
     * An engagement whose one requirement, traced to Li's interview (summary sent, not yet
     * confirmed), is prioritized and accepted – ready to be frozen in a baseline Li may sign.
     */
    acceptedRequirement: async () => {
      const survey = await discovery(app).awaitingConfirmation();
      await post(`/engagements/${survey.engagementId}/members`, users.pm, { userId: 'u-li', name: 'Li Na', role: 'stakeholder' });
      const d = discovery(app);
      const requirement = await d.capture(survey.engagementId, [{ interviewId: survey.interviewId, findingId: survey.findingId }]);
      await d.prioritize(requirement.id);
      await post(`/requirements/${requirement.id}/accept`, users.pm, { targetPhase: 'system-deployment' });
      return { ...survey, requirementId: requirement.id };
    },
    prioritize: (requirementId: string) =>
      post(`/requirements/${requirementId}/prioritize`, users.pm, {
        frequency: 3,
        lossIfMismanaged: 2,
        urgency: 1,
        fundSafety: true,
        stakeholderConcern: false,
        rationale: 'touches credit',
      }),
  };
};

export const eventsOf = async (store: EventStore, stream: string) => {
  const events = [];
  for await (const event of store.readStream(stream)) events.push(event);
  return events;
};
