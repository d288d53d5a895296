/**
 * The browser harness's own guards, so that a passing browser suite means something: a page error
 * or console error is recorded, and a request for another host is stopped and recorded.
 */
import t from 'tap';
import { isLocal, PEOPLE, webSuite } from './support/browser.js';

t.test('only this machine counts as local', async (t) => {
  t.ok(isLocal('http://127.0.0.1:3000/engagements'));
  t.ok(isLocal('http://localhost:5173/'));
  t.ok(isLocal('data:image/png;base64,AAAA'));
  t.notOk(isLocal('https://fonts.googleapis.com/css'));
  t.notOk(isLocal('http://127.0.0.1.example.com/'));
});

await webSuite(t, 'harness', async (web, t) => {
  await t.test('errors and requests off the machine are caught', (t) =>
    web.inBrowser(t, { language: 'en', person: PEOPLE.pat }, async ({ page, drain }) => {
      await page.goto('/');
      await page.locator('main h1').waitFor();
      await page.evaluate('setTimeout(() => { throw new Error("boom in the page") }); console.error("said in the console")');
      await page.waitForTimeout(100);
      // Another host: the app's CSP stops it in the page, the harness stops it for the browser itself.
      await page.goto('http://example.com/').catch(() => undefined);
      const { errors, offMachine } = drain();
      t.ok(errors.some((e) => e.startsWith('page error: ') && e.includes('boom in the page')), 'a page error is recorded');
      t.ok(errors.some((e) => e.includes('said in the console')), 'a console error is recorded');
      t.same(offMachine, ['http://example.com/'], 'the request for another host was stopped and recorded');
    }),
  );
});
