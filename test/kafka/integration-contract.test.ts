/**
 * The public contract without a broker: every internal event type is either mapped or declared
 * internal-only (a new internal event fails here, and already at compile time, until someone
 * decides), the mapping produces valid public events, the published schemas accept what the
 * publisher sends and reject what breaks the contract, and docs/asyncapi.json is up to date.
 */
import t from 'tap';
import { readFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import {
  asyncApiDocument,
  EVENT_TYPES,
  INTEGRATION_EVENT_EXAMPLES,
  INTEGRATION_EVENT_TYPES,
  WITNESS_EVENT_TYPES,
  INTEGRATION_MAPPING,
  IntegrationEvent,
  INTERNAL_ONLY_DOMAIN_EVENT_TYPES,
  messageHeaders,
  PUBLISHED_DOMAIN_EVENT_TYPES,
  toIntegrationEvent,
  type DomainEventType,
  type EventOfType,
  type GateCondition,
  type RecordedEvent,
} from '../../contracts/index.js';
import { businessCaseFigures } from '../../domain/index.js';
import { renderAsyncApi } from '../../infra/publisher/write-asyncapi.js';
import { ASYNCAPI_PATH, publishedValidator } from './support/published-schema.js';

const HASH = 'a'.repeat(64);
const E = 'acme-crm';

const businessCase = {
  currency: 'CNY',
  periodLength: 'year' as const,
  discountRate: 0.1,
  groups: [{ groupId: 'call-centre', name: 'Call centre application', category: 'service' as const, requirementIds: ['req-1'] }],
  lines: [
    { kind: 'cost' as const, label: 'Platform', amounts: [500000, 100000] },
    { kind: 'gain' as const, label: 'Fewer repeat calls', groupId: 'call-centre', amounts: [0, 900000] },
  ],
};

/** One internal event of every type – typed over all of them, so a new type needs a sample here. */
const SAMPLES: { [T in DomainEventType]: EventOfType<T>['data'] } = {
  EngagementStarted: { engagementId: E, name: 'CRM', client: 'Acme', sponsor: { name: 'Z', title: 'CEO' }, goals: [], successCriteria: [] },
  ReadinessRecorded: { engagementId: E, item: 'funding-secured', status: 'met' },
  PhaseAdvanced: {
    engagementId: E,
    from: 'business-survey',
    to: 'process-solidification',
    waiver: { reason: 'sponsor decision', unmetConditions: [{ rule: 'interview-not-confirmed', subjectId: 'int-1' }] },
  },
  MemberAdded: { engagementId: E, userId: 'u-chen', name: 'Chen Wei', role: 'consultant', workgroup: 'Process design' },
  MemberRoleChanged: {
    engagementId: E,
    userId: 'u-chen',
    name: 'Chen Wei',
    role: 'pm',
    previous: { name: 'Chen Wei', role: 'consultant', workgroup: 'Process design' },
    reason: 'takes over from Pat',
  },
  MemberRemoved: { engagementId: E, userId: 'u-chen', name: 'Chen Wei', role: 'pm', reason: 'left the project' },
  GoalAdded: { engagementId: E, goalId: 'g-1', text: 'Quotes answered within a working day' },
  SuccessTargetAdded: {
    engagementId: E,
    goalId: 'g-1',
    targetId: 't-1',
    metric: 'Quote answer time',
    unit: 'hours',
    baseline: 30,
    target: 8,
    horizon: '2026-12-31',
    owner: 'Wang Fang',
    direction: 'decrease',
  },
  SuccessTargetRevised: {
    engagementId: E,
    goalId: 'g-1',
    targetId: 't-1',
    changes: { target: 12 },
    previous: { target: 8 },
    reason: 'export quotes need a customs check',
    direction: 'decrease',
    status: 'pending',
  },
  MeasurementRecorded: {
    engagementId: E,
    goalId: 'g-1',
    targetId: 't-1',
    measurementId: 'm-1',
    value: 7.5,
    measuredAt: '2026-08-31T10:00:00.000Z',
    note: 'August average',
    direction: 'decrease',
    status: 'met',
  },
  BusinessCaseSet: {
    engagementId: E,
    revision: 2,
    ...businessCase,
    figures: businessCaseFigures(businessCase),
    reason: 'Finance set the hurdle rate at 10 %',
    previous: { discountRate: 0.08 },
    previousTotal: businessCaseFigures({ ...businessCase, discountRate: 0.08 }).total,
  },
  GateConditionsChosen: { engagementId: E, phase: 'business-survey', require: ['departments-heard'], previous: [], reason: 'every department must be heard' },
  InterviewScheduled: {
    interviewId: 'int-1',
    engagementId: E,
    interviewee: { name: 'Li', department: 'Sales', position: 'Manager' },
    interviewers: ['Chen'],
    scheduledAt: '2026-03-05T02:00:00.000Z',
    durationMinutes: 60,
    location: 'Room 3',
    method: 'video',
    topics: ['reports'],
  },
  InterviewRescheduled: {
    interviewId: 'int-1',
    scheduledAt: '2026-03-06T02:00:00.000Z',
    location: 'Room 4',
    previousScheduledAt: '2026-03-05T02:00:00.000Z',
    previousLocation: 'Room 3',
    reason: 'ill',
  },
  InterviewCancelled: { interviewId: 'int-1', reason: 'left the company' },
  InterviewConducted: { interviewId: 'int-1', conductedAt: '2026-03-05T02:00:00.000Z', attendees: ['Li'] },
  FindingRecorded: { interviewId: 'int-1', findingId: 'f-1', section: 'workflow', text: 'quotes wait' },
  SummaryDrafted: { interviewId: 'int-1', summaryVersion: 1, text: 'summary', findingIds: ['f-1'], summaryHash: HASH },
  SummarySentForConfirmation: { interviewId: 'int-1', summaryVersion: 1, summaryHash: HASH },
  SummaryConfirmed: { interviewId: 'int-1', summaryVersion: 1, summaryHash: HASH, confirmedBy: 'u-li', via: { method: 'link', linkId: 'l-1', issuedBy: 'u-chen' } },
  SummaryRevisionRequested: { interviewId: 'int-1', summaryVersion: 1, summaryHash: HASH, requestedBy: 'u-li', comments: 'add reports' },
  ConfirmationLinkIssued: {
    interviewId: 'int-1',
    summaryVersion: 1,
    summaryHash: HASH,
    linkId: 'l-1',
    tokenHash: HASH,
    expiresAt: '2026-03-12T02:00:00.000Z',
    email: 'li@acme.com',
    language: 'zh-CN',
  },
  ConfirmationLinkRevoked: { interviewId: 'int-1', linkId: 'l-1', reason: 'sent to the wrong address' },
  RequirementCaptured: {
    requirementId: 'req-1',
    engagementId: E,
    title: 'Credit check',
    description: 'Quotes above the limit need approval.',
    category: 'customer-data',
    departments: ['Sales'],
    sources: [{ interviewId: 'int-1', findingId: 'f-1' }],
    goalIds: ['g-1'],
  },
  RequirementRevised: {
    requirementId: 'req-1',
    changes: { title: 'Credit limit check', category: 'sales', goalIds: ['g-1', 'g-2'] },
    previous: { title: 'Credit check', category: 'customer-data', goalIds: ['g-1'] },
    reason: 'clearer',
  },
  RequirementPrioritized: {
    requirementId: 'req-1',
    frequency: 3,
    lossIfMismanaged: 2,
    urgency: 1,
    fundSafety: true,
    stakeholderConcern: false,
    rationale: 'credit risk',
    score: 9,
    formulaVersion: 1,
    previous: { frequency: 1, lossIfMismanaged: 1, urgency: 1, fundSafety: false, stakeholderConcern: false, score: 3 },
  },
  RequirementAccepted: { requirementId: 'req-1', previousStatus: 'prioritized', targetPhase: 'system-deployment' },
  RequirementDeferred: { requirementId: 'req-1', previousStatus: 'prioritized', reason: 'later' },
  RequirementRejected: { requirementId: 'req-1', previousStatus: 'captured', reason: 'out of scope' },
  ChangeRequestRaised: {
    requirementId: 'req-1',
    changeRequestId: 'cr-1',
    description: 'Check orders too',
    reason: 'finance asks',
    impact: 'one more approval step',
    changes: { description: 'Quotes and orders above the limit need approval.' },
  },
  ChangeRequestApproved: { requirementId: 'req-1', changeRequestId: 'cr-1', reason: 'agreed', suspectBaselineIds: ['b-1'] },
  ChangeRequestRejected: { requirementId: 'req-1', changeRequestId: 'cr-1', reason: 'not now' },
  BaselineCreated: {
    baselineId: 'b-1',
    engagementId: E,
    name: 'Specification 1.0',
    signatories: [{ userId: 'u-li', name: 'Li Na', role: 'stakeholder' }],
    requirements: [
      {
        requirementId: 'req-1',
        version: 3,
        title: 'Credit check',
        description: 'Quotes above the limit need approval.',
        category: 'sales',
        departments: ['Sales'],
        sources: [{ interviewId: 'int-1', findingId: 'f-1' }],
        goalIds: [],
      },
    ],
    baselineHash: HASH,
  },
  BaselineSignedOff: { baselineId: 'b-1', signer: { id: 'u-li', name: 'Li Na' }, meaning: 'approved', baselineHash: HASH, authenticatedAt: '2026-04-02T08:58:00.000Z' },
  BaselineSigned: { baselineId: 'b-1', name: 'Specification 1.0', baselineHash: HASH, requirements: [{ requirementId: 'req-1', version: 3 }], supersedes: [] },
  BaselineRejected: { baselineId: 'b-1', rejectedBy: { id: 'u-li', name: 'Li Na' }, comments: 'the reports are missing' },
};

const recorded = <T extends DomainEventType>(type: T): RecordedEvent =>
  ({
    type,
    data: SAMPLES[type],
    eventId: randomUUID(),
    schemaVersion: 1,
    occurredAt: '2026-03-02T09:00:00.000+08:00',
    actor: { id: 'u-chen', name: 'Chen Wei', roles: ['consultant', 'admin'] },
    correlationId: 'req-1',
    causationId: 'cmd-1',
    engagementId: E,
    streamId: 'any-1',
    revision: 0,
    position: '1',
  }) as RecordedEvent;

t.test('every internal event type is either published or explicitly internal-only', async (t) => {
  t.same([...PUBLISHED_DOMAIN_EVENT_TYPES, ...INTERNAL_ONLY_DOMAIN_EVENT_TYPES].sort(), [...EVENT_TYPES].sort(), 'each type decided once');
  for (const type of EVENT_TYPES) {
    const decision = INTEGRATION_MAPPING[type];
    const event = toIntegrationEvent(recorded(type));
    if ('internalOnly' in decision) {
      t.ok(decision.internalOnly.length > 10, `${type}: internal-only, with a reason`);
      t.equal(event, undefined, `${type}: nothing published`);
    } else {
      const parsed = IntegrationEvent.safeParse(event);
      t.ok(parsed.success, `${type} → ${event?.type}: a valid public event`, { issues: parsed.error?.issues });
    }
  }
  const produced = new Set(PUBLISHED_DOMAIN_EVENT_TYPES.map((type) => toIntegrationEvent(recorded(type))!.type));
  t.same([...produced, ...WITNESS_EVENT_TYPES].sort(), [...INTEGRATION_EVENT_TYPES].sort(), 'every public type is produced by some internal event, or by the anchoring');
});

t.test('the envelope comes from the recorded event, without internal details', async (t) => {
  const source = recorded('RequirementCaptured');
  const event = toIntegrationEvent(source)!;
  t.same(
    { ...event, data: undefined },
    {
      specVersion: '1.0',
      id: source.eventId,
      type: 'requirement.captured',
      schemaVersion: 1,
      occurredAt: source.occurredAt,
      engagementId: E,
      subject: { type: 'requirement', id: 'req-1' },
      actor: { id: 'u-chen', name: 'Chen Wei' },
      correlationId: 'req-1',
      causationId: 'cmd-1',
      data: undefined,
    },
  );
  t.notOk('roles' in event.actor, 'roles stay internal');
  t.notOk(JSON.stringify(event).includes('any-1'), 'stream ids and positions stay internal');
  const advanced = toIntegrationEvent(recorded('PhaseAdvanced'))!;
  t.match(advanced, { type: 'engagement.phase-advanced', subject: { type: 'engagement', id: E }, data: { waived: true, waiver: { unmetConditions: [{ rule: 'interview-not-confirmed' }] } } });
  const prioritized = toIntegrationEvent(recorded('RequirementPrioritized'))!;
  t.match(prioritized.data, { score: 9, inputs: { frequency: 3, fundSafety: true }, previous: { score: 3 } });
  const accepted = toIntegrationEvent(recorded('RequirementAccepted'))!;
  t.notOk('reason' in accepted.data, 'absent optional fields are absent, not undefined');
});

t.test('the published JSON schemas accept what is sent and reject what breaks the contract', async (t) => {
  const validate = await publishedValidator();
  const message = (event: unknown) => {
    const e = event as IntegrationEvent;
    return { headers: messageHeaders(e), value: JSON.stringify(e) };
  };
  for (const example of Object.values(INTEGRATION_EVENT_EXAMPLES)) {
    t.same(validate(message(example)), [], `example ${example.type} validates`);
  }
  for (const type of PUBLISHED_DOMAIN_EVENT_TYPES) t.same(validate(message(toIntegrationEvent(recorded(type)))), [], `mapped ${type} validates`);

  // Departments not heard are a later gate rule: they travel in a field of their own, so v1's rules stay as they were.
  const waiverOf = (unmetConditions: GateCondition[]) =>
    toIntegrationEvent({ ...recorded('PhaseAdvanced'), data: { ...SAMPLES.PhaseAdvanced, waiver: { reason: 'workshops', unmetConditions } } } as RecordedEvent)!;
  const onlyDepartments = waiverOf([{ rule: 'department-not-heard', subjectId: 'Finance' }]);
  t.same(validate(message(onlyDepartments)), [], 'a waiver of departments alone validates against v1');
  t.match(onlyDepartments.data, { waived: false, departmentsWaiver: { reason: 'workshops', unheardDepartments: ['Finance'] } });
  t.notOk('waiver' in onlyDepartments.data, 'v1 waivers list v1 rules only');
  const both = waiverOf([
    { rule: 'interview-not-confirmed', subjectId: 'int-1' },
    { rule: 'department-not-heard', subjectId: 'Finance' },
  ]);
  t.same(validate(message(both)), [], 'a waiver of both validates');
  t.match(both.data, { waived: true, waiver: { unmetConditions: [{ rule: 'interview-not-confirmed', subjectId: 'int-1' }] }, departmentsWaiver: { unheardDepartments: ['Finance'] } });

  const good = INTEGRATION_EVENT_EXAMPLES['requirement.captured'];
  t.same(validate(message({ ...good, addedLater: true, data: { ...good.data, priorityHint: 1 } })), [], 'objects are open: added fields pass');
  const broken: [string, unknown][] = [
    ['a missing field', { ...good, occurredAt: undefined }],
    ['a missing data field', { ...good, data: { ...good.data, title: undefined } }],
    ['a value outside its enum', { ...good, data: { ...good.data, category: 'finance' } }],
    ['a bad event id', { ...good, id: 'not-a-uuid' }],
    ['an instant without offset', { ...good, occurredAt: '2026-03-02 09:00' }],
    ['another schema version', { ...good, schemaVersion: 2 }],
    ['an unknown type', { ...good, type: 'requirement.exploded' }],
  ];
  for (const [what, event] of broken) t.not(validate(message(event)).length, 0, `rejects ${what}`);
  t.not(validate({ headers: { ...messageHeaders(good), 'content-type': 'text/plain' }, value: JSON.stringify(good) }).length, 0, 'rejects a bad header');
});

t.test('docs/asyncapi.json is up to date (node --import tsx infra/publisher/write-asyncapi.ts)', async (t) => {
  t.equal(await readFile(ASYNCAPI_PATH, 'utf8'), renderAsyncApi(), 'regenerate it after changing contracts/integration');
});

t.test('the AsyncAPI document is a consistent 3.0 document', async (t) => {
  const document = asyncApiDocument('crm.requirements.events.v1') as unknown as Record<string, any>;
  t.equal(document['asyncapi'], '3.0.0');
  const refs: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string') refs.push(value);
        else walk(value);
      }
    }
  };
  walk(document);
  const target = (ref: string) =>
    ref
      .replace(/^#\//, '')
      .split('/')
      .reduce<any>((at, key) => at?.[key], document);
  t.same(refs.filter((ref) => target(ref) === undefined), [], `all ${refs.length} references resolve`);
  const channel = document['channels'].requirementEvents;
  t.equal(channel.address, 'crm.requirements.events.v1', 'the channel address is the topic');
  const operation = document['operations'].publishRequirementEvents;
  t.equal(operation.action, 'send');
  t.same(
    operation.messages.map((m: { $ref: string }) => m.$ref.split('/').at(-1)).sort(),
    Object.keys(channel.messages).sort(),
    'the operation sends every message of its channel',
  );
  const names = Object.values(document['components'].messages).map((m: any) => m.name);
  t.same(names.sort(), [...INTEGRATION_EVENT_TYPES].sort(), 'one message per public type');
  t.equal(asyncApiDocument('other.topic').channels.requirementEvents.address, 'other.topic', 'the topic is a parameter');
});
