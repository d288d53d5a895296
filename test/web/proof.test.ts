/**
 * Why this rank and what changed, in a browser, in English and in Chinese: a requirement pushed out
 * of the vital few by another one's score shows the arithmetic of its score, its rank, the cut-off
 * and the event that moved it; the audit page lists what changed since an instant.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { LANGUAGES, PEOPLE, webSuite } from './support/browser.js';
import { translator } from './support/words.js';

/** A datetime-local value (to the second) of `instant` in the browser's time zone, Asia/Shanghai (UTC+8, no summer time). */
const shanghai = (instant: Date) => new Date(instant.getTime() + 8 * 3_600_000).toISOString().slice(0, 19);

await webSuite(t, 'proof', async (web, t) => {
  const pat = await web.api(PEOPLE.pat);
  t.teardown(() => pat.dispose());
  const { id: engagementId } = await pat.post('/engagements', { name: 'Proof CRM', client: 'Acme', sponsor: { name: 'Zhang San', title: 'CEO' } });
  await pat.post(`/engagements/${engagementId}/phase/advance`, { to: 'business-survey' });
  const { id: interviewId } = await pat.post(`/engagements/${engagementId}/interviews`, {
    interviewee: { name: 'Li Wei', department: 'Sales', position: 'Sales director' },
    interviewers: ['Pat Lee'],
    scheduledAt: '2026-03-05T10:00:00+08:00',
    durationMinutes: 60,
    location: 'Room 3',
    method: 'in-person',
    topics: ['business-process'],
  });
  await pat.post(`/interviews/${interviewId}/conduct`, { conductedAt: '2026-03-05T02:00:00Z' });
  const { findingId } = await pat.post<{ findingId: string }>(`/interviews/${interviewId}/findings`, { section: 'workflow', text: 'quotes wait for approval' });
  const capture = (title: string) =>
    pat.post(`/engagements/${engagementId}/requirements`, { title, description: title, category: 'sales', departments: ['Sales'], sources: [{ interviewId, findingId }] });
  const pushedOut = await capture('Quote approval on the phone');
  const pusher = await capture('Credit limit check');
  // Alone, 3 + 2 + 2 = 7 is rank 1 of 1: the vital few.
  await pat.post(`/requirements/${pushedOut.id}/prioritize`, { frequency: 3, lossIfMismanaged: 2, urgency: 2, fundSafety: false, stakeholderConcern: false, rationale: 'every quote' });
  await sleep(1_100);
  const since = new Date(Math.floor(Date.now() / 1_000) * 1_000);
  // 3 + 3 + 2 = 8 takes rank 1; with two ranked, ceil(2/5) = 1 is vital: 7 drops to the trivial many.
  await pat.post(`/requirements/${pusher.id}/prioritize`, { frequency: 3, lossIfMismanaged: 3, urgency: 2, fundSafety: false, stakeholderConcern: false, rationale: 'credit risk' });
  await pat.get(`/requirements/${pusher.id}`);

  for (const language of LANGUAGES) {
    const w = await translator(language);
    await t.test(`a requirement pushed out of the vital few explains why (${language})`, (t) =>
      web.inBrowser(t, { language, person: PEOPLE.olga }, async ({ page, check }) => {
        await page.goto(`/r/${pushedOut.id}`);
        await page.locator('summary', { hasText: w('proof:why.title') }).click();
        const panel = page.locator('details.why-this-rank');
        await panel.getByText(w('proof:why.arithmetic', { sum: '3×1 + 2×1 + 2×1 + 0×3 + 0×3', score: '7' })).waitFor();
        t.ok(await panel.getByText(w('proof:why.rank', { rank: 2, ranked: 2 })).isVisible(), 'rank 2 of 2');
        t.ok(await panel.getByText(w('proof:why.cut', { count: 1, ranked: 2, score: '8' })).isVisible(), 'the top 1 is vital, cut-off score 8');
        t.ok(await panel.getByText(w('proof:why.reason.beyond-vital-few-count', { count: 1 })).isVisible(), 'trivial many: beyond the top 1');
        const moves = panel.locator('ol.moves > li');
        t.equal(await moves.count(), 2);
        const vital = w('common:tier.vital-few');
        const trivial = w('common:tier.trivial-many');
        t.match(await moves.nth(0).innerText(), w('proof:why.move', { from: w('proof:notRanked'), to: vital, rankFrom: '–', rankTo: '1' }));
        t.match(await moves.nth(1).innerText(), w('proof:why.move', { from: vital, to: trivial, rankFrom: '1', rankTo: '2' }));
        t.equal(await moves.nth(1).getByRole('link', { name: w('proof:why.byOther') }).getAttribute('href'), `/r/${pusher.id}`, 'the event was on the other requirement');
        await check('why-this-rank');

        await page.goto(`/e/${engagementId}/audit`);
        const changes = page.locator('section.what-changed');
        await changes.getByLabel(w('proof:changes.from')).fill(shanghai(since));
        await changes.getByRole('button', { name: w('proof:changes.show') }).click();
        const items = changes.locator('ol.change-list > li');
        await items.first().waitFor();
        const texts = await items.locator('.change').allInnerTexts();
        t.same(
          texts.map((text) => text.trim()),
          [
            w('proof:changes.kind.requirement-rescored', { title: 'Credit limit check', from: '–', to: '8' }),
            w('proof:changes.kind.requirement-retiered', { title: 'Credit limit check', from: w('proof:notRanked'), to: vital, rankFrom: '–', rankTo: '1' }),
            w('proof:changes.kind.requirement-retiered', { title: 'Quote approval on the phone', from: vital, to: trivial, rankFrom: '1', rankTo: '2' }),
          ],
          'exactly what changed since then',
        );
        t.match(await items.nth(2).locator('.events').innerText(), /Pat Lee/, 'with the event behind it and who');
        await check('what-changed');
      }),
    );
  }
});
