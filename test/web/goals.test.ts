/**
 * The goals page in a browser, in English and in Chinese: a project manager adds a goal and a
 * success target to it, sees the target pending on the scorecard, draws up the business case and
 * reads its NPV, IRR and payback; the overview shows who has not been heard next to the gate.
 * Screenshots at 1440 px, 390 px (the harness's phone) and 360 px.
 */
import type { Locator, Page } from 'playwright-core';
import t from 'tap';
import { LANGUAGES, PEOPLE, webSuite } from './support/browser.js';
import { translator } from './support/words.js';

const words = {
  en: { engagement: 'Fabrikam CRM', goal: 'Quotes answered within a working day', metric: 'Quote answer time', unit: 'hours', owner: 'Wang Fang', cost: 'Platform', gain: 'Faster quotes', reason: 'Finance workshop' },
  'zh-CN': { engagement: '法布里坎CRM', goal: '一个工作日内答复报价', metric: '报价答复时间', unit: '小时', owner: '王芳', cost: '平台', gain: '报价更快', reason: '财务研讨会' },
};

/** The `<details>` whose summary says `summary`. */
const details = (page: Page, summary: string): Locator => page.locator('details', { has: page.locator(':scope > summary', { hasText: summary }) });

await webSuite(t, 'goals', async (web, t) => {
  for (const language of LANGUAGES) {
    const w = await translator(language);
    const say = words[language];
    const api = await web.api(PEOPLE.pat);
    const started = await api.post('/engagements', { name: say.engagement, client: 'Fabrikam', sponsor: { name: 'Zhang San', title: 'CEO' } });
    await api.post(`/engagements/${started.id}/members`, { userId: 'li.wei', name: 'Li Wei', role: 'stakeholder', department: language === 'en' ? 'Finance' : '财务部' });
    await api.dispose();

    await t.test(`a pm adds a goal and a target, and draws up the business case (${language})`, (t) =>
      web.inBrowser(t, { language, person: PEOPLE.pat, width: 1440 }, async ({ page, check }) => {
        await page.goto(`/e/${started.id}`);
        await page.getByRole('link', { name: w('home:tabs.goals') }).click();
        await page.waitForURL(new RegExp(`/e/${started.id}/goals$`));
        await page.getByRole('heading', { level: 2, name: w('goals:title') }).waitFor();
        await page.getByText(w('goals:goals.empty')).waitFor();

        const addGoal = details(page, w('goals:goals.add'));
        await addGoal.locator('summary').click();
        await addGoal.getByLabel(w('goals:goals.text')).fill(say.goal);
        await addGoal.getByRole('button', { name: w('goals:goals.addSubmit') }).click();
        await page.getByRole('heading', { level: 3, name: say.goal }).waitFor();

        const addTarget = details(page, w('goals:target.add', { goal: say.goal }));
        await addTarget.locator('summary').click();
        await addTarget.getByLabel(w('goals:target.metric')).fill(say.metric);
        await addTarget.getByLabel(w('goals:target.unit')).fill(say.unit);
        await addTarget.getByLabel(w('goals:target.owner')).fill(say.owner);
        await addTarget.getByLabel(w('goals:target.baseline')).fill('30');
        await addTarget.getByLabel(w('goals:target.target'), { exact: true }).fill('8');
        await addTarget.getByLabel(w('goals:target.horizon')).fill('2026-12-31');
        await addTarget.getByRole('button', { name: w('goals:target.addSubmit') }).click();

        const target = page.locator('.target', { hasText: say.metric });
        await target.waitFor();
        t.ok(await target.getByText(w('goals:scorecard.pending'), { exact: true }).isVisible(), 'the new target is pending');
        const pending = page.locator('.scorecard-pending dd');
        await pending.filter({ hasText: '1' }).waitFor();
        t.equal(await pending.textContent(), '1', 'the scorecard counts one target pending');
        t.equal(await page.locator('.scorecard-met dd').textContent(), '0', 'and none met');

        // −100 000 now, +60 000 in each of two years, at 10 %: NPV = 60 000/1.1 + 60 000/1.21 − 100 000 = 4 132.23;
        // IRR = (600 + √2 760 000)/2000 − 1 = 13.07 %; payback 1 + 40 000/60 000 = 1.67 years.
        const form = details(page, w('goals:businessCase.edit'));
        await form.locator('summary').click();
        await form.getByLabel(w('goals:businessCase.discountRate')).fill('10');
        await form.getByLabel(w('goals:businessCase.label')).nth(0).fill(say.cost);
        await form.getByLabel(w('goals:businessCase.amounts')).nth(0).fill('100000');
        await form.getByLabel(w('goals:businessCase.label')).nth(1).fill(say.gain);
        await form.getByLabel(w('goals:businessCase.amounts')).nth(1).fill('0, 60000, 60000');
        await form.getByLabel(w('goals:businessCase.reason')).fill(say.reason);
        await form.getByRole('button', { name: w('goals:businessCase.submit') }).click();
        await form.getByRole('status').waitFor();

        const figures = page.locator('table.figures');
        const whole = figures.getByRole('row', { name: new RegExp(w('goals:businessCase.whole')) });
        await whole.waitFor();
        const npv = new Intl.NumberFormat(language, { style: 'currency', currency: 'CNY', maximumFractionDigits: 0 }).format(4132.23);
        const irr = new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 1 }).format(0.1307);
        t.match(await whole.textContent(), npv, `the NPV: ${npv}`);
        t.match(await whole.textContent(), irr, `the IRR: ${irr}`);
        t.match(await whole.textContent(), new Intl.NumberFormat(language, { maximumFractionDigits: 2 }).format(1 + 40000 / 60000), 'the payback');
        t.ok(await page.getByText(w('goals:heard.notHeard', { departments: language === 'en' ? 'Finance' : '财务部' })).isVisible(), 'the department the team names has not been heard');
        await check('goals');
        await page.setViewportSize({ width: 360, height: 800 });
        await page.screenshot({ path: `test-artifacts/screenshots/goals/goals.${language}.360.png`, fullPage: true });
        t.ok(((await page.evaluate('document.documentElement.scrollWidth')) as number) <= 360, 'nothing is wider than a 360 px phone');
        await page.setViewportSize({ width: 1440, height: 900 });

        await page.goto(`/e/${started.id}`);
        await page.getByRole('heading', { level: 2, name: w('goals:heard.title') }).waitFor();
        await check('overview-heard');
      }),
    );
  }
});
