/** The one retry module of every log consumer: waits double up to a ceiling with jitter, stopping ends a wait at once. */
import t from 'tap';
import pino from 'pino';
import { backoffDelay, pause, retrier, StoppedError } from '../../infra/consumer/retry.js';
import { EventStoreUnavailableError } from '../../infra/event-store/port.js';

const quiet = pino({ level: 'silent' });

t.test('backoff doubles up to its ceiling, with jitter', async (t) => {
  const options = { initialMs: 100, maxMs: 1_000 };
  t.same([1, 2, 3, 4, 5, 10].map((n) => backoffDelay(n, options, () => 1)), [100, 200, 400, 800, 1_000, 1_000]);
  t.same([1, 5].map((n) => backoffDelay(n, options, () => 0)), [50, 500], 'at least half');
});

t.test('stopping ends a wait at once', async (t) => {
  const abort = new AbortController();
  const started = Date.now();
  const waiting = pause(60_000, abort.signal);
  abort.abort();
  await t.rejects(waiting, StoppedError);
  t.ok(Date.now() - started < 1_000, 'did not wait out the delay');
  await t.rejects(pause(1, abort.signal), StoppedError, 'an aborted signal does not wait at all');
});

t.test('a retrier retries transient failures and throws the others as they are', async (t) => {
  const abort = new AbortController();
  const heard: unknown[] = [];
  const retry = retrier({ initialMs: 1, maxMs: 2 }, abort.signal, quiet, { onRetry: (error) => heard.push(error) });
  let calls = 0;
  const answer = await retry('reading', async () => {
    if (++calls < 3) throw new EventStoreUnavailableError('down');
    return 'read';
  });
  t.equal(answer, 'read');
  t.equal(heard.length, 2, 'each retried failure is reported');
  const refused = new RangeError('not transient');
  await t.rejects(retry('writing', async () => Promise.reject(refused)), refused);

  const broker = retrier({ initialMs: 1, maxMs: 2 }, abort.signal, quiet, { transient: (error) => error instanceof TypeError });
  let attempts = 0;
  t.equal(await broker('sending', async () => (++attempts < 2 ? Promise.reject(new TypeError('x')) : attempts)), 2, 'a consumer names its own transient failures');
});

t.test('a retrier stops retrying when the consumer stops', async (t) => {
  const abort = new AbortController();
  const retry = retrier({ initialMs: 10_000, maxMs: 10_000 }, abort.signal, quiet);
  const running = retry('reading', async () => Promise.reject(new EventStoreUnavailableError('down')));
  setTimeout(() => abort.abort(), 20);
  await t.rejects(running, StoppedError);
});
