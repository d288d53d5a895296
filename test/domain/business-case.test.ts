import t, { type Test } from 'tap';
import {
  businessCaseFigures,
  cashFlowFigures,
  engagementDecider,
  internalRateOfReturn,
  type EngagementCommandWithContext,
} from '../../domain/index.js';
import type { BusinessCaseInputs, EngagementEvent } from '../../contracts/index.js';
import { deciderSpec } from '../support/decider-spec.js';
import { atGoLive, E1, engagementStarted, meta, pm } from '../support/fixtures.js';

const spec = deciderSpec(engagementDecider);
const cmd = (c: Omit<EngagementCommandWithContext, 'metadata'>) => ({ ...c, ...meta(pm) }) as EngagementCommandWithContext;
const close = (t: Test, actual: number | null | undefined, expected: number, message: string, within = 1e-9) =>
  t.ok(actual !== null && actual !== undefined && Math.abs(actual - expected) <= within, `${message}: ${actual} ≈ ${expected}`);

t.test('NPV, ROI, IRR and payback of one cost at the start and two equal gains, at 10 %', async (t) => {
  // Flows −1000, +600, +600.
  const figures = cashFlowFigures([0, 600, 600], [1000, 0, 0], 0.1);
  t.same(figures.netCashFlows, [-1000, 600, 600]);
  // PV of the gains: 600/1.1 + 600/1.21 = 545.4545… + 495.8677… = 1041.3223…
  close(t, figures.presentValueOfGains, 600 / 1.1 + 600 / 1.21, 'present value of the gains');
  close(t, figures.presentValueOfGains, 1041.3223140495866, 'the same as a number', 1e-6);
  t.equal(figures.presentValueOfCosts, 1000, 'a cost at the start is not discounted');
  // NPV = 1041.3223… − 1000 = 41.3223…; ROI = 41.3223… / 1000.
  close(t, figures.npv, 41.32231404958679, 'NPV', 1e-6);
  close(t, figures.roi, 0.04132231404958679, 'ROI', 1e-9);
  // IRR: 600/y + 600/y² = 1000 with y = 1 + r, so 1000y² − 600y − 600 = 0 and
  // y = (600 + √(600² + 4·1000·600)) / 2000 = (600 + √2 760 000) / 2000 = 1.1306623862918…
  t.equal(figures.irr.status, 'unique');
  close(t, figures.irr.status === 'unique' ? figures.irr.rate : null, (600 + Math.sqrt(2_760_000)) / 2000 - 1, 'IRR', 1e-12);
  // Cumulative −1000, −400, +200: zero is crossed 400/600 into period 2.
  close(t, figures.paybackPeriods, 1 + 400 / 600, 'payback');
  // Discounted: −1000, +545.45…, +495.87…; cumulative −1000, −454.55…, +41.32…;
  // 1 + 454.55…/495.87… = 1 + (500/1.1)/(600/1.21) = 1 + 605/660 = 1 + 11/12.
  close(t, figures.discountedPaybackPeriods, 1 + 11 / 12, 'discounted payback');
});

t.test('IRR: a rate of zero, none without a change of sign, not determined with two', async (t) => {
  // −100 + 100 = 0 at r = 0.
  const zero = internalRateOfReturn([-100, 100]);
  close(t, zero.status === 'unique' ? zero.rate : null, 0, 'a flow that only pays back its cost has an IRR of 0', 1e-12);
  // −100 + 121/(1+r)² = 0 at (1+r)² = 1.21: r = 10 %, whatever lies between.
  const ten = internalRateOfReturn([-100, 0, 121]);
  close(t, ten.status === 'unique' ? ten.rate : null, 0.1, 'a gain two periods later', 1e-12);
  t.same(internalRateOfReturn([-100, -100]), { status: 'none' }, 'costs only: no rate makes them worth zero');
  t.same(internalRateOfReturn([0, 50, 60]), { status: 'none' }, 'gains only: none either');
  // −100 + 230x − 132x² = 0 has x = 240/264 and 220/264: r = 10 % and r = 20 % both make the NPV zero.
  t.same(internalRateOfReturn([-100, 230, -132]), { status: 'not-determined' }, 'two changes of sign, two rates: no single number');
  // 100 − 300x + 250x² changes sign twice as well, and 300² − 4·100·250 < 0: no rate at all; none is guessed.
  t.same(internalRateOfReturn([100, -300, 250]), { status: 'not-determined' }, 'two changes of sign, no rate');
});

t.test('payback: 0 when never behind, null when behind at the end, and it must stay paid back', async (t) => {
  t.equal(cashFlowFigures([50, 50], [0, 0], 0.1).paybackPeriods, 0, 'no cost: paid back from the start');
  t.equal(cashFlowFigures([0, 0], [100, 100], 0.1).paybackPeriods, null, 'costs only: never');
  // Cumulative −100, +130, −2: ahead after period 1, behind again at the end: never paid back for good.
  t.equal(cashFlowFigures([0, 230, 0], [100, 0, 132], 0.1).paybackPeriods, null);
  // Cumulative −100, +30, −20, +80: paid back for good 20/100 into period 3.
  close(t, cashFlowFigures([0, 130, 0, 100], [100, 0, 50, 0], 0).paybackPeriods, 2.2, 'from the last time it was behind');
  t.equal(cashFlowFigures([0], [100], 0.1).roi, -1, 'a cost that brings nothing returns −100 %');
  t.equal(cashFlowFigures([100], [0], 0.1).roi, null, 'no ROI without costs');
});

