/**
 * Fault suite: text people typed reaches the PMO's spreadsheet through the audit CSV export. A
 * cell that starts like a formula must arrive as text; the JSON trail keeps the value exact.
 */
import { parse } from 'csv-parse/sync';
import t from 'tap';
import { bearer, discovery, testApp, users } from '../support/http.js';

const FORMULAS = ["-2+3+cmd|' /C calc'!A0", '=HYPERLINK("http://evil.example","click")', '+1+1', '@SUM(1+1)*cmd|\'/C calc\'!A0'];

t.test('formula-like cells in the audit CSV are neutralised, and exact in JSON', async (t) => {
  const { app } = await testApp();
  t.teardown(() => app.close());
  const d = discovery(app);
  const engagement = await d.startEngagement();
  const evil = bearer('=cmd|sub', ['pm'], '+evil name');
  await d.addMember(engagement.id, '=cmd|sub', 'pm', '+evil name');
  const readiness = await d.post(`/engagements/${engagement.id}/readiness`, evil, { item: 'funding-secured', status: 'met', evidence: FORMULAS[1]! });
  const interview = await d.schedule(engagement.id);
  await d.conduct(interview.id);
  const finding = await d.finding(interview.id);
  await d.draft(interview.id, [finding['findingId'] as string]);
  await d.send(interview.id);
  await d.post(`/interviews/${interview.id}/summary/request-revision`, users.interviewee, { summaryVersion: 1, comments: FORMULAS[0]! });
  const requirement = await d.capture(engagement.id, [{ interviewId: interview.id, findingId: finding['findingId'] as string }]);
  await d.post(`/requirements/${requirement.id}/prioritize`, users.pm, {
    frequency: 1, lossIfMismanaged: 1, urgency: 1, fundSafety: false, stakeholderConcern: false, rationale: FORMULAS[3]!,
  });
  const last = await d.post(`/requirements/${requirement.id}/defer`, users.pm, { reason: FORMULAS[2]! });
  const fresh = { ...users.pmo, 'x-min-position': last.position };

  const csv = await app.inject({ method: 'GET', url: `/engagements/${engagement.id}/audit?format=csv`, headers: fresh });
  t.equal(csv.statusCode, 200);
  const rows: string[][] = parse(csv.body);
  const dangerous = rows.flat().filter((cell) => /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(cell));
  t.same(dangerous, [], 'no cell starts like a formula');
  const cells = rows.flat();
  for (const cell of [`'${FORMULAS[2]}`, "'=cmd|sub", "'+evil name"]) t.ok(cells.includes(cell), `${cell} arrives as text`);
  t.ok(cells.some((cell) => cell.startsWith("'") && cell.includes('cmd|')), 'the comment arrives as text');

  const json = await app.inject({ method: 'GET', url: `/engagements/${engagement.id}/audit?limit=200`, headers: fresh });
  const text = JSON.stringify(json.json());
  for (const formula of FORMULAS) t.ok(text.includes(JSON.stringify(formula).slice(1, -1)), `JSON keeps ${formula} exact`);
  const byEvil = json.json().entries.find((e: { eventId: string; position: string }) => e.position === readiness.position);
  t.match(byEvil, { actor: { id: '=cmd|sub', name: '+evil name' } });
});
