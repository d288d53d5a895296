/**
 * The whole walk in a browser, in English and in Chinese: a project manager starts an engagement,
 * adds the team, schedules and conducts an interview, records findings from the keyboard, drafts
 * and sends the summary; the interviewee confirms; the requirement is captured from the findings,
 * prioritized and accepted; the backlog shows it with the Pareto chart and as it stood before;
 * the audit trail finds it and exports the CSV; the operations page shows the projections.
 * Every page is screenshotted and scanned for accessibility.
 */
import type { TFunction } from 'i18next';
import type { Page } from 'playwright-core';
import t, { type Test } from 'tap';
import { LANGUAGES, PEOPLE, webSuite, type Language, type Web } from './support/browser.js';
import { translator } from './support/words.js';

const words = {
  en: {
    engagement: 'Contoso group CRM',
    client: 'Contoso Group',
    interviewee: 'Li Wei',
    department: 'Sales',
    findings: ['Leads are tracked in spreadsheets per branch', 'Quotes need three approvals by email'],
    summary: 'Sales tracks leads in spreadsheets and waits on email approvals for quotes.',
    requirement: 'One lead pipeline for every branch',
  },
  'zh-CN': {
    engagement: '康托索集团CRM',
    client: '康托索集团',
    interviewee: 'Li Wei',
    department: '销售部',
    findings: ['各分公司用电子表格跟踪线索', '报价需要通过邮件三级审批'],
    summary: '销售部用电子表格跟踪线索，报价要等邮件审批。',
    requirement: '各分公司统一的线索管道',
  },
} satisfies Record<Language, unknown>;

const idFrom = (page: Page, prefix: string) => new URL(page.url()).pathname.split('/')[2] ?? prefix;