const inputs: BusinessCaseInputs = {
  currency: 'CNY',
  periodLength: 'year',
  discountRate: 0.1,
  groups: [
    { groupId: 'call-centre', name: 'Call centre application', category: 'service' },
    { groupId: 'quotes', name: 'Quoting', requirementIds: ['req-1'] },
  ],
  lines: [
    { kind: 'cost', label: 'Platform', amounts: [500, 100, 100] },
    { kind: 'cost', label: 'Call centre set-up', groupId: 'call-centre', amounts: [1000] },
    { kind: 'gain', label: 'Fewer repeat calls', groupId: 'call-centre', amounts: [0, 600, 600] },
    { kind: 'gain', label: 'Quotes answered faster', groupId: 'quotes', amounts: [0, 200] },
  ],
};

t.test('a case: the total, each group and the shared lines, over its longest line', async (t) => {
  const figures = businessCaseFigures(inputs);
  // Total flows: −1500, +700, +500. NPV = −1500 + 700/1.1 + 500/1.21 = −1500 + 636.3636… + 413.2231… = −450.4132…
  t.same(figures.total.netCashFlows, [-1500, 700, 500]);
  close(t, figures.total.npv, -1500 + 700 / 1.1 + 500 / 1.21, 'total NPV');
  t.same(figures.groups.map((g) => g.groupId), ['call-centre', 'quotes']);
  // The call centre alone is the case computed by hand above: NPV 41.32…
  close(t, figures.groups[0]!.npv, 41.32231404958679, 'the call centre contributes', 1e-6);
  // Quoting: +200 in period 1, nothing else; the line ends early and brings nothing in period 2.
  t.same(figures.groups[1]!.netCashFlows, [0, 200, 0]);
  close(t, figures.groups[1]!.npv, 200 / 1.1, 'quoting contributes');
  t.same(figures.shared?.netCashFlows, [-500, -100, -100], 'the platform belongs to no group');
  close(t, figures.groups[0]!.npv + figures.groups[1]!.npv + figures.shared!.npv, figures.total.npv, 'the parts add up to the whole');
});

const setCase = (overrides: Partial<BusinessCaseInputs> = {}, facts?: { requirementIds: string[] }) =>
  cmd({
    type: 'SetBusinessCase',
    data: { engagementId: E1, ...inputs, ...overrides, reason: 'finance workshop' },
    ...(facts ? { facts } : {}),
  } as Omit<EngagementCommandWithContext, 'metadata'>);
const known = { requirementIds: ['req-1', 'req-2'] };
const firstSet: EngagementEvent = {
  type: 'BusinessCaseSet',
  data: { engagementId: E1, revision: 1, ...inputs, figures: businessCaseFigures(inputs), reason: 'finance workshop', previous: {} },
};

t.test('SetBusinessCase', async (t) => {
  t.test('draws up the case as revision 1, with its figures', async (t) => {
    spec(t).given([engagementStarted]).when(setCase({}, known)).then([firstSet]);
  });
  t.test('revises it: the inputs that changed with the values they replaced, and the total it replaced', async (t) => {
    const revised = { ...inputs, discountRate: 0.08 };
    spec(t)
      .given([engagementStarted, firstSet])
      .when(setCase({ discountRate: 0.08 }, known))
      .then([
        {
          type: 'BusinessCaseSet',
          data: {
            engagementId: E1,
            revision: 2,
            ...revised,
            figures: businessCaseFigures(revised),
            reason: 'finance workshop',
            previous: { discountRate: 0.1 },
            previousTotal: businessCaseFigures(inputs).total,
          },
        },
      ]);
  });
  t.test('refuses a revision that changes nothing', async (t) => {
    spec(t).given([engagementStarted, firstSet]).when(setCase({}, known)).thenRejects('revision-changes-nothing');
  });
  t.test('refuses it too when the log hands the case back with its keys in another order', async (t) => {
    const sortedKeys = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(sortedKeys)
        : value !== null && typeof value === 'object'
          ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, sortedKeys(v)]))
          : value;
    const asStored = sortedKeys(firstSet) as EngagementEvent;
    spec(t).given([engagementStarted, asStored]).when(setCase({}, known)).thenRejects('revision-changes-nothing');
  });
  t.test('refuses a group naming a requirement the engagement does not have', async (t) => {
    spec(t).given([engagementStarted]).when(setCase({}, { requirementIds: ['req-2'] })).thenRejects('requirement-not-found');
  });
  t.test('needs no requirement facts when no group names requirements', async (t) => {
    const groups = [{ groupId: 'call-centre', name: 'Call centre', category: 'service' as const }];
    const lines = inputs.lines.filter((l) => l.groupId !== 'quotes');
    spec(t).given([engagementStarted]).when(setCase({ groups, lines })).then([
      {
        type: 'BusinessCaseSet',
        data: { engagementId: E1, revision: 1, ...inputs, groups, lines, figures: businessCaseFigures({ ...inputs, groups, lines }), reason: 'finance workshop', previous: {} },
      },
    ]);
  });
  t.test('refuses an unknown engagement', async (t) => {
    spec(t).given([]).when(setCase({}, known)).thenRejects('not-found');
  });
  t.test('refuses an engagement that has gone live', async (t) => {
    spec(t).given(atGoLive).when(setCase({}, known)).thenRejects('engagement-closed');
  });
});
