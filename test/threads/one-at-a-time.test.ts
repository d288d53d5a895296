/** The threads that keep SQLite's slow work off the event loop: answers, failures, a thread that dies. */
import t from 'tap';
import { OneAtATimeThread } from '../../infra/threads/one-at-a-time.js';
import type { EchoRequest } from './echo-thread.js';

const echo = () => new OneAtATimeThread<EchoRequest, { text: string; thread: number } | undefined>('the echo thread', new URL('./echo-thread.js', import.meta.url), {});

t.test('a request is answered by the thread, which starts at the first request', async (t) => {
  const thread = echo();
  t.teardown(() => thread.close({ kind: 'close' }));
  t.notOk(thread.busy);
  const asked = thread.ask({ kind: 'echo', text: '你好' });
  t.ok(thread.busy, 'busy until it answers');
  const answer = await asked;
  t.equal(answer?.text, '你好');
  t.not(answer?.thread, 0, 'answered on another thread than the event loop');
  t.notOk(thread.busy);
  await t.rejects(Promise.all([thread.ask({ kind: 'echo', text: 'a' }), thread.ask({ kind: 'echo', text: 'b' })]), /one request at a time/);
});

t.test('what fails in the thread fails the request, and the thread goes on', async (t) => {
  const thread = echo();
  t.teardown(() => thread.close({ kind: 'close' }));
  const first = await thread.ask({ kind: 'echo', text: 'first' });
  await t.rejects(thread.ask({ kind: 'fail' }), /the thread could not/);
  const after = await thread.ask({ kind: 'echo', text: 'after' });
  t.equal(after?.thread, first?.thread, 'the same thread answers');
});

t.test('a thread that dies fails its request, and the next request starts a new one', async (t) => {
  const thread = echo();
  t.teardown(() => thread.close({ kind: 'close' }));
  const first = await thread.ask({ kind: 'echo', text: 'first' });
  await t.rejects(thread.ask({ kind: 'die' }), /the echo thread stopped \(exit code 3\)/);
  const after = await thread.ask({ kind: 'echo', text: 'after' });
  t.equal(after?.text, 'after');
  t.not(after?.thread, first?.thread, 'a new thread');
});

t.test('closing waits for the request under way', async (t) => {
  const thread = echo();
  const asked = thread.ask({ kind: 'echo', text: 'under way' });
  await thread.close({ kind: 'close' });
  t.equal((await asked)?.text, 'under way');
});
