/**
 * The specification document of a realistic engagement – 3 goals, 4 interviews confirmed by their
 * interviewees, 8 accepted requirements – checked for its traceability: every requirement shows
 * its sources (finding, interview, confirmation with version and hash) and goals, and every
 * sign-off appears, in English and in Chinese.
 */
import t from 'tap';
import { existsSync } from 'node:fs';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { DEFAULT_DOCUMENT_FONT } from '../../services/http/specification/pdf.js';
import { bearer, discovery, scheduleBody, testApp, users } from '../support/http.js';

const PEOPLE = [
  { userId: 'u-li', name: 'Li Na', department: 'Sales', position: 'Sales manager' },
  { userId: 'u-wang', name: 'Wang Fang', department: 'Finance', position: 'Head of finance' },
  { userId: 'u-zhao', name: 'Zhao Lei', department: 'Service', position: 'Service lead' },
  { userId: 'u-sun', name: 'Sun Mei', department: 'Marketing', position: 'Marketing director' },
];
const CATEGORIES = ['sales', 'reporting', 'service', 'marketing', 'customer-data', 'integration', 'sales', 'reporting'] as const;

const engagement = async () => {
  const { app } = await testApp();
  const d = discovery(app);
  const started = await d.post('/engagements', users.pm, {
    name: 'CRM for Acme',
    client: 'Acme Trading',
    sponsor: { name: 'Zhang San', title: 'CEO' },
    goals: ['One view of every customer', 'Quotes answered within a working day'],
  });
  const E = started.id;
  const added = await d.post(`/engagements/${E}/goals`, users.pm, { text: 'Fewer overdue receivables' });
  const goals = [`${E}:goal-1`, `${E}:goal-2`, added['goalId'] as string];
  const goalTexts = ['One view of every customer', 'Quotes answered within a working day', 'Fewer overdue receivables'];
  await d.addMember(E, 'u-chen', 'consultant', 'Chen Wei');
  for (const p of PEOPLE) await d.addMember(E, p.userId, 'stakeholder', p.name);
  await d.advance(E, 'business-survey');

  const interviews: Array<{ id: string; person: (typeof PEOPLE)[number]; findings: Array<{ id: string; text: string }>; hash: string }> = [];
  for (const [index, person] of PEOPLE.entries()) {
    const { userId, ...interviewee } = person;
    const interview = await d.post(`/engagements/${E}/interviews`, users.consultant, { ...scheduleBody(userId), interviewee: { ...interviewee, userId } });
    await d.conduct(interview.id);
    const findings = [];
    for (const n of [1, 2]) {
      const text = `${person.department} finding ${n}: step ${index}.${n} is done on paper`;
      findings.push({ id: (await d.finding(interview.id, text))['findingId'] as string, text });
    }
    const draft = await d.draft(interview.id, findings.map((f) => f.id), `${person.department} works on paper in two steps.`);
    await d.send(interview.id);
    await d.post(`/interviews/${interview.id}/summary/confirm`, bearer(userId, ['stakeholder'], person.name), { summaryVersion: 1 });
    interviews.push({ id: interview.id, person, findings, hash: draft['summaryHash'] as string });
  }

  const requirements = [];
  for (let n = 0; n < 8; n++) {
    const interview = interviews[n % 4]!;
    const sources = [{ interviewId: interview.id, findingId: interview.findings[n < 4 ? 0 : 1]!.id }];
    if (n === 7) sources.push({ interviewId: interviews[0]!.id, findingId: interviews[0]!.findings[1]!.id });
    const title = n === 5 ? 'ERP link <script>alert("x")</script> & more' : `Requirement ${n + 1} for ${interview.person.department}`;
    const captured = await d.post(`/engagements/${E}/requirements`, users.consultant, {
      title,
      description: `What ${interview.person.department} needs, number ${n + 1}.`,
      category: CATEGORIES[n],
      departments: [interview.person.department],
      sources,
      goalIds: [goals[n % 3]!],
    });
    await d.post(`/requirements/${captured.id}/prioritize`, users.pm, {
      frequency: n % 4, lossIfMismanaged: (n + 1) % 4, urgency: (n + 2) % 4, fundSafety: n === 1, stakeholderConcern: n === 2, rationale: `rationale ${n}`,
    });
    await d.post(`/requirements/${captured.id}/accept`, users.pm, { targetPhase: 'system-deployment' });
    requirements.push({ id: captured.id, title, sources, goal: goalTexts[n % 3]! });
  }

  const baseline = await d.post(`/engagements/${E}/baselines`, users.pm, { name: 'Requirement specification 1.0', signatories: ['u-li', 'u-wang'] });
  await d.post(`/baselines/${baseline.id}/sign-off`, bearer('u-li', ['stakeholder'], 'Li Na'), { meaning: 'approved' });
  const last = await d.post(`/baselines/${baseline.id}/sign-off`, bearer('u-wang', ['stakeholder'], 'Wang Fang'), { meaning: 'approved' });
  const read = (query: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'GET', url: `/baselines/${baseline.id}/document${query}`, headers: { ...users.interviewee, 'x-min-position': last.position, ...headers } });
  return { app, read, interviews, requirements, baselineHash: baseline['baselineHash'] as string };
};

