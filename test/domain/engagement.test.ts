import t from 'tap';
import { engagementDecider, type EngagementCommandWithContext, type SurveyFacts } from '../../domain/index.js';
import { READINESS_ITEMS, type EngagementEvent } from '../../contracts/index.js';
import { deciderSpec } from '../support/decider-spec.js';
import { advanced, atGoLive, E1, engagementStarted, inSurvey, meta, pm } from '../support/fixtures.js';

const spec = deciderSpec(engagementDecider);
const cmd = (c: Omit<EngagementCommandWithContext, 'metadata'>) => ({ ...c, ...meta(pm) }) as EngagementCommandWithContext;
const start = cmd({ type: 'StartEngagement', data: { ...engagementStarted.data } } as never);
const readiness = (item: string, status: string, previousStatus?: string): EngagementEvent =>
  ({ type: 'ReadinessRecorded', data: { engagementId: E1, item, status, ...(previousStatus ? { previousStatus } : {}) } }) as EngagementEvent;
const inSolidification = [...inSurvey, advanced('business-survey', 'process-solidification')];
const noSurvey: SurveyFacts = { interviews: [], requirements: [] };

t.test('StartEngagement', async (t) => {
  t.test('starts an engagement in concept-introduction, its starter the first pm of the team', async (t) => {
    spec(t)
      .given([])
      .when(start)
      .then([engagementStarted, { type: 'MemberAdded', data: { engagementId: E1, userId: 'u-pat', name: 'Pat Lee', role: 'pm' } }]);
  });
  t.test('rejects an id that is taken', async (t) => {
    spec(t).given([engagementStarted]).when(start).thenRejects('already-exists');
  });
});

t.test('RecordReadiness', async (t) => {
  const record = cmd({ type: 'RecordReadiness', data: { engagementId: E1, item: 'funding-secured', status: 'met', evidence: 'budget approved' } });
  t.test('records an assessment with its evidence', async (t) => {
    spec(t).given([engagementStarted]).when(record).then([
      { type: 'ReadinessRecorded', data: { engagementId: E1, item: 'funding-secured', status: 'met', evidence: 'budget approved' } },
    ]);
  });
  t.test('a re-assessment names the status it replaces', async (t) => {
    spec(t).given([engagementStarted, readiness('funding-secured', 'not-met')]).when(record).then([
      {
        type: 'ReadinessRecorded',
        data: { engagementId: E1, item: 'funding-secured', status: 'met', evidence: 'budget approved', previousStatus: 'not-met' },
      },
    ]);
  });
  t.test('rejects an unknown engagement', async (t) => {
    spec(t).given([]).when(record).thenRejects('not-found');
  });
  t.test('rejects an engagement that has gone live', async (t) => {
    spec(t).given(atGoLive).when(record).thenRejects('engagement-closed');
  });
});

