import t from 'tap';
import { READINESS_ITEMS, type EngagementEvent } from '../../contracts/index.js';
import { engagementDocument, type EngagementDocument } from '../../projections/index.js';
import { advanced, E1, engagementStarted, pm } from '../support/fixtures.js';
import { minute, projectionSpec, recorded } from '../support/projection-spec.js';

const spec = projectionSpec(engagementDocument);

const unassessed = READINESS_ITEMS.map((item) => ({ item, status: 'not-assessed', evidence: null, recordedAt: null, recordedBy: null }));
const started: EngagementDocument = {
  id: E1,
  engagementId: E1,
  position: '1',
  name: 'CRM for Acme',
  client: 'Acme Trading',
  sponsor: { name: 'Zhang San', title: 'CEO' },
  goals: ['one view of the customer'],
  successCriteria: ['quotes out within a day'],
  currentPhase: 'concept-introduction',
  readiness: unassessed as EngagementDocument['readiness'],
  startedAt: minute(1),
  startedBy: pm,
  team: [],
  memberIds: [],
  version: 0,
  updatedAt: minute(1),
};
const readiness = (item: string, status: string, extra: object = {}) =>
  ({ type: 'ReadinessRecorded', data: { engagementId: E1, item, status, ...extra } }) as EngagementEvent;

t.test('EngagementStarted: what was agreed, in concept introduction, nothing assessed', async (t) => {
  spec(t).given(recorded([engagementStarted], { actor: pm })).then({ [E1]: started });
});

t.test('ReadinessRecorded: the latest assessment of each item, with evidence, when and by whom', async (t) => {
  const events = recorded(
    [
      engagementStarted,
      readiness('funding-secured', 'not-met'),
      readiness('environment-ready', 'not-applicable', { evidence: 'SaaS' }),
      readiness('funding-secured', 'met', { evidence: 'board minutes', previousStatus: 'not-met' }),
    ],
    { actor: pm },
  );
  spec(t)
    .given(events)
    .then({
      [E1]: {
        ...started,
        position: '4',
        version: 3,
        updatedAt: minute(4),
        readiness: started.readiness.map((entry) =>
          entry.item === 'funding-secured'
            ? { item: entry.item, status: 'met', evidence: 'board minutes', recordedAt: minute(4), recordedBy: pm }
            : entry.item === 'environment-ready'
              ? { item: entry.item, status: 'not-applicable', evidence: 'SaaS', recordedAt: minute(3), recordedBy: pm }
              : entry,
        ),
      },
    });
});

t.test('a reassessment without evidence drops the earlier evidence', async (t) => {
  const { documents } = spec(t).given(
    recorded([engagementStarted, readiness('funding-secured', 'met', { evidence: 'budget' }), readiness('funding-secured', 'not-met', { previousStatus: 'met' })]),
  );
  t.match(documents.get(E1)!.readiness[0], { item: 'funding-secured', status: 'not-met', evidence: null });
});

t.test('PhaseAdvanced: the current phase', async (t) => {
  spec(t)
    .given(recorded([engagementStarted, advanced('concept-introduction', 'business-survey'), advanced('business-survey', 'process-solidification')], { actor: pm }))
    .then({ [E1]: { ...started, currentPhase: 'process-solidification', position: '3', version: 2, updatedAt: minute(3) } });
});

const member = (type: 'MemberAdded' | 'MemberRoleChanged' | 'MemberRemoved', data: object) =>
  ({ type, data: { engagementId: E1, ...data } }) as EngagementEvent;

t.test('the team: members join with role, workgroup and since when; changes keep since; removal drops them', async (t) => {
  const events = recorded(
    [
      engagementStarted,
      member('MemberAdded', { userId: 'u-pat', name: 'Pat Lee', role: 'pm' }),
      member('MemberAdded', { userId: 'u-chen', name: 'Chen Wei', role: 'consultant', workgroup: 'Process design' }),
      member('MemberAdded', { userId: 'u-li', name: 'Li Na', role: 'stakeholder', department: 'Sales' }),
      member('MemberRoleChanged', {
        userId: 'u-chen',
        name: 'Chen Wei',
        role: 'pm',
        previous: { name: 'Chen Wei', role: 'consultant', workgroup: 'Process design' },
      }),
      member('MemberRemoved', { userId: 'u-li', name: 'Li Na', role: 'stakeholder', reason: 'left the company' }),
    ],
    { actor: pm },
  );
  spec(t)
    .given(events)
    .then({
      [E1]: {
        ...started,
        position: '6',
        version: 5,
        updatedAt: minute(6),
        team: [
          { userId: 'u-pat', name: 'Pat Lee', role: 'pm', since: minute(2) },
          { userId: 'u-chen', name: 'Chen Wei', role: 'pm', since: minute(3), changedAt: minute(5) },
        ],
        memberIds: ['u-pat', 'u-chen'],
      },
    });
});

t.test('an event for an engagement never started leaves no document', async (t) => {
  spec(t).given(recorded([readiness('funding-secured', 'met'), advanced('concept-introduction', 'business-survey')])).then({});
});

t.test('it reads exactly the engagement events', async (t) => {
  t.same(engagementDocument.eventTypes, [
    'EngagementStarted',
    'ReadinessRecorded',
    'PhaseAdvanced',
    'MemberAdded',
    'MemberRoleChanged',
    'MemberRemoved',
    'GoalAdded',
    'SuccessTargetAdded',
    'SuccessTargetRevised',
    'MeasurementRecorded',
    'BusinessCaseSet',
    'GateConditionsChosen',
  ]);
});
