/**
 * Benchmark (not a test) of the web app, after `npm run build`:
 *  1. the JavaScript each page ships, gzipped: the app's entry and what it imports, plus the page's
 *     own chunk and what that imports (from Vite's manifest), each chunk counted once;
 *  2. the time to interactive of the backlog page of an engagement with 1,000 prioritized
 *     requirements, in Chromium: from navigation start until the table shows the first ranked
 *     rows and the Pareto chart, and until the first click on a row is answered – median of runs.
 *
 *   npm run bench:web            (CHROMIUM_PATH overrides /usr/bin/chromium; RUNS=5)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, request, type APIRequestContext } from 'playwright-core';
import { RequirementCategory } from '../contracts/values.js';
import { median, START_FLAGS, startProcess, stop } from './support.js';

const root = resolve(import.meta.dirname, '..');
const web = join(root, 'dist/web');
const REQUIREMENTS = 1_000;
const RUNS = Number(process.env['RUNS'] ?? 5);

// --- 1. JavaScript per page ------------------------------------------------------------------
type Chunk = { file: string; src?: string; isEntry?: boolean; imports?: string[]; css?: string[] };
const manifest = JSON.parse(readFileSync(join(web, '.vite/manifest.json'), 'utf8')) as Record<string, Chunk>;
const gzipped = (file: string) => gzipSync(readFileSync(join(web, file)), { level: 9 }).length;

/** A chunk and everything it imports statically, as manifest keys. */
const closure = (key: string, seen = new Set<string>()): Set<string> => {
  if (seen.has(key)) return seen;
  seen.add(key);
  for (const imported of manifest[key]?.imports ?? []) closure(imported, seen);
  return seen;
};

const entry = Object.keys(manifest).find((key) => manifest[key]!.isEntry)!;
const shell = closure(entry);
const routes = [...readFileSync(join(root, 'services/web/src/routes.tsx'), 'utf8').matchAll(/path: '([^']+)', page: lazy\(\(\) => import\('\.\/(pages\/[\w-]+)\.js'\)\)/g)];
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const sum = (keys: Iterable<string>) => [...keys].reduce((total, key) => total + gzipped(manifest[key]!.file), 0);

console.log(`JavaScript per page, gzipped (level 9), first visit – the app shell is ${kib(sum(shell))} of each:`);
const rows = routes.map(([, path, module]) => {
  const key = Object.keys(manifest).find((k) => manifest[k]!.src?.endsWith(`${module}.tsx`));
  if (!key) throw new Error(`no chunk for ${module} in the manifest`);
  const page = closure(key, new Set(shell));
  return { path: path!, page: kib(sum([...page].filter((k) => !shell.has(k)))), total: kib(sum(page)) };
});
console.table(rows);

/** The page's globals, for functions run in the browser (this project compiles without the DOM's types; the page's CSP forbids evaluating strings there). */
type Dom = { document: { querySelector: (s: string) => unknown; querySelectorAll: (s: string) => { length: number } }; performance: { now: () => number } };

