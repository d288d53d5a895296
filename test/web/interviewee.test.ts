/**
 * The interviewee, in English and in Chinese: confirming her summary signed in, with the keyboard
 * alone (Tab, Enter, Space) and downloading the receipt; confirming another through a link in a
 * fresh browser (no cookies, no account); the used link then shows the answer and offers no other.
 */
import t from 'tap';
import { LANGUAGES, PEOPLE, webSuite, type Api, type Language } from './support/browser.js';
import { translator } from './support/words.js';

type Sent = { interviewId: string; summaryHash: string };

const summaryText = { en: 'Sales tracks leads in spreadsheets; quotes wait on email approvals.', 'zh-CN': '销售部用电子表格跟踪线索，报价要等邮件审批。' } satisfies Record<Language, string>;

/** An interview with Li Wei whose summary (version 1, citing one finding) awaits her confirmation. */
const sentSummary = async (pat: Api, engagementId: string, language: Language): Promise<Sent> => {
  const interview = await pat.post(`/engagements/${engagementId}/interviews`, {
    interviewee: { name: 'Li Wei', department: 'Sales', position: 'Sales director', userId: PEOPLE.liWei.userId },
    interviewers: ['Chen Wei'],
    scheduledAt: '2026-12-01T02:00:00.000Z',
    durationMinutes: 60,
    location: 'Room 3',
    method: 'in-person',
    topics: ['business-process'],
  });
  await pat.post(`/interviews/${interview.id}/conduct`, { conductedAt: new Date(Date.now() - 60_000).toISOString() });
  const finding = await pat.post<{ findingId: string }>(`/interviews/${interview.id}/findings`, { section: 'workflow', text: language === 'en' ? 'Leads live in spreadsheets' : '线索记录在电子表格里' });
  const draft = await pat.post<{ summaryHash: string }>(`/interviews/${interview.id}/summary`, { text: summaryText[language], findingIds: [finding.findingId] });
  await pat.post(`/interviews/${interview.id}/summary/send`);
  return { interviewId: interview.id, summaryHash: draft.summaryHash };
};

await webSuite(t, 'interviewee', async (web, t) => {
  const pat = await web.api(PEOPLE.pat);
  const engagement = await pat.post('/engagements', { name: 'Interviewee pages', client: 'Contoso Group', sponsor: { name: 'Dana', title: 'VP' }, goals: [], successCriteria: [] });
  await pat.post(`/engagements/${engagement.id}/members`, { userId: PEOPLE.liWei.userId, name: PEOPLE.liWei.name, role: 'stakeholder', department: 'Sales' });

  for (const language of LANGUAGES) {
    const w = await translator(language);

    await t.test(`the interviewee confirms with the keyboard alone (${language})`, async (t) => {
      const sent = await sentSummary(pat, engagement.id, language);
      await web.inBrowser(t, { language, person: PEOPLE.liWei, width: 390, height: 844 }, async ({ page, check }) => {
        await page.goto(`/i/${sent.interviewId}/confirm`);
        await page.getByText(summaryText[language]).waitFor();
        t.ok(await page.getByText(sent.summaryHash.slice(0, 4)).first().isVisible(), 'the short form of the hash is shown');
        await check('confirm');
        const confirm = w('interviewee:actions.confirm');
        // Tab until the confirm button has the focus – it must be reachable, and visibly focused.
        let reached = false;
        for (let presses = 0; presses < 30 && !reached; presses++) {
          await page.keyboard.press('Tab');
          reached = (await page.evaluate('document.activeElement?.textContent?.trim()')) === confirm;
        }
        t.ok(reached, 'the confirm button is reachable with Tab');
        const outline = (await page.evaluate('getComputedStyle(document.activeElement).outlineStyle')) as string;
        t.not(outline, 'none', 'the focused button shows its focus');
        await page.keyboard.press('Enter');
        await page.getByText(w('interviewee:done.confirmedTitle')).waitFor();
        t.pass('Enter confirms');
        await check('confirmed');

        // The receipt, with the keyboard too: Tab to it, Space.
        reached = false;
        for (let presses = 0; presses < 30 && !reached; presses++) {
          await page.keyboard.press('Tab');
          reached = (await page.evaluate('document.activeElement?.textContent?.trim()')) === w('interviewee:actions.receipt');
        }
        t.ok(reached, 'the receipt button is reachable with Tab');
        const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Space')]);
        let receipt = '';
        for await (const chunk of await download.createReadStream()) receipt += chunk.toString();
        t.match(receipt, sent.summaryHash, 'the receipt records the confirmed version by its hash');
      });
      const interview = await pat.get<{ status: string }>(`/interviews/${sent.interviewId}`);
      t.equal(interview.status, 'confirmed', 'the service has the summary confirmed');
    });

    await t.test(`signed out, the interviewee signs in and comes back to her page (${language})`, async (t) => {
      const sent = await sentSummary(pat, engagement.id, language);
      await web.inBrowser(t, { language, width: 390, height: 844 }, async ({ page }) => {
        await page.goto(`/i/${sent.interviewId}/confirm`);
        await page.getByRole('button', { name: /Li Wei/ }).click();
        await page.getByText(summaryText[language]).waitFor();
        t.equal(new URL(page.url()).pathname, `/i/${sent.interviewId}/confirm`, 'back on her confirmation page');
      });
    });

    await t.test(`a confirmation link, opened in a fresh browser, confirms once (${language})`, async (t) => {
      const sent = await sentSummary(pat, engagement.id, language);
      const link = await pat.post<{ url: string }>(`/interviews/${sent.interviewId}/confirmation-links`, { validForDays: 7, language });
      t.match(link.url, /^http:\/\/127\.0\.0\.1:\d+\/c\//, 'the link points at this service');
      // No person: the link is the only credential.
      await web.inBrowser(t, { language }, async ({ page, check, context }) => {
        t.same(await context.cookies(), [], 'the browser carries no session');
        await page.goto(link.url);
        await page.getByText(summaryText[language]).waitFor();
        await check('link');
        await page.getByRole('button', { name: w('interviewee:actions.confirm'), exact: true }).click();
        await page.getByText(w('interviewee:done.confirmedTitle')).waitFor();
        await check('link-confirmed');

        // The same link again: it shows what was answered through it, and cannot answer again.
        await page.goto(link.url);
        await page.getByText(w('interviewee:done.confirmedTitle')).waitFor();
        t.equal(await page.getByRole('button', { name: w('interviewee:actions.confirm'), exact: true }).count(), 0, 'a used link offers no second answer');
        await check('link-reopened');
      });
      const interview = await pat.get<{ status: string }>(`/interviews/${sent.interviewId}`);
      t.equal(interview.status, 'confirmed', 'the service has the summary confirmed through the link');
    });
  }
  await pat.dispose();
});