t.test('AdvancePhase', async (t) => {
  const advance = (to: string, extra: object = {}) =>
    cmd({ type: 'AdvancePhase', data: { engagementId: E1, to, ...extra }, facts: noSurvey } as never);

  t.test('moves to the next phase', async (t) => {
    spec(t).given([engagementStarted]).when(advance('business-survey')).then([advanced('concept-introduction', 'business-survey')]);
  });
  t.test('rejects skipping a phase', async (t) => {
    spec(t)
      .given([engagementStarted])
      .when(advance('process-solidification'))
      .thenRejects('phase-not-next', { currentPhase: 'concept-introduction', nextPhase: 'business-survey' });
  });
  t.test('rejects going back', async (t) => {
    spec(t).given(inSurvey).when(advance('concept-introduction')).thenRejects('phase-not-next');
  });
  t.test('rejects an unknown engagement', async (t) => {
    spec(t).given([]).when(advance('business-survey')).thenRejects('not-found');
  });
  t.test('go-live is terminal', async (t) => {
    spec(t).given(atGoLive).when(advance('go-live')).thenRejects('engagement-closed');
  });

  t.test('leaving business-survey', async (t) => {
    const facts: SurveyFacts = {
      interviews: [
        { interviewId: 'int-confirmed', status: 'confirmed', department: 'Sales' },
        { interviewId: 'int-cancelled', status: 'cancelled', department: 'Sales' },
        { interviewId: 'int-sent', status: 'summary-sent', department: 'Sales' },
      ],
      requirements: [
        { requirementId: 'req-prioritized', status: 'prioritized', departments: ['Sales'] },
        { requirementId: 'req-accepted', status: 'accepted', departments: ['Sales'] },
        { requirementId: 'req-rejected', status: 'rejected', departments: ['Sales'] },
        { requirementId: 'req-captured', status: 'captured', departments: ['Sales'] },
      ],
    };
    const unmet = [
      { rule: 'interview-not-confirmed', subjectId: 'int-sent' },
      { rule: 'requirement-not-prioritized', subjectId: 'req-captured' },
    ];
    const leave = (f: SurveyFacts, waiverReason?: string) =>
      cmd({
        type: 'AdvancePhase',
        data: { engagementId: E1, to: 'process-solidification', ...(waiverReason ? { waiverReason } : {}) },
        facts: f,
      } as never);

    t.test('is refused while an interview is unconfirmed or a requirement unprioritized', async (t) => {
      spec(t).given(inSurvey).when(leave(facts)).thenRejects('gate-not-satisfied', { unmetConditions: unmet });
    });
    t.test('passes when cancelled interviews and rejected requirements are the only open ones', async (t) => {
      const satisfied: SurveyFacts = {
        interviews: facts.interviews.filter((i) => i.interviewId !== 'int-sent'),
        requirements: facts.requirements.filter((r) => r.requirementId !== 'req-captured'),
      };
      spec(t).given(inSurvey).when(leave(satisfied)).then([advanced('business-survey', 'process-solidification')]);
    });
    t.test('a written waiver passes the gate and records what it waived', async (t) => {
      spec(t)
        .given(inSurvey)
        .when(leave(facts, 'sponsor accepts the open items'))
        .then([
          {
            type: 'PhaseAdvanced',
            data: {
              engagementId: E1,
              from: 'business-survey',
              to: 'process-solidification',
              waiver: { reason: 'sponsor accepts the open items', unmetConditions: unmet },
            },
          } as EngagementEvent,
        ]);
    });
    t.test('a waiver for a satisfied gate waives nothing and is not recorded', async (t) => {
      spec(t).given(inSurvey).when(leave(noSurvey, 'just in case')).then([advanced('business-survey', 'process-solidification')]);
    });
    t.test('cannot be decided without survey facts', async (t) => {
      t.throws(() =>
        engagementDecider.decide(
          { ...cmd({ type: 'AdvancePhase', data: { engagementId: E1, to: 'process-solidification' } }) },
          inSurvey.reduce(engagementDecider.evolve, engagementDecider.initialState()),
        ),
      );
    });
  });

  t.test('leaving process-solidification', async (t) => {
    const allReady = READINESS_ITEMS.map((item, i) => readiness(item, i % 2 ? 'met' : 'not-applicable'));
    t.test('is refused until every readiness item is met or not applicable', async (t) => {
      spec(t)
        .given([...inSolidification, ...allReady.slice(1), readiness('strategy-defined', 'not-met', 'met')])
        .when(advance('system-deployment'))
        .thenRejects('gate-not-satisfied', {
          unmetConditions: [
            { rule: 'readiness-item-not-met', subjectId: 'funding-secured' },
            { rule: 'readiness-item-not-met', subjectId: 'strategy-defined' },
          ],
        });
    });
    t.test('passes when every item is met or not applicable', async (t) => {
      spec(t).given([...inSolidification, ...allReady]).when(advance('system-deployment')).then([
        advanced('process-solidification', 'system-deployment'),
      ]);
    });
    t.test('passes with a waiver that lists the unmet items', async (t) => {
      spec(t)
        .given(inSolidification)
        .when(advance('system-deployment', { waiverReason: 'assessment follows in week 2' }))
        .then([
          {
            type: 'PhaseAdvanced',
            data: {
              engagementId: E1,
              from: 'process-solidification',
              to: 'system-deployment',
              waiver: {
                reason: 'assessment follows in week 2',
                unmetConditions: READINESS_ITEMS.map((subjectId) => ({ rule: 'readiness-item-not-met' as const, subjectId })),
              },
            },
          },
        ]);
    });
  });

  t.test('other phases have no gate', async (t) => {
    const inDeployment = [...inSolidification, advanced('process-solidification', 'system-deployment')];
    spec(t).given(inDeployment).when(advance('application-training')).then([advanced('system-deployment', 'application-training')]);
  });
});