// --- 2. Time to interactive of the backlog with 1,000 requirements ---------------------------
const dataDir = mkdtempSync(join(tmpdir(), 'crm-web-bench-'));
const { child, address } = await startProcess([...START_FLAGS, join(root, 'dist/services/roles/main.js')], { PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
const pat = { userId: 'pat', name: 'Pat Lee', roles: ['pm'] };

const signedIn = async (): Promise<{ api: APIRequestContext; post: (path: string, body: object) => Promise<Record<string, string>> }> => {
  const api = await request.newContext({ baseURL: address });
  await api.post('/auth/dev', { data: pat });
  const { csrfToken } = (await (await api.get('/auth/session')).json()) as { csrfToken: string };
  const post = async (path: string, body: object) => {
    const answer = await api.post(path, { data: body, headers: { 'x-csrf-token': csrfToken, 'idempotency-key': crypto.randomUUID() } });
    if (!answer.ok()) throw new Error(`POST ${path}: ${answer.status()} ${await answer.text()}`);
    return (await answer.json()) as Record<string, string>;
  };
  return { api, post };
};

try {
  const { api, post } = await signedIn();
  const started = Date.now();
  const engagement = await post('/engagements', { name: 'Backlog of a thousand', client: 'Bench Group', sponsor: { name: 'Dana', title: 'VP' }, goals: [], successCriteria: [] });
  const interview = await post(`/engagements/${engagement['id']}/interviews`, {
    interviewee: { name: 'Li Wei', department: 'Sales', position: 'Director' },
    interviewers: ['Chen Wei'],
    scheduledAt: '2026-12-01T02:00:00.000Z',
    durationMinutes: 60,
    location: 'Room 3',
    method: 'in-person',
    topics: ['business-process'],
  });
  await post(`/interviews/${interview['id']}/conduct`, { conductedAt: new Date(Date.now() - 60_000).toISOString() });
  const finding = await post(`/interviews/${interview['id']}/findings`, { section: 'workflow', text: 'Leads are tracked in spreadsheets' });
  const sources = [{ interviewId: interview['id'], findingId: finding['findingId'] }];
  const categories = RequirementCategory.options;
  // Eight writers at a time, as a team would never manage but a bench can.
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < REQUIREMENTS) {
        const n = next++;
        const requirement = await post(`/engagements/${engagement['id']}/requirements`, {
          title: `Requirement ${n + 1}: one view of the customer's ${['orders', 'leads', 'visits', 'quotes', 'complaints'][n % 5]}`,
          description: 'Captured from the interview with the sales director.',
          category: categories[n % categories.length],
          departments: ['Sales'],
          sources,
        });
        await post(`/requirements/${requirement['id']}/prioritize`, {
          frequency: n % 4,
          lossIfMismanaged: (n >> 2) % 4,
          urgency: (n >> 4) % 4,
          fundSafety: n % 7 === 0,
          stakeholderConcern: n % 3 === 0,
          rationale: 'bench',
        });
      }
    }),
  );
  console.log(`\n${REQUIREMENTS} requirements captured and prioritized through the API in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await api.dispose();

  const browser = await chromium.launch({ executablePath: process.env['CHROMIUM_PATH'] || '/usr/bin/chromium' });
  const runs: { rendered: number; interactive: number; longTasks: number }[] = [];
  for (let run = 0; run < RUNS + 1; run++) {
    // A fresh context each run: a first visit, nothing cached.
    const context = await browser.newContext({ baseURL: address, locale: 'en', viewport: { width: 1280, height: 900 } });
    await context.request.post('/auth/dev', { data: pat });
    await context.addInitScript({
      content: `window.__longTasks = 0; new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks += e.duration; }).observe({ type: 'longtask', buffered: true });`,
    });
    const page = await context.newPage();
    await page.goto(`/e/${engagement['id']}/backlog`, { waitUntil: 'commit' });
    const rendered = await page.waitForFunction(() => {
      const { document, performance } = globalThis as unknown as Dom;
      return document.querySelectorAll('main table tbody tr').length >= 50 && document.querySelector('main svg') !== null && performance.now();
    }, undefined, {
      polling: 'raf',
      timeout: 60_000,
    });
    const renderedAt = (await rendered.jsonValue()) as number;
    // Interactive: the first row's button answers a click (the selected requirement opens).
    await page.locator('main table tbody tr button').first().click();
    const interactive = await page.waitForFunction(() => {
      const { document, performance } = globalThis as unknown as Dom;
      return document.querySelector('main tr[aria-selected="true"]') !== null && performance.now();
    }, undefined, { polling: 'raf' });
    const interactiveAt = (await interactive.jsonValue()) as number;
    const longTasks = (await page.evaluate('window.__longTasks')) as number;
    // The first run warms the service's caches and the disk; it is not counted.
    if (run > 0) runs.push({ rendered: renderedAt, interactive: interactiveAt, longTasks });
    await context.close();
  }
  await browser.close();
  console.log(`\nBacklog page, ${REQUIREMENTS} requirements, ${RUNS} runs (first visit each, 1280×900), ms from navigation start:`);
  console.table(runs.map((r) => ({ rendered: Math.round(r.rendered), interactive: Math.round(r.interactive), 'long tasks': Math.round(r.longTasks) })));
  console.log(
    `median: table and chart rendered ${Math.round(median(runs.map((r) => r.rendered)))} ms, first click answered ${Math.round(median(runs.map((r) => r.interactive)))} ms, long tasks ${Math.round(median(runs.map((r) => r.longTasks)))} ms`,
  );
} finally {
  await stop(child);
  rmSync(dataDir, { recursive: true, force: true });
}
