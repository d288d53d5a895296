/**
 * A page opened while the service is still catching up with a long log after its start: its reads
 * are answered 503 with Retry-After, and the app says it is catching up – in English and in
 * Chinese – asks again by itself, and shows the page once the read models have caught up, without
 * an error on the way.
 */
import t from 'tap';
import type { EventEnvelope, RecordedEvent } from '../../contracts/index.js';
import { openEmbeddedLog } from '../../infra/embedded-data/integrity.js';
import { bearer, scheduleBody, SECRET } from '../support/http.js';
import { startService } from '../support/service-process.js';
import { PEOPLE, webSuite } from './support/browser.js';
import { translator } from './support/words.js';

/** Enough events that folding them outlasts opening a page in two browsers on a busy machine. */
const INTERVIEWS = 50;
const FINDINGS_EACH = 3_000;
const ENGAGEMENT = 'Catch-up rollout';
const pat = bearer(PEOPLE.pat.userId, ['pm', 'consultant'], PEOPLE.pat.name);

/** An engagement of Pat's with interviews made through the API, then findings by the thousand written straight into their streams. */
const longLog = async (dataDir: string) => {
  const service = await startService({ DATA_DIR: dataDir, AUTH_JWT_SECRET: SECRET });
  try {
    const post = async (path: string, body: object) => {
      const answer = await fetch(`${service.base}${path}`, { method: 'POST', headers: { ...pat, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (!answer.ok) throw new Error(`POST ${path}: ${answer.status} ${await answer.text()}`);
      return (await answer.json()) as { id: string };
    };
    const engagement = await post('/engagements', { name: ENGAGEMENT, client: 'Acme', sponsor: { name: 'Dana', title: 'CEO' } });
    for (let n = 0; n < INTERVIEWS; n++) {
      const interviewId = (await post(`/engagements/${engagement.id}/interviews`, scheduleBody())).id;
      await post(`/interviews/${interviewId}/conduct`, { conductedAt: '2026-03-05T12:00:00Z' });
      await post(`/interviews/${interviewId}/findings`, { section: 'workflow', text: 'the first finding', pain: 2, frequency: 'daily' });
      interviewIds.push(interviewId);
    }
  } finally {
    await service.stop();
  }
  const log = await openEmbeddedLog(dataDir, { report: () => undefined });
  try {
    for (const interviewId of interviewIds) {
      const stream = `interview-${interviewId}`;
      const recorded: RecordedEvent[] = [];
      for await (const event of log.readStream(stream)) recorded.push(event);
      const { streamId: _s, revision, position: _p, ...finding } = recorded.at(-1) as RecordedEvent & Record<string, unknown>;
      const copies = Array.from({ length: FINDINGS_EACH }, (): EventEnvelope => {
        const findingId = crypto.randomUUID();
        return { ...(finding as unknown as EventEnvelope), eventId: crypto.randomUUID(), data: { ...(finding['data'] as object), findingId, text: `finding ${findingId}` } as never };
      });
      const appended = await log.appendToStream(stream, copies, revision);
      if (!appended.ok) throw new Error(`the findings could not be written to ${stream}`);
    }
  } finally {
    await log.close();
  }
};

const interviewIds: string[] = [];

await webSuite(
  t,
  'catching-up',
  async (web, t) => {
    // Both languages at once: the catch-up happens once, at the service's start.
    const inLanguage = (language: 'en' | 'zh-CN') =>
      web.inBrowser(t, { language, person: PEOPLE.pat }, async ({ page, expectStatus }) => {
        const w = await translator(language);
        expectStatus(503);
        const notice = page.getByRole('status').filter({ hasText: w('common:catchingUp.title') });
        const catchUpAnswers: number[] = [];
        page.on('response', (response) => void (response.status() === 503 && response.headers()['retry-after'] && catchUpAnswers.push(response.status())));
        await page.goto('/');
        await notice.waitFor();
        t.ok(await notice.getByText(w('common:catchingUp.detail')).isVisible(), `the notice says what happens (${language})`);
        await page.screenshot({ path: `test-artifacts/screenshots/catching-up/home.${language}.png`, fullPage: true });
        t.ok(catchUpAnswers.length > 0, `the service answered 503 with Retry-After meanwhile (${language})`);
        await page.getByRole('link', { name: ENGAGEMENT }).waitFor({ timeout: 120_000 });
        await notice.waitFor({ state: 'detached' });
        t.equal(await page.getByRole('alert').count(), 0, `no error was shown on the way (${language})`);
        const answeredBefore = catchUpAnswers.length;
        await page.reload();
        await page.getByRole('link', { name: ENGAGEMENT }).waitFor();
        t.equal(catchUpAnswers.length, answeredBefore, `once caught up, the page opens at once (${language})`);
        t.notOk(await notice.isVisible(), `and without the notice (${language})`);
      });
    await t.test('a page opened during the catch-up says so, waits and fills in by itself', async () => {
      await Promise.all([inLanguage('en'), inLanguage('zh-CN')]);
    });
  },
  { prepare: longLog },
);