t.test('the team', async (t) => {
  const member = (type: 'MemberAdded' | 'MemberRoleChanged' | 'MemberRemoved', data: object) =>
    ({ type, data: { engagementId: E1, ...data } }) as EngagementEvent;
  const add = (data: object) => cmd({ type: 'AddMember', data: { engagementId: E1, ...data } } as never);
  const remove = (userId: string, reason = 'moved to another project') =>
    cmd({ type: 'RemoveMember', data: { engagementId: E1, userId, reason } } as never);
  const patLeads = [engagementStarted, member('MemberAdded', { userId: 'u-pat', name: 'Pat Lee', role: 'pm' })];
  const chen = { userId: 'u-chen', name: 'Chen Wei', role: 'consultant', workgroup: 'Process design' };

  t.test('adds a member with role, workgroup and department', async (t) => {
    spec(t).given(patLeads).when(add({ ...chen, department: 'Consulting' })).then([member('MemberAdded', { ...chen, department: 'Consulting' })]);
  });
  t.test('changes the role or workgroup of a member, naming what was there', async (t) => {
    spec(t)
      .given([...patLeads, member('MemberAdded', chen)])
      .when(add({ ...chen, role: 'pm', reason: 'leads the survey now' }))
      .then([
        member('MemberRoleChanged', {
          ...chen,
          role: 'pm',
          reason: 'leads the survey now',
          previous: { name: 'Chen Wei', role: 'consultant', workgroup: 'Process design' },
        }),
      ]);
  });
  t.test('rejects a change that changes nothing', async (t) => {
    spec(t).given([...patLeads, member('MemberAdded', chen)]).when(add(chen)).thenRejects('membership-changes-nothing');
  });
  t.test('removes a member, recording the role they held', async (t) => {
    spec(t)
      .given([...patLeads, member('MemberAdded', chen)])
      .when(remove('u-chen'))
      .then([member('MemberRemoved', { userId: 'u-chen', name: 'Chen Wei', role: 'consultant', reason: 'moved to another project' })]);
  });
  t.test('the last pm can be neither removed nor made something else', async (t) => {
    spec(t).given(patLeads).when(remove('u-pat')).thenRejects('last-pm');
    spec(t).given(patLeads).when(add({ userId: 'u-pat', name: 'Pat Lee', role: 'observer' })).thenRejects('last-pm');
  });
  t.test('a pm can leave once another pm is in the team', async (t) => {
    spec(t)
      .given([...patLeads, member('MemberAdded', { ...chen, role: 'pm' })])
      .when(remove('u-pat'))
      .then([member('MemberRemoved', { userId: 'u-pat', name: 'Pat Lee', role: 'pm', reason: 'moved to another project' })]);
  });
  t.test('rejects removing someone who is not in the team', async (t) => {
    spec(t).given(patLeads).when(remove('u-nobody')).thenRejects('not-found');
  });
  t.test('rejects an unknown engagement', async (t) => {
    spec(t).given([]).when(add(chen)).thenRejects('not-found');
  });
  t.test('the team can still change after go-live (auditors join late)', async (t) => {
    spec(t)
      .given([...atGoLive, member('MemberAdded', { userId: 'u-pat', name: 'Pat Lee', role: 'pm' })])
      .when(add({ userId: 'u-audit', name: 'Auditor', role: 'observer' }))
      .then([member('MemberAdded', { userId: 'u-audit', name: 'Auditor', role: 'observer' })]);
  });
});
