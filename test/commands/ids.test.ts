import t from 'tap';
import { validate, version } from 'uuid';
import { idSource, newUuidV7 } from '../../services/commands/ids.js';

t.test('fresh ids are distinct UUID v7s in the order they were made, past several refills of the random pool', async (t) => {
  const ids = Array.from({ length: 5_000 }, () => newUuidV7());
  t.ok(ids.every((id) => validate(id) && version(id) === 7), 'every id is a UUID v7');
  t.equal(new Set(ids).size, ids.length, 'no id twice');
  t.same([...ids].sort(), ids, 'sorted as made, also within one millisecond');
});

t.test('a command without an idempotency key gets fresh ids for each resource and event', async (t) => {
  const ids = idSource(undefined, 'secret');
  const made = [ids.resource('finding'), ids.event(0), ids.event(0), ids.resource('finding')];
  t.equal(new Set(made).size, 4);
  t.notOk(ids.deterministic);
});