const walk = async (web: Web, tap: Test, language: Language, w: TFunction) => {
  const say = words[language];
  let engagementId = '';
  let interviewId = '';
  let requirementId = '';
  // Each step goes on from where the one before left the engagement.
  let reached = false;

  await tap.test(`a project manager runs the discovery (${language})`, (t) =>
    web.inBrowser(t, { language, person: PEOPLE.pat }, async ({ page, check }) => {
      await page.goto('/');
      await page.locator('summary', { hasText: w('home:engagements.start') }).click();
      await page.getByLabel(w('home:engagements.name'), { exact: true }).fill(say.engagement);
      await page.getByLabel(w('home:engagements.client'), { exact: true }).fill(say.client);
      await page.getByLabel(w('home:engagements.sponsorName'), { exact: true }).fill('Dana Sponsor');
      await page.getByLabel(w('home:engagements.sponsorTitle'), { exact: true }).fill('Sales VP');
      await page.getByRole('button', { name: w('common:actions.create'), exact: true }).click();
      await page.waitForURL(/\/e\/[^/]+$/);
      engagementId = idFrom(page, 'engagement');
      await page.getByRole('heading', { name: w('consultant:overview.timeline'), exact: true }).waitFor();
      await check('engagement-overview');

      // The team: the consultant and the interviewee join.
      await page.getByRole('link', { name: w('home:tabs.team'), exact: true }).click();
      await page.waitForURL(/\/team$/);
      for (const member of [
        { ...PEOPLE.chen, role: 'consultant', department: 'Delivery' },
        { ...PEOPLE.liWei, role: 'stakeholder', department: say.department },
      ]) {
        const form = page.locator('details', { hasText: w('consultant:team.add') });
        if ((await form.getAttribute('open')) === null) await form.locator('summary').click();
        await form.getByLabel(w('consultant:team.userId')).fill(member.userId);
        await form.getByLabel(w('consultant:team.name'), { exact: true }).fill(member.name);
        await form.getByLabel(w('consultant:team.role')).selectOption(member.role);
        await form.getByLabel(w('consultant:team.department')).fill(member.department);
        await form.getByRole('button', { name: w('consultant:team.save') }).click();
        await page.getByRole('row').filter({ hasText: member.name }).waitFor();
      }
      t.equal(await page.getByRole('row').filter({ hasText: PEOPLE.liWei.name }).getByText(w('common:roles.stakeholder')).count() > 0, true, 'Li Wei is in the team as a stakeholder');
      await check('team');

      // Schedule the interview with Li Wei, who may confirm it herself.
      await page.getByRole('link', { name: w('home:tabs.interviews'), exact: true }).click();
      await page.waitForURL(/\/interviews$/);
      await page.locator('summary', { hasText: w('consultant:schedule.new') }).click();
      await page.getByLabel(w('consultant:schedule.intervieweeName')).fill(say.interviewee);
      await page.getByLabel(w('consultant:schedule.department'), { exact: true }).fill(say.department);
      await page.getByLabel(w('consultant:schedule.position')).fill('Sales director');
      await page.getByLabel(w('consultant:schedule.userId')).fill(PEOPLE.liWei.userId);
      await page.getByLabel(w('consultant:schedule.scheduledAt')).fill('2026-12-01T10:00');
      await page.getByLabel(w('consultant:schedule.location'), { exact: true }).fill('Room 3');
      await page.getByLabel(w('consultant:schedule.interviewers')).fill('Chen Wei');
      await page.getByLabel(w('common:topic.business-process')).check();
      await check('interview-schedule-form');
      await page.getByRole('button', { name: w('consultant:schedule.submit') }).click();
      const open = page.getByRole('link', { name: w('consultant:schedule.open', { name: say.interviewee }) });
      await open.waitFor();
      await check('interview-schedule');
      await open.click();
      await page.waitForURL(/\/i\/[^/]+$/);
      interviewId = idFrom(page, 'interview');

      // Conduct it, then record findings from the keyboard: type, Enter.
      await page.getByRole('button', { name: w('consultant:interview.conductSubmit') }).click();
      const finding = page.getByRole('textbox', { name: w('consultant:interview.findingText'), exact: true });
      await finding.waitFor();
      for (const text of say.findings) {
        await finding.fill(text);
        await finding.press('Enter');
        await page.getByText(text, { exact: true }).first().waitFor();
      }
      t.equal(await finding.inputValue(), '', 'Enter adds the finding and empties the box');

      // Draft the summary citing both findings, then send it.
      const draft = page.getByRole('form', { name: w('consultant:interview.draft') });
      for (const text of say.findings) await draft.getByLabel(text).check();
      await draft.getByLabel(w('consultant:interview.draftText')).fill(say.summary);
      await draft.getByRole('button', { name: w('consultant:interview.draftSubmit') }).click();
      const send = page.getByRole('button', { name: w('consultant:interview.sendSubmit', { version: 1 }) });
      await send.waitFor();
      await check('interview-drafted');
      await send.click();
      await page.getByText(w('consultant:interview.awaiting', { name: say.interviewee, version: 1 })).waitFor();
      await check('interview-sent');
      reached = true;
    }),
  );

  await tap.test(`the interviewee confirms the summary (${language})`, { skip: !reached && 'the walk stopped before' }, async (t) => {
    await web.inBrowser(t, { language, person: PEOPLE.liWei, width: 390, height: 844 }, async ({ page }) => {
      await page.goto(`/i/${interviewId}/confirm`);
      await page.getByText(say.summary).waitFor();
      await page.getByRole('button', { name: w('interviewee:actions.confirm'), exact: true }).click();
      await page.getByText(w('interviewee:done.confirmedTitle')).waitFor();
    });
    await web.inBrowser(t, { language, person: PEOPLE.pat }, async ({ page, check }) => {
      await page.goto(`/i/${interviewId}`);
      await page.getByText(w('consultant:schedule.confirmationState.confirmed')).first().waitFor();
      t.pass('the interview record shows the summary confirmed');
      await check('interview-confirmed');
    });
  });

  await tap.test(`requirements from the findings, prioritized and decided (${language})`, { skip: !reached && 'the walk stopped before' }, (t) =>
    web.inBrowser(t, { language, person: PEOPLE.pat }, async ({ page, check }) => {
      await page.goto(`/i/${interviewId}`);
      await page.locator('summary', { hasText: w('consultant:interview.capture') }).click();
      const capture = page.getByRole('form', { name: w('consultant:interview.capture') });
      await capture.getByLabel(say.findings[0]!).check();
      await capture.getByLabel(w('consultant:interview.reqTitle')).fill(say.requirement);
      await capture.getByLabel(w('consultant:interview.reqDescription')).fill(say.findings[0]!);
      await capture.getByLabel(w('consultant:interview.departments')).fill(say.department);
      await capture.getByRole('button', { name: w('consultant:interview.captureSubmit') }).click();
      const captured = page.getByRole('link', { name: say.requirement });
      await captured.waitFor();
      await captured.click();
      await page.waitForURL(/\/r\/[^/]+$/);
      requirementId = idFrom(page, 'requirement');
      await page.getByRole('heading', { name: say.requirement }).waitFor();

      await page.getByLabel(w('pm:inputs.frequency.label')).selectOption('3');
      await page.getByLabel(w('pm:inputs.lossIfMismanaged.label')).selectOption('2');
      await page.getByLabel(w('pm:inputs.urgency.label')).selectOption('2');
      await page.getByLabel(w('pm:inputs.stakeholderConcern.label')).check();
      t.equal(await page.getByRole('status', { name: w('pm:prioritize.preview') }).or(page.locator('output')).first().textContent(), '10', 'the live score follows the formula: 3 + 2 + 2 + 3 × 1');
      await page.getByLabel(w('pm:prioritize.rationale'), { exact: true }).fill('Every branch loses leads');
      await page.getByRole('button', { name: w('pm:prioritize.submit') }).click();
      const history = page.getByRole('region', { name: w('pm:requirement.priorityHistory') });
      await history.getByRole('row').filter({ hasText: PEOPLE.pat.name }).filter({ hasText: 'Every branch loses leads' }).waitFor();
      await check('requirement-prioritized');

      await page.getByLabel(w('pm:decide.reasonOptional'), { exact: true }).fill('In scope for the pilot');
      await page.getByRole('button', { name: w('pm:decide.submit.accept') }).click();
      await page.getByRole('region', { name: w('pm:requirement.decisions') }).getByRole('listitem').filter({ hasText: 'In scope for the pilot' }).waitFor();
      await check('requirement-accepted');
    }),
  );

  await tap.test(`the backlog with its chart and as it stood before (${language})`, { skip: !reached && 'the walk stopped before' }, (t) =>
    web.inBrowser(t, { language, person: PEOPLE.pat }, async ({ page, check }) => {
      await page.goto(`/e/${engagementId}/backlog`);
      const row = page.getByRole('row').filter({ hasText: say.requirement });
      await row.waitFor();
      t.ok(await row.getByText(w('common:requirementStatus.accepted')).count(), 'the requirement is accepted in the backlog');
      const chart = page.locator('figure svg, svg[role="img"]').first();
      t.ok(await chart.waitFor({ state: 'visible', timeout: 10_000 }).then(() => true, () => false), 'the Pareto chart is drawn');
      await check('backlog');
      // Back to before the first decision: the requirement had no score yet.
      const slider = page.getByLabel(w('pm:asOf.slider'));
      await slider.focus();
      await slider.press('Home');
      const [before, after] = w('pm:asOf.showing', { at: '\u0000' }).split('\u0000').map((part) => part.trim());
      await page.getByText(new RegExp(`${before}.+${after}`)).first().waitFor();
      await row.getByText(w('common:requirementStatus.accepted')).waitFor({ state: 'detached' });
      t.pass('as of the first decision the requirement was not yet accepted');
      await check('backlog-as-of');
    }),
  );

  await tap.test(`the audit trail, filtered and exported (${language})`, { skip: !reached && 'the walk stopped before' }, (t) =>
    web.inBrowser(t, { language, person: PEOPLE.olga }, async ({ page, check }) => {
      await page.goto(`/e/${engagementId}/audit`);
      await page.getByRole('table').waitFor();
      await page.getByRole('button', { name: w('pmo:quick.decisions') }).click();
      await page.getByRole('row').filter({ hasText: PEOPLE.pat.name }).first().waitFor();
      await check('audit');
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: w('pmo:export') }).click()]);
      t.match(download.suggestedFilename(), /^audit-trail-decisions-.*\.csv$/, 'the file is named after the filter');
      const stream = await download.createReadStream();
      let csv = '';
      for await (const chunk of stream) csv += chunk.toString();
      const lines = csv.trim().split(/\r?\n/);
      t.ok(lines.length >= 3, 'a header and the two decisions');
      t.match(csv, requirementId, 'the decided requirement is in the export');
      t.notMatch(csv, /member-added|interview-scheduled/, 'only decisions, as filtered');
    }),
  );
};

await webSuite(t, 'walk', async (web, t) => {
  for (const language of LANGUAGES) await walk(web, t, language, await translator(language));

  for (const language of LANGUAGES) {
    await t.test(`the operations page (${language})`, async (t) => {
      const w = await translator(language);
      await web.inBrowser(t, { language, person: PEOPLE.ada }, async ({ page, check }) => {
        await page.goto('/ops');
        await page.getByRole('heading', { level: 1, name: w('ops:title') }).waitFor();
        await page.getByText(w('ops:stores.eventStore')).waitFor();
        await check('ops');
      });
    });
  }
});
