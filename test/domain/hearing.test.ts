import t from 'tap';
import { engagementDecider, type EngagementCommandWithContext, type SurveyFacts } from '../../domain/index.js';
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { departmentsHeard, withScheduledInterview, type EngagementEvent, type HearingFacts } from '../../contracts/index.js';
import { deciderSpec } from '../support/decider-spec.js';
import { advanced, atGoLive, E1, inSurvey, meta, pm } from '../support/fixtures.js';

const spec = deciderSpec(engagementDecider);
const cmd = (c: Omit<EngagementCommandWithContext, 'metadata'>) => ({ ...c, ...meta(pm) }) as EngagementCommandWithContext;

t.test('departments named by the team, interviews and requirements, against those interviewed and confirmed', async (t) => {
  const hearing = departmentsHeard({
    members: [
      { userId: 'u-wang', department: 'Finance' },
      { userId: 'u-zhao', department: ' sales ' },
      { userId: 'u-chen' },
    ],
    interviews: [
      { interviewId: 'int-1', department: 'Sales', status: 'confirmed' },
      { interviewId: 'int-2', department: 'Service', status: 'summary-sent' },
      { interviewId: 'int-3', department: 'Logistics', status: 'cancelled' },
      { interviewId: 'int-4', department: 'Marketing', status: 'scheduled' },
    ],
    requirements: [
      { requirementId: 'req-1', departments: ['SALES', 'Warehouse'], status: 'accepted' },
      { requirementId: 'req-2', departments: ['Legal'], status: 'rejected' },
    ],
  });
  t.strictSame(hearing, [
    { department: 'Finance', namedBy: { members: ['u-wang'], interviews: [], requirements: [] }, interviewed: [], confirmed: [], heard: false },
    { department: 'Marketing', namedBy: { members: [], interviews: ['int-4'], requirements: [] }, interviewed: [], confirmed: [], heard: false },
    {
      department: 'sales',
      namedBy: { members: ['u-zhao'], interviews: ['int-1'], requirements: ['req-1'] },
      interviewed: ['int-1'],
      confirmed: ['int-1'],
      heard: true,
    },
    { department: 'Service', namedBy: { members: [], interviews: ['int-2'], requirements: [] }, interviewed: ['int-2'], confirmed: [], heard: false },
    { department: 'Warehouse', namedBy: { members: [], interviews: [], requirements: ['req-1'] }, interviewed: [], confirmed: [], heard: false },
  ], 'one entry per department whatever its spelling; a cancelled interview and a rejected requirement name none');
});

const chooseHeard = (require: Array<'departments-heard'> = ['departments-heard'], phase: 'business-survey' = 'business-survey') =>
  cmd({ type: 'ChooseGateConditions', data: { engagementId: E1, phase, require, reason: 'seed 004: identify the key stakeholders' } });
const chosen: EngagementEvent = {
  type: 'GateConditionsChosen',
  data: { engagementId: E1, phase: 'business-survey', require: ['departments-heard'], previous: [], reason: 'seed 004: identify the key stakeholders' },
};

t.test('ChooseGateConditions', async (t) => {
  t.test('a pm makes "every named department heard" a condition of leaving the business survey', async (t) => {
    spec(t).given(inSurvey).when(chooseHeard()).then([chosen]);
  });
  t.test('and can drop it again, with what it replaces', async (t) => {
    spec(t)
      .given([...inSurvey, chosen])
      .when(cmd({ type: 'ChooseGateConditions', data: { engagementId: E1, phase: 'business-survey', require: [], reason: 'one department only' } }))
      .then([{ type: 'GateConditionsChosen', data: { engagementId: E1, phase: 'business-survey', require: [], previous: ['departments-heard'], reason: 'one department only' } }]);
  });
  t.test('refuses a choice that changes nothing', async (t) => {
    spec(t).given([...inSurvey, chosen]).when(chooseHeard()).thenRejects('revision-changes-nothing');
  });
  t.test('refuses a gate the engagement has passed', async (t) => {
    spec(t).given([...inSurvey, advanced('business-survey', 'process-solidification')]).when(chooseHeard()).thenRejects('gate-already-passed');
  });
  t.test('refuses an engagement that has gone live', async (t) => {
    spec(t).given(atGoLive).when(chooseHeard()).thenRejects('engagement-closed');
  });
});

