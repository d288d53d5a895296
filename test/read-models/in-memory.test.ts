import t from 'tap';
import { InMemoryReadModelStore } from '../../infra/read-models/index.js';
import { collect, item, readModelStoreContract, upsert, type Item } from './contract.js';

readModelStoreContract(t, 'InMemoryReadModelStore', async () => {
  const store = new InMemoryReadModelStore();
  return { store, close: () => store.close() };
});

readModelStoreContract(t, 'InMemoryReadModelStore as production runs it (documents not frozen)', async () => {
  const store = new InMemoryReadModelStore({ freezeDocuments: false });
  return { store, close: () => store.close() };
});

t.test('stored documents are frozen: neither a reader nor the writer can change the read model by accident', async (t) => {
  const store = new InMemoryReadModelStore();
  const collection = store.collection<Item>('backlog');
  const written = item('r1', '1', { departments: ['Sales'] });
  await collection.write([upsert(written)]);
  t.throws(() => written.departments.push('changed after writing'), TypeError, 'the writer handed the document over');
  const read = await collection.get('r1');
  t.same(read?.departments, ['Sales']);
  t.throws(() => read!.departments.push('x'), TypeError);
  const [found] = await collect(collection.find({}));
  t.throws(() => {
    (found as { title: string }).title = 'x';
  }, TypeError);
});

t.test('in production a written document is kept as handed over, without walking it to freeze it', async (t) => {
  const store = new InMemoryReadModelStore({ freezeDocuments: false });
  const collection = store.collection<Item>('backlog');
  const written = item('r1', '1', { departments: ['Sales'] });
  await collection.write([upsert(written)]);
  t.equal(await collection.get('r1'), written, 'the very document, not a copy');
  t.notOk(Object.isFrozen(written));
});

t.test('a closed store says it is unavailable', async (t) => {
  const store = new InMemoryReadModelStore();
  await store.close();
  await t.rejects(store.ping(), { name: 'ReadModelStoreUnavailableError' });
  await t.rejects(store.collection('backlog').get('x'), { name: 'ReadModelStoreUnavailableError' });
});
