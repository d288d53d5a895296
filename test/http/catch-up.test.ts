/**
 * A process whose read models are folded from the log at start serves at once: commands are
 * decided on the log, while queries wait a moment for the read models and answer 503 with
 * Retry-After until they have reached the log's head as it was at the start – never a partial list.
 */
import t from 'tap';
import { catchUpTo, type ReadYourWrites } from '../../services/queries/read-your-writes.js';
import { catchUpCheck } from '../../services/wiring/read-side.js';
import { discovery, scheduleBody, testApp, users } from '../support/http.js';

/** Read-your-writes held back until `release()`: the read models of a start still folding the log. */
const heldBack = (): ReadYourWrites & { release(): void } => {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  return {
    release,
    waitFor: (_position, timeoutMs) =>
      Promise.race([released, new Promise<void>((_, reject) => setTimeout(() => reject(new Error('not yet')), timeoutMs))]),
  };
};

t.test('while the read models catch up after a start, commands are served and queries answer 503 with Retry-After', async (t) => {
  const earlier = await testApp();
  t.teardown(() => earlier.app.close());
  const { startEngagement, post } = discovery(earlier.app);
  const engagement = await startEngagement();
  await post(`/engagements/${engagement.id}/interviews`, users.consultant, scheduleBody());
  const head = await earlier.store.headPosition();

  const readModels = heldBack();
  const catchUp = catchUpTo(readModels, head)!;
  const { app } = await testApp({ store: earlier.store, catchUp, readinessChecks: [catchUpCheck(catchUp)] });
  t.teardown(() => app.close());

  const query = () => app.inject({ method: 'GET', url: `/engagements/${engagement.id}/interviews`, headers: users.consultant });
  const waiting = await query();
  t.equal(waiting.statusCode, 503, 'no partial list');
  t.equal(waiting.headers['retry-after'], '1');
  t.match(waiting.json(), { code: 'unavailable', detail: /catching up with the log after a start/ });

  const command = await app.inject({ method: 'POST', url: `/engagements/${engagement.id}/interviews`, headers: users.consultant, payload: scheduleBody() });
  t.equal(command.statusCode, 201, 'a command is decided on the log meanwhile');

  const readiness = await app.inject({ method: 'GET', url: '/health/ready' });
  t.equal(readiness.statusCode, 200, 'the process stays ready: it serves commands');
  t.match(readiness.json(), { checks: { catchUp: { status: 'up', caughtUp: false, headAtStart: head } } });

  readModels.release();
  const answered = await query();
  t.equal(answered.statusCode, 200, 'once caught up, queries are answered');
  t.match((await app.inject({ method: 'GET', url: '/health/ready' })).json(), { checks: { catchUp: { caughtUp: true } } });
});

t.test('a query sent while catching up waits for it rather than failing at once', async (t) => {
  const earlier = await testApp();
  t.teardown(() => earlier.app.close());
  const engagement = await discovery(earlier.app).startEngagement();
  const readModels = heldBack();
  const catchUp = catchUpTo(readModels, await earlier.store.headPosition())!;
  const { app } = await testApp({ store: earlier.store, catchUp });
  t.teardown(() => app.close());
  setTimeout(() => readModels.release(), 100);
  const reply = await app.inject({ method: 'GET', url: `/engagements/${engagement.id}`, headers: users.pm });
  t.equal(reply.statusCode, 200);
});

t.test('an empty log has nothing to catch up with', async (t) => {
  t.equal(catchUpTo(heldBack(), undefined), undefined);
  t.equal(catchUpTo(heldBack(), '0'), undefined);
});
