import t from 'tap';
import { StallWatch } from '../../infra/projector/readiness.js';

t.test('a projection is unready when it stopped, or stays behind without advancing', async (t) => {
  let now = 0;
  const watch = new StallWatch({ stalledAfterMs: 30_000, now: () => now });
  const look = (checkpoint: string, lagEvents: number) => watch.assess([{ name: 'backlog', checkpoint, lagEvents, state: 'live' }]);

  t.same(look('10', 0), { up: true, reasons: [] }, 'at the head');
  now += 3_600_000;
  t.ok(look('10', 5).up, 'an event after an idle hour is not a stall');
  now += 20_000;
  t.ok(look('10', 8_392).up, 'behind, not yet for long');
  now += 15_000;
  const stalled = look('10', 8_392);
  t.notOk(stalled.up, 'behind and not advancing for 35 s');
  t.match(stalled.reasons, [/backlog is 8392 events behind the log and has not advanced for 35 s/]);
  now += 60_000;
  t.ok(look('11', 8_391).up, 'moving again');
  now += 60_000;
  t.ok(look('5000', 3_402).up, 'catching up, however far behind');

  t.match(
    watch.assess([{ name: 'audit', checkpoint: '3', lagEvents: 2, state: 'failed', lastError: { message: 'boom', eventId: 'e-1', eventType: 'X', position: '4', at: '' } }]),
    { up: false, reasons: [/audit has stopped at event e-1 \(X\): boom/] },
  );
});
