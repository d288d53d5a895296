/**
 * The browser suites' harness: the built service (as `npm start` runs it) on a temporary DATA_DIR
 * with the development sign-in, Debian's Chromium driven by playwright-core, and for every browser
 * context the checks each page must pass – no console or page errors, no request leaving the
 * machine, no serious or critical accessibility violation (axe-core) – with a screenshot of each
 * page kept under test-artifacts/screenshots/.
 *
 * Chromium comes from the system (`.ci/run` installs Debian's package; CHROMIUM_PATH overrides
 * /usr/bin/chromium): a browser download at run time is not possible. Without it the suites skip,
 * unless REQUIRE_BROWSER=1 or REQUIRE_INFRA=1 (CI) makes that a failure.
 */
import AxeBuilder from '@axe-core/playwright';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, request, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { Test } from 'tap';
import { startService, type ServiceProcess } from '../../support/service-process.js';

const root = resolve(import.meta.dirname, '../../..');
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] || '/usr/bin/chromium';
export const SCREENSHOTS = join(root, 'test-artifacts', 'screenshots');
const required = process.env['REQUIRE_BROWSER'] === '1' || process.env['REQUIRE_INFRA'] === '1';

export type Language = 'en' | 'zh-CN';
export const LANGUAGES: Language[] = ['en', 'zh-CN'];
export type Person = { userId: string; name: string; roles: string[] };
/** The development sign-in's demo people (services/http/browser-session.ts). */
export const PEOPLE = {
  pat: { userId: 'pat', name: 'Pat Lee', roles: ['pm'] },
  chen: { userId: 'chen', name: 'Chen Wei', roles: ['consultant'] },
  liWei: { userId: 'li.wei', name: 'Li Wei', roles: ['stakeholder'] },
  olga: { userId: 'olga', name: 'Olga Petrova', roles: ['pmo'] },
  ada: { userId: 'ada', name: 'Ada Admin', roles: ['admin'] },
} as const satisfies Record<string, Person>;

/** Only the machine itself may be asked for anything. */
export const isLocal = (url: string) => {
  const { protocol, hostname } = new URL(url);
  if (protocol === 'data:' || protocol === 'blob:' || protocol === 'about:') return true;
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
};

const missing = (): string | undefined => {
  if (!existsSync(CHROMIUM_PATH)) return `no Chromium at ${CHROMIUM_PATH} (install Debian's chromium, or set CHROMIUM_PATH)`;
  if (!existsSync(join(root, 'dist/web/index.html')) || !existsSync(join(root, 'dist/services/roles/main.js')))
    return 'the service and web app are not built (npm run build)';
  return undefined;
};

export type BrowserOptions = {
  language: Language;
  /** Signed in through POST /auth/dev before the first page; none for a fresh, signed-out context. */
  person?: Person;
  width?: number;
  height?: number;
};

export type Tab = {
  page: Page;
  context: BrowserContext;
  language: Language;
  /** Screenshot (kept as an artifact) and accessibility scan of the page as it is now. */
  check: (name: string) => Promise<void>;
  /** A response status this context provokes on purpose, so the browser's "Failed to load resource" line for it is no error. */
  expectStatus: (status: number) => void;
  /** What was recorded so far – errors and requests stopped from leaving the machine – and forgets it (for the harness's own test). */
  drain: () => { errors: string[]; offMachine: string[] };
};

export type Web = {
  base: string;
  service: ServiceProcess;
  browser: Browser;
  /** A fresh browser context for `body`; afterwards it asserts no console error and no request off the machine. */
  inBrowser: (t: Test, options: BrowserOptions, body: (tab: Tab) => Promise<void>) => Promise<void>;
  /** An API request context signed in as `person`, for arranging data the walk does not cover. */
  api: (person: Person) => Promise<Api>;
};

export type Api = {
  post: <T = { id: string; position: string }>(path: string, body?: unknown) => Promise<T>;
  get: <T>(path: string) => Promise<T>;
  dispose: () => Promise<void>;
};

/**
 * One service and one browser for a test file; `body` gets both. Skips the file (with the reason)
 * when there is no browser, unless REQUIRE_BROWSER=1 / REQUIRE_INFRA=1 makes that a failure.
 */
export const webSuite = async (
  root: Test,
  suite: string,
  body: (web: Web, t: Test) => Promise<void>,
  options: { /** Puts data into DATA_DIR before the service starts on it. */ prepare?: (dataDir: string) => Promise<void> } = {},
) => {
  const reason = missing();
  if (reason) {
    if (required) root.fail(`browser tests cannot run: ${reason}`);
    else root.plan(0, `browser tests skipped: ${reason}; REQUIRE_BROWSER=1 makes this a failure`);
    return;
  }
  // One subtest holds the service and the browser, so the file's tests run while both are up.
  await root.test(suite, (t) => run(t, suite, body, options.prepare));
};

