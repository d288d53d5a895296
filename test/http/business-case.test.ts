import t from 'tap';
import { discovery, testApp, users } from '../support/http.js';

const caseBody = {
  currency: 'CNY',
  periodLength: 'year',
  discountRate: 0.1,
  groups: [{ groupId: 'call-centre', name: 'Call centre application', category: 'service' }],
  lines: [
    { kind: 'cost', label: 'Call centre set-up', groupId: 'call-centre', amounts: [1000] },
    { kind: 'gain', label: 'Fewer repeat calls', groupId: 'call-centre', amounts: [0, 600, 600] },
  ],
  reason: 'Figures from the finance workshop',
};

t.test('the business case through the API: drawn up, read in the progress, revised with a reason', async (t) => {
  const { app } = await testApp();
  t.teardown(() => app.close());
  const d = discovery(app);
  const inject = (url: string, headers: Record<string, string>, payload: object) => app.inject({ method: 'POST', url, headers, payload });
  const E = (await d.startEngagement()).id;
  await d.addMember(E, 'u-li', 'stakeholder');

  const drawnUp = await inject(`/engagements/${E}/business-case`, users.pm, caseBody);
  t.equal(drawnUp.statusCode, 201, 'drawing it up creates it');
  t.equal(drawnUp.headers['location'], `/engagements/${E}/progress`, 'it is read in the progress');
  // −1000, +600, +600 at 10 %: NPV = 600/1.1 + 600/1.21 − 1000 = 41.32…; IRR = (600 + √2 760 000)/2000 − 1 = 13.07 %.
  t.match(drawnUp.json(), { revision: 1, irr: { status: 'unique' }, paybackPeriods: 1 + 400 / 600 });
  t.ok(Math.abs(drawnUp.json().npv - 41.322314) < 1e-5, 'the answer carries the NPV');

  const progress = await app.inject({
    method: 'GET',
    url: `/engagements/${E}/progress`,
    headers: { ...users.interviewee, 'x-min-position': drawnUp.json().position },
  });
  t.equal(progress.statusCode, 200, 'a stakeholder of the team reads it with the progress');
  t.match(progress.json().businessCase, {
    revision: 1,
    currency: 'CNY',
    periodLength: 'year',
    discountRate: 0.1,
    lines: caseBody.lines,
    groups: caseBody.groups,
    reason: 'Figures from the finance workshop',
    setBy: { id: 'u-pat' },
    figures: { total: { netCashFlows: [-1000, 600, 600], irr: { status: 'unique' } }, groups: [{ groupId: 'call-centre' }], shared: null },
  });

  const same = await inject(`/engagements/${E}/business-case`, users.pm, { ...caseBody, reason: 'again' });
  t.match(same.json(), { status: 409, code: 'revision-changes-nothing' });
  const revised = await inject(`/engagements/${E}/business-case`, users.pm, { ...caseBody, discountRate: 0.08, reason: 'Finance set the hurdle rate at 8 %' });
  t.equal(revised.statusCode, 200, 'a revision changes what exists');
  t.match(revised.json(), { revision: 2 });

  const twoRates = await inject(`/engagements/${E}/business-case`, users.pm, {
    ...caseBody,
    groups: [],
    lines: [
      { kind: 'cost', label: 'Set-up and dismantling', amounts: [100, 0, 132] },
      { kind: 'gain', label: 'One good year', amounts: [0, 230] },
    ],
    reason: 'a case worth zero at 10 % and at 20 %',
  });
  t.match(twoRates.json(), { irr: { status: 'not-determined' }, paybackPeriods: null }, 'no IRR number where there are two');

  const audit = await app.inject({
    method: 'GET',
    url: `/engagements/${E}/audit?action=business-case-set`,
    headers: { ...users.consultant, 'x-min-position': twoRates.json().position },
  });
  t.match(audit.json().entries, [
    { subject: { type: 'business-case', id: E }, reason: 'Figures from the finance workshop', changes: { discountRate: { from: null, to: 0.1 } } },
    { reason: 'Finance set the hurdle rate at 8 %', changes: { discountRate: { from: 0.1, to: 0.08 }, npv: { from: Number, to: Number } } },
    { changes: { irr: { from: { status: 'unique' }, to: { status: 'not-determined' } } } },
  ], 'the audit trail shows each revision, what it changed and why');
});

t.test('bad business cases are problems, and only the pm draws one up', async (t) => {
  const { app } = await testApp();
  t.teardown(() => app.close());
  const d = discovery(app);
  const inject = (url: string, headers: Record<string, string>, payload: object) => app.inject({ method: 'POST', url, headers, payload });
  const E = (await d.startEngagement()).id;

  const forbidden = await inject(`/engagements/${E}/business-case`, users.consultant, caseBody);
  t.match(forbidden.json(), { status: 403, code: 'forbidden' }, 'a consultant does not set the case');
  const cases: Array<[string, object]> = [
    ['a line of a group the case does not have', { ...caseBody, groups: [] }],
    ['a negative amount', { ...caseBody, lines: [{ kind: 'cost', label: 'x', amounts: [-5] }] }],
    ['a currency that is no ISO code', { ...caseBody, currency: 'yuan' }],
    ['no reason', { ...caseBody, reason: undefined }],
    ['no lines', { ...caseBody, lines: [] }],
    ['a discount rate of 150 %', { ...caseBody, discountRate: 1.5 }],
  ];
  for (const [what, body] of cases) {
    const response = await inject(`/engagements/${E}/business-case`, users.pm, body);
    t.match(response.json(), { status: 400, code: 'validation-failed', errors: Array }, what);
  }
  const unknownRequirement = await inject(`/engagements/${E}/business-case`, users.pm, {
    ...caseBody,
    groups: [{ groupId: 'call-centre', name: 'Call centre application', requirementIds: ['no-such-requirement'] }],
  });
  t.match(unknownRequirement.json(), { status: 409, code: 'requirement-not-found' });
  const outsider = await inject(`/engagements/${E}/business-case`, users.otherStakeholder, caseBody);
  t.equal(outsider.statusCode, 403, 'a stakeholder token may not write it');
});
