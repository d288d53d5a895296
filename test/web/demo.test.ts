/**
 * The first minute on an empty instance: a project manager creates the demo engagement with one
 * click (in Chinese), and every page is filled in – the schedule with four interviews, the backlog
 * with eight requirements in both tiers, the audit trail – in both languages.
 */
import t from 'tap';
import { LANGUAGES, PEOPLE, webSuite } from './support/browser.js';
import { translator } from './support/words.js';

await webSuite(t, 'demo', async (web, t) => {
  let engagementId = '';
  await t.test('one click makes the demo engagement', (t) =>
    web.inBrowser(t, { language: 'zh-CN', person: PEOPLE.pat }, async ({ page, context }) => {
      const w = await translator('zh-CN');
      await page.goto('/');
      await page.getByRole('button', { name: w('consultant:demo.create'), exact: true }).click();
      // The demo makes its commands through the browser, as several demo people.
      await page.waitForURL(/\/e\/[^/]+$/, { timeout: 60_000 });
      engagementId = new URL(page.url()).pathname.split('/')[2]!;
      // The demo acts as other demo people and signs the project manager back in at the end.
      const session = (await (await context.request.get('/auth/session')).json()) as { user: { id: string } };
      t.equal(session.user.id, PEOPLE.pat.userId, 'the project manager is signed in again');
    }),
  );

  for (const language of LANGUAGES) {
    const w = await translator(language);
    await t.test(`the demo fills every page (${language})`, { skip: !engagementId && 'no demo engagement' }, (t) =>
      web.inBrowser(t, { language, person: PEOPLE.pat }, async ({ page, check }) => {
        await page.goto(`/e/${engagementId}`);
        await page.getByRole('heading', { name: w('consultant:overview.timeline'), exact: true }).waitFor();
        await check('demo-overview');
        await page.goto(`/e/${engagementId}/interviews`);
        await page.getByRole('table').waitFor();
        t.equal(await page.getByRole('table').getByRole('link').count(), 4, 'four interviews are scheduled');
        await check('demo-interviews');
        await page.goto(`/e/${engagementId}/backlog`);
        const rows = page.locator('main table tbody tr');
        await rows.nth(7).waitFor();
        t.equal(await rows.count(), 8, 'eight requirements in the backlog');
        t.ok(await page.getByText(w('common:tier.vital-few')).count(), 'some in the vital few');
        t.ok(await page.getByText(w('common:tier.trivial-many')).count(), 'some in the trivial many');
        await check('demo-backlog');
        await page.goto(`/e/${engagementId}/goals`);
        await page.locator('table.figures').getByRole('row').nth(3).waitFor();
        t.equal(await page.locator('.target').count(), 1, 'a goal has a success target');
        t.ok((await page.locator('section[aria-labelledby="heard"] tbody tr').count()) >= 4, 'the departments the team, interviews and requirements name');
        await check('demo-goals');
        await page.goto(`/e/${engagementId}/audit`);
        await page.getByRole('table').getByRole('row').nth(10).waitFor();
        t.pass('the audit trail has the demo’s history');
        await check('demo-audit');
      }),
    );
  }
});
