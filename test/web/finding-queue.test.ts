/**
 * Findings typed in the interview room survive a bad network: they wait in localStorage, are sent
 * again with the same Idempotency-Key (so the service records them once), and a refusal is kept
 * with its detail instead of being dropped.
 */
import { setTimeout as tick } from 'node:timers/promises';
import t from 'tap';

type Sent = { url: string; key: string | null; body: unknown };
type Queue = {
  enqueueFinding: (interviewId: string, body: { section: string; text: string }, saved: () => void) => void;
  retryFinding: (key: string, saved: () => void) => void;
};

const storage = new Map<string, string>();
Object.assign(globalThis, {
  localStorage: {
    getItem: (k: string) => storage.get(k) ?? null,
    setItem: (k: string, v: string) => void storage.set(k, v),
    removeItem: (k: string) => void storage.delete(k),
  },
});

let answer: () => Response = () => new Response('{}');
const sent: Sent[] = [];
globalThis.fetch = (async (url: string, init: RequestInit) => {
  const headers = init.headers as Record<string, string>;
  sent.push({ url, key: headers['idempotency-key'] ?? null, body: JSON.parse(String(init.body)) });
  return answer();
}) as typeof fetch;

// The web app's module, loaded by path: the test project does not compile the browser sources.
const queuePath = new URL('../../services/web/src/consultant/finding-queue.ts', import.meta.url).href;
const { enqueueFinding, retryFinding } = (await import(queuePath)) as Queue;
const pending = () => JSON.parse(storage.get('crm.pending-findings') ?? '[]') as Array<{ key: string; state: string; detail?: string }>;

t.beforeEach(() => {
  storage.clear();
  sent.length = 0;
});

t.test('a finding typed while offline waits, then is sent again with the same key and recorded once', async (t) => {
  answer = () => {
    throw new TypeError('Failed to fetch');
  };
  let saved = 0;
  enqueueFinding('i-1', { section: 'workflow', text: 'Quotes are approved by e-mail' }, () => saved++);
  await tick(10);
  t.equal(pending().length, 1, 'kept in localStorage');
  t.equal(pending()[0]!.state, 'waiting');
  t.equal(saved, 0);

  answer = () => new Response(JSON.stringify({ id: 'i-1', version: 3, position: '42', findingId: 'f-1' }), { status: 201 });
  retryFinding(pending()[0]!.key, () => saved++);
  await tick(10);
  t.equal(sent.length, 2);
  t.equal(sent[0]!.key, sent[1]!.key, 'the retry carries the first attempt’s Idempotency-Key');
  t.equal(sent[1]!.url, '/interviews/i-1/findings');
  t.same(sent[1]!.body, { section: 'workflow', text: 'Quotes are approved by e-mail' });
  t.same(pending(), [], 'gone from the queue once saved');
  t.equal(saved, 1);
});

t.test('a refusal of the service marks the finding failed with its detail and keeps it', async (t) => {
  answer = () =>
    new Response(JSON.stringify({ type: 'x', title: 'The summary has already been confirmed', status: 409, detail: 'summary version 1 is confirmed', code: 'summary-already-confirmed' }), {
      status: 409,
    });
  enqueueFinding('i-2', { section: 'customer', text: 'Duplicates across regions' }, () => t.fail('not saved'));
  await tick(10);
  t.equal(pending().length, 1);
  t.equal(pending()[0]!.state, 'failed');
  t.equal(pending()[0]!.detail, 'summary version 1 is confirmed');
});