/** The HTML of each requirement's section, by requirement id. */
const sections = (html: string) =>
  new Map([...html.matchAll(/<section class="requirement[^"]*" id="requirement-[^"]+" data-requirement-id="([^"]+)">([\s\S]*?)<\/section>/g)].map((m) => [m[1]!, m[2]!]));

/** As preact-render-to-string escapes text: `&`, `<` and `"` (a `>` cannot open markup). */
const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

t.test('the specification traces every requirement to its findings, interviews, confirmations and goals', async (t) => {
  const { app, read, interviews, requirements, baselineHash } = await engagement();
  t.teardown(() => app.close());

  for (const [lang, words] of [
    ['en', { title: 'Requirement specification', confirmed: (name: string) => `confirmed by ${name}: summary version 1`, approved: 'approved', vital: 'vital few', sales: 'sales' }],
    ['zh-CN', { title: '需求说明书', confirmed: (name: string) => `${name} 已确认访谈纪要第 1 版`, approved: '批准', vital: '关键少数', sales: '销售' }],
  ] as const) {
    const response = await read(`?lang=${lang}`, { accept: 'text/html' });
    t.equal(response.statusCode, 200, lang);
    t.match(response.headers['content-type'], /^text\/html/);
    t.equal(response.headers['content-language'], lang);
    const html = response.body;
    t.match(html, `<html lang="${lang}">`);
    t.match(html, words.title);
    t.match(html, baselineHash, 'the hash of what was frozen');
    t.match(html, '@media print', 'a print stylesheet');
    t.notMatch(html, '<script', 'nothing typed becomes markup');
    t.match(html, escapeHtml('ERP link <script>alert("x")</script> & more'), 'the title is shown escaped');
    t.match(html, words.vital);
    t.match(html, words.sales);

    const bySection = sections(html);
    t.equal(bySection.size, 8, `${lang}: every requirement has its section`);
    for (const requirement of requirements) {
      const section = bySection.get(requirement.id) ?? '';
      t.match(section, escapeHtml(requirement.title), `${lang}: ${requirement.title}`);
      t.match(section, requirement.goal, `${lang}: the goal it serves`);
      for (const source of requirement.sources) {
        const interview = interviews.find((i) => i.id === source.interviewId)!;
        const finding = interview.findings.find((f) => f.id === source.findingId)!;
        t.match(section, `data-finding-id="${finding.id}"`, `${lang}: ${requirement.title} traces to its finding`);
        t.match(section, finding.text);
        t.match(section, interview.person.name, 'the interviewee');
        t.match(section, words.confirmed(interview.person.name), 'who confirmed which summary version');
        t.match(section, interview.hash, 'and its hash');
      }
    }
    const signOffs = html.slice(html.indexOf('class="sign-offs"'));
    for (const signatory of ['Li Na (u-li)', 'Wang Fang (u-wang)']) t.match(signOffs, signatory);
    t.equal([...signOffs.matchAll(new RegExp(`<li class="sign-off">${words.approved} `, 'g'))].length, 2, `${lang}: both approvals with their meaning`);
  }

  t.match((await read('', { 'accept-language': 'zh;q=0.9, en;q=0.5' })).body, '<html lang="zh-CN">', 'Accept-Language decides without ?lang; zh reads zh-CN');
  t.match((await read('', { 'accept-language': 'de' })).body, '<html lang="en">', 'English when it names neither');
  const json = await read('?format=json');
  t.equal(json.statusCode, 200);
  const specification = json.json();
  t.equal(specification.requirements.length, 8);
  t.ok(
    specification.requirements.every((r: { sources: Array<{ confirmation: { summaryHash: string } | null; findingInConfirmedSummary: boolean }> }) =>
      r.sources.every((s) => s.confirmation !== null && s.findingInConfirmedSummary)),
    'as data too: every source confirmed, its finding cited by the confirmed summary',
  );
  t.equal((await read('?lang=fr')).statusCode, 400, 'an unknown language is a clear 400');
});

/** The text of every page of a PDF, whitespace (and line breaks from wrapping) as single spaces. */
const pdfText = async (bytes: Buffer) => {
  const pdf = await getDocument({ data: new Uint8Array(bytes) }).promise;
  let text = '';
  for (let n = 1; n <= pdf.numPages; n++) {
    const content = await (await pdf.getPage(n)).getTextContent();
    text += content.items.map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : '') : '')).join('');
    text += '\n';
  }
  return text.replace(/\s+/g, ' ');
};
const oneLine = (text: string) => text.replace(/\s+/g, ' ');

