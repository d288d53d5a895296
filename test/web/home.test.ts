/**
 * The first minute in a browser, in English and in Chinese: signing in as a demo person from the
 * sign-in page, the empty list of engagements, starting an engagement and finding it in the list.
 */
import t from 'tap';
import { LANGUAGES, webSuite } from './support/browser.js';
import { translator } from './support/words.js';

await webSuite(t, 'home', async (web, t) => {
  for (const language of LANGUAGES) {
    const w = await translator(language);
    await t.test(`sign in and start an engagement (${language})`, (t) =>
      web.inBrowser(t, { language }, async ({ page, check }) => {
        await page.goto('/');
        // Signed out, the app sends the visitor to the sign-in page and back afterwards.
        await page.waitForURL(/\/signin/);
        await page.getByRole('heading', { level: 1, name: w('common:app.name') }).waitFor();
        await check('signin');
        await page.getByRole('button', { name: /Pat Lee/ }).click();

        await page.getByRole('heading', { level: 1, name: w('home:engagements.title') }).waitFor();
        t.match(new URL(page.url()).pathname, /^\/$/, 'back where the visitor wanted to go');
        if (language === LANGUAGES[0]) {
          await page.getByText(w('home:engagements.empty')).waitFor();
          t.ok(await page.getByText(w('home:engagements.emptyCanStart')).isVisible(), 'a project manager is offered to start one');
          await check('engagements-empty');
        } else {
          await page.getByRole('link', { name: 'Northwind CRM rollout' }).waitFor();
          t.pass('the engagement started in the other language is listed');
        }

        const name = language === 'en' ? 'Northwind CRM rollout' : '华东区CRM实施';
        await page.locator('summary', { hasText: w('home:engagements.start') }).click();
        await page.getByLabel(w('home:engagements.name'), { exact: true }).fill(name);
        await page.getByLabel(w('home:engagements.client'), { exact: true }).fill(language === 'en' ? 'Northwind Group' : '东方集团');
        await page.getByLabel(w('home:engagements.sponsorName'), { exact: true }).fill(language === 'en' ? 'Dana Sponsor' : '王总');
        await page.getByLabel(w('home:engagements.sponsorTitle'), { exact: true }).fill(language === 'en' ? 'Sales VP' : '销售副总裁');
        await page.getByLabel(w('home:engagements.goals')).fill(language === 'en' ? 'One customer view\nFewer lost leads' : '统一客户视图\n减少线索流失');
        await check('engagement-start-form');
        await page.getByRole('button', { name: w('common:actions.create'), exact: true }).click();
        await page.waitForURL(/\/e\/[^/]+$/);
        const id = new URL(page.url()).pathname.split('/')[2];

        await page.goto('/');
        const card = page.getByRole('listitem').filter({ hasText: name });
        await card.waitFor();
        t.ok(await card.getByText(w('common:phase.concept-introduction')).isVisible(), 'the new engagement starts in the first phase');
        t.equal(await card.getByRole('link', { name }).getAttribute('href'), `/e/${id}`, 'the card links to the engagement');
        await check('engagements');
      }),
    );
  }

  await t.test('a required field left empty is said next to it, not sent', (t) =>
    web.inBrowser(t, { language: 'en', person: { userId: 'pat', name: 'Pat Lee', roles: ['pm'] } }, async ({ page }) => {
      const w = await translator('en');
      await page.goto('/');
      await page.locator('summary', { hasText: w('home:engagements.start') }).click();
      let posted = false;
      page.on('request', (request) => (posted ||= request.method() === 'POST' && request.url().endsWith('/engagements')));
      await page.getByRole('button', { name: w('common:actions.create'), exact: true }).click();
      const invalid = await page.getByLabel(w('home:engagements.name'), { exact: true }).evaluate((input) => !(input as unknown as { validity: { valid: boolean } }).validity.valid);
      t.ok(invalid, 'the name field reports itself as missing');
      t.notOk(posted, 'nothing is sent');
    }),
  );
});