const run = async (t: Test, suite: string, body: (web: Web, t: Test) => Promise<void>, prepare?: (dataDir: string) => Promise<void>) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'crm-web-'));
  await prepare?.(dataDir);
  const service = await startService({ DATA_DIR: dataDir });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox'] });
  t.teardown(async () => {
    await browser.close();
    await service.stop();
    await rm(dataDir, { recursive: true, force: true });
  });
  const shots = join(SCREENSHOTS, suite);
  await mkdir(shots, { recursive: true });

  const inBrowser: Web['inBrowser'] = async (t, options, body) => {
    const width = options.width ?? 1280;
    const context = await browser.newContext({
      baseURL: service.base,
      locale: options.language,
      timezoneId: 'Asia/Shanghai',
      viewport: { width, height: options.height ?? 900 },
      acceptDownloads: true,
    });
    // The app remembers the language chosen in the header; a new context starts from the browser's.
    await context.addInitScript({ content: `if (location.protocol.startsWith('http')) localStorage.setItem('crm.language', ${JSON.stringify(options.language)});` });
    const offMachine: string[] = [];
    const errors: string[] = [];
    const expected = new Set<number>();
    // For a failing step's report: what the service refused or never answered, and what it logged meanwhile.
    const refused: string[] = [];
    const logFrom = service.log().length;
    context.on('response', (response) => {
      if (response.status() >= 400) refused.push(`${response.status()} ${response.request().method()} ${new URL(response.url()).pathname}`);
    });
    context.on('requestfailed', (request) => refused.push(`no answer (${request.failure()?.errorText ?? 'failed'}) ${request.method()} ${new URL(request.url()).pathname}`));
    await context.route('**/*', async (route) => {
      const url = route.request().url();
      if (isLocal(url)) return route.fallback();
      offMachine.push(url);
      return route.abort('blockedbyclient');
    });
    context.on('console', (message) => {
      if (message.type() !== 'error') return;
      const status = /status of (\d{3})/.exec(message.text());
      if (status && expected.has(Number(status[1]))) return;
      errors.push(`console error: ${message.text()} (${message.location().url})`);
    });
    context.on('page', (page) => {
      page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
      page.on('websocket', (socket) => !isLocal(socket.url()) && offMachine.push(socket.url()));
    });
    if (options.person) {
      const signIn = await context.request.post('/auth/dev', { data: options.person });
      if (!signIn.ok()) throw new Error(`development sign-in failed: ${signIn.status()} ${await signIn.text()}`);
    }
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    const tab: Tab = {
      page,
      context,
      language: options.language,
      expectStatus: (status) => expected.add(status),
      drain: () => ({ errors: errors.splice(0), offMachine: offMachine.splice(0) }),
      check: async (name) => {
        await page.locator('main h1, main [role="heading"]').first().waitFor();
        const file = join(shots, `${name}.${options.language}.${width}.png`);
        await page.screenshot({ path: file, fullPage: true });
        t.comment(`screenshot: ${file}`);
        if (width > 390) {
          // The same page on a phone.
          await page.setViewportSize({ width: 390, height: 844 });
          const narrow = join(shots, `${name}.${options.language}.390.png`);
          await page.screenshot({ path: narrow, fullPage: true });
          t.comment(`screenshot: ${narrow}`);
          await page.setViewportSize({ width, height: options.height ?? 900 });
        }
        const scan = await new AxeBuilder({ page }).analyze();
        const serious = scan.violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => `${v.id} (${v.impact}): ${v.help} – ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
        t.same(serious, [], `${name} (${options.language}, ${width} px): no serious accessibility violation`);
      },
    };
    try {
      await body(tab);
    } catch (failure) {
      // The page as the failing step left it, to see what went wrong.
      const file = join(shots, `failed-${t.name.replace(/[^\w.-]+/g, '-')}.png`);
      await page.screenshot({ path: file, fullPage: true }).then(() => t.comment(`screenshot of the failure: ${file}`), () => undefined);
      const alerts = await page.getByRole('alert').allInnerTexts().catch(() => []);
      t.comment(`at ${page.url()}; the page's alerts: ${alerts.length === 0 ? 'none' : alerts.map((a) => a.replace(/\s+/g, ' ')).join(' | ')}`);
      t.comment(`answers not 2xx or 3xx: ${refused.length === 0 ? 'none' : refused.join(', ')}`);
      t.comment(`the service's log meanwhile:\n${service.log().slice(logFrom).slice(-3_000) || '(nothing)'}`);
      throw failure;
    } finally {
      await context.close();
      t.same(errors, [], `no console or page errors (${options.language})`);
      t.same(offMachine, [], `no request left the machine (${options.language})`);
    }
  };

  const api: Web['api'] = async (person) => {
    const context = await request.newContext({ baseURL: service.base });
    const signIn = await context.post('/auth/dev', { data: person });
    if (!signIn.ok()) throw new Error(`development sign-in failed: ${signIn.status()}`);
    const session = (await (await context.get('/auth/session')).json()) as { csrfToken: string };
    let last = '';
    return {
      post: async (path, body = {}) => {
        const answer = await context.post(path, { data: body, headers: { 'x-csrf-token': session.csrfToken, 'idempotency-key': crypto.randomUUID() } });
        if (!answer.ok()) throw new Error(`POST ${path}: ${answer.status()} ${await answer.text()}`);
        const json = (await answer.json()) as { position?: string };
        if (json.position) last = json.position;
        return json as never;
      },
      get: async (path) => {
        const answer = await context.get(path, { headers: last ? { 'x-min-position': last } : {} });
        if (!answer.ok()) throw new Error(`GET ${path}: ${answer.status()} ${await answer.text()}`);
        return (await answer.json()) as never;
      },
      dispose: () => context.dispose(),
    };
  };

  await body({ base: service.base, service, browser, inBrowser, api }, t);
};