t.test('the specification as a PDF to keep, in English and Chinese, with the same traceability', async (t) => {
  // The PDF embeds a CJK font from the system: fonts-noto-cjk, which CI installs.
  t.ok(existsSync(DEFAULT_DOCUMENT_FONT.split('#')[0]!), 'the default font is installed (apt-get install fonts-noto-cjk)');
  const { app, read, interviews, requirements, baselineHash } = await engagement();
  t.teardown(() => app.close());
  for (const [lang, words] of [
    ['en', { title: 'Requirement specification', confirmed: (name: string) => `confirmed by ${name}: summary version 1`, approved: 'approved' }],
    ['zh-CN', { title: '需求说明书', confirmed: (name: string) => `${name} 已确认访谈纪要第 1 版`, approved: '批准' }],
  ] as const) {
    const response = await read(`?lang=${lang}`, { accept: 'application/pdf' });
    t.equal(response.statusCode, 200, lang);
    t.equal(response.headers['content-type'], 'application/pdf');
    t.match(response.headers['content-disposition'], new RegExp(`attachment; filename="specification-.+-${lang}\\.pdf"`));
    const bytes = response.rawPayload;
    t.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
    const text = await pdfText(bytes);
    t.match(text, words.title);
    t.match(text, baselineHash);
    for (const requirement of requirements) {
      t.match(text, oneLine(requirement.title), `${lang}: ${requirement.title}`);
      t.match(text, requirement.goal);
      for (const source of requirement.sources) {
        const interview = interviews.find((i) => i.id === source.interviewId)!;
        t.match(text, oneLine(interview.findings.find((f) => f.id === source.findingId)!.text));
        t.match(text, words.confirmed(interview.person.name));
        t.match(text, interview.hash);
      }
    }
    t.match(text, `Li Na (u-li) ${words.approved}`);
    t.match(text, `Wang Fang (u-wang) ${words.approved}`);
  }
});

t.test('without its font the PDF is a clear 503 that says what to install; HTML still works', async (t) => {
  const { app } = await testApp({ documentFont: '/nonexistent/font.ttf' });
  t.teardown(() => app.close());
  const d = discovery(app);
  const { engagementId: E } = await d.acceptedRequirement();
  const baseline = await d.post(`/engagements/${E}/baselines`, users.pm, { name: 'Spec', signatories: ['u-li'] });
  const headers = { ...users.pm, 'x-min-position': baseline.position };
  const pdf = await app.inject({ method: 'GET', url: `/baselines/${baseline.id}/document?format=pdf`, headers });
  t.equal(pdf.statusCode, 503);
  t.match(pdf.json(), { code: 'unavailable', detail: /fonts-noto-cjk.*DOCUMENT_FONT/ });
  t.equal((await app.inject({ method: 'GET', url: `/baselines/${baseline.id}/document`, headers })).statusCode, 200);
});

t.test('PDFs are rate limited per user like the other expensive reads; the HTML is not', async (t) => {
  const { app } = await testApp({ expensiveReads: { max: 2, windowMs: 60_000 } });
  t.teardown(() => app.close());
  const d = discovery(app);
  const { engagementId: E } = await d.acceptedRequirement();
  const baseline = await d.post(`/engagements/${E}/baselines`, users.pm, { name: 'Spec', signatories: ['u-li'] });
  const read = (query: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'GET', url: `/baselines/${baseline.id}/document${query}`, headers: { ...users.pm, 'x-min-position': baseline.position, ...headers } });
  t.equal((await read('?format=pdf')).statusCode, 200);
  t.equal((await read('', { accept: 'application/pdf' })).statusCode, 200);
  const limited = await read('?format=pdf&lang=zh-CN');
  t.equal(limited.statusCode, 429, 'the third PDF in the window');
  t.match(limited.json(), { code: 'too-many-requests' });
  t.equal((await read('?lang=zh-CN')).statusCode, 200, 'the HTML is not limited');
});
