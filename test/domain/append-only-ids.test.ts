import t from 'tap';
import { AppendOnlyIds } from '../../domain/index.js';

t.test('keeps ids in the order they were added, each once', async (t) => {
  const ids = AppendOnlyIds.of(['f-1', 'f-2']).add('f-3').add('f-2');
  t.same([...ids], ['f-1', 'f-2', 'f-3']);
  t.equal(ids.size, 3);
  t.ok(ids.has('f-3'));
  t.notOk(ids.has('f-4'));
});

t.test('an earlier version stays what it was when a later one grows', async (t) => {
  const earlier = AppendOnlyIds.of(['f-1']);
  const later = earlier.add('f-2');
  t.notOk(earlier.has('f-2'), 'the earlier version does not see the later id');
  t.same(earlier.toJSON(), ['f-1']);
  const branch = earlier.add('f-9');
  t.same(branch.toJSON(), ['f-1', 'f-9'], 'a branch from the earlier version holds its own ids');
  t.notOk(branch.has('f-2'));
  t.same(later.toJSON(), ['f-1', 'f-2'], 'and the later version is untouched by the branch');
  t.notOk(later.has('f-9'));
});

t.test('stored as a plain array and read back the same', async (t) => {
  const ids = AppendOnlyIds.of(['b', 'a', 'c']);
  const stored = JSON.parse(JSON.stringify({ findingIds: ids })) as { findingIds: string[] };
  t.same(stored.findingIds, ['b', 'a', 'c']);
  t.same([...AppendOnlyIds.of(stored.findingIds)], ['b', 'a', 'c']);
});