t.test('leaving the business survey when every named department must be heard', async (t) => {
  const memberInFinance: EngagementEvent = { type: 'MemberAdded', data: { engagementId: E1, userId: 'u-wang', name: 'Wang Fang', role: 'stakeholder', department: 'Finance' } };
  const facts: SurveyFacts = {
    interviews: [{ interviewId: 'int-1', status: 'confirmed', department: 'Sales' }],
    requirements: [{ requirementId: 'req-1', status: 'prioritized', departments: ['Sales', 'Warehouse'] }],
  };
  const leave = (waiverReason?: string) =>
    cmd({ type: 'AdvancePhase', data: { engagementId: E1, to: 'process-solidification', ...(waiverReason ? { waiverReason } : {}) }, facts } as never);
  const unheard = [
    { rule: 'department-not-heard', subjectId: 'Finance' },
    { rule: 'department-not-heard', subjectId: 'Warehouse' },
  ];

  t.test('without the option, departments not heard do not hold the gate', async (t) => {
    spec(t).given([...inSurvey, memberInFinance]).when(leave()).then([advanced('business-survey', 'process-solidification')]);
  });
  t.test('with it, the gate refuses and lists the departments not heard', async (t) => {
    spec(t).given([...inSurvey, memberInFinance, chosen]).when(leave()).thenRejects('gate-not-satisfied', { unmetConditions: unheard });
  });
  t.test('a written waiver passes it and records the departments it waived', async (t) => {
    spec(t)
      .given([...inSurvey, memberInFinance, chosen])
      .when(leave('Finance and the warehouse are heard in the process workshops'))
      .then([
        {
          type: 'PhaseAdvanced',
          data: {
            engagementId: E1,
            from: 'business-survey',
            to: 'process-solidification',
            waiver: { reason: 'Finance and the warehouse are heard in the process workshops', unmetConditions: unheard },
          },
        } as EngagementEvent,
      ]);
  });
  t.test('passes once every named department has a confirmed interview', async (t) => {
    const heard: SurveyFacts = {
      interviews: [...facts.interviews, { interviewId: 'int-2', status: 'confirmed', department: 'finance' }, { interviewId: 'int-3', status: 'confirmed', department: 'Warehouse' }],
      requirements: facts.requirements,
    };
    spec(t)
      .given([...inSurvey, memberInFinance, chosen])
      .when(cmd({ type: 'AdvancePhase', data: { engagementId: E1, to: 'process-solidification' }, facts: heard } as never))
      .then([advanced('business-survey', 'process-solidification')]);
  });
});

t.test('a scheduled interview judged from the hearing before it is what the rule says of all the inputs', async (t) => {
  // Spellings of a few departments, with the variants people type and blank ones.
  const department = fc.constantFrom('Sales', ' sales ', 'ＳＡＬＥＳ', 'Service', 'service', 'Ops  team', 'ops team', 'Finance', '', '  ');
  const interviewStatus = fc.constantFrom('scheduled', 'cancelled', 'conducted', 'summary-drafted', 'summary-sent', 'revision-requested', 'confirmed') as fc.Arbitrary<HearingFacts['interviews'][number]['status']>;
  const facts = fc.record({
    members: fc.array(fc.record({ userId: fc.string({ minLength: 1, maxLength: 4 }), department: fc.option(department, { nil: undefined }) }), { maxLength: 4 }),
    interviews: fc.array(fc.record({ interviewId: fc.uuid(), department, status: interviewStatus }), { maxLength: 8 }),
    requirements: fc.array(
      fc.record({ requirementId: fc.uuid(), departments: fc.array(department, { maxLength: 3 }), status: fc.constantFrom('captured', 'accepted', 'rejected') as fc.Arbitrary<HearingFacts['requirements'][number]['status']> }),
      { maxLength: 4 },
    ),
  });
  const property = fc.property(facts, fc.uuid(), department, (before, interviewId, named) => {
    const scheduled = { interviewId, department: named, status: 'scheduled' as const };
    const stepped = withScheduledInterview(departmentsHeard(before), scheduled);
    return isDeepStrictEqual(stepped, departmentsHeard({ ...before, interviews: [...before.interviews, scheduled] }));
  });
  t.doesNotThrow(() => fc.assert(property, { numRuns: 1_000 }), 'the same departments, spellings, order and verdicts for 1,000 random hearings');
});
