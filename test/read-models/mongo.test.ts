/**
 * The MongoDB store against the MongoDB-wire test server (`npm run infra:up`, then load
 * `.infra/env`); skipped when MONGO_URL is not set. Every store gets a database of its own,
 * dropped afterwards.
 */
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { MongoClient } from 'mongodb';
import { MongoReadModelStore, ReadModelStoreUnavailableError, type MongoReadModelStoreOptions } from '../../infra/read-models/index.js';
import { item, readModelStoreContract, remove, upsert, type Item } from './contract.js';

const mongoUrl = process.env['MONGO_URL'];

export const openMongoStore = async (url: string, options: MongoReadModelStoreOptions = {}) => {
  const dbName = `rm_test_${randomUUID().slice(0, 8)}`;
  const store = await MongoReadModelStore.open(url, { dbName, serverSelectionTimeoutMS: 5_000, ...options });
  const close = async () => {
    const client = await MongoClient.connect(url);
    await client.db(dbName).dropDatabase().catch(() => undefined);
    await client.close();
    await store.close();
  };
  return { store, close, dbName };
};

t.test('MongoReadModelStore', { skip: !mongoUrl && 'MONGO_URL not set (npm run infra:up; set -a; . .infra/env; set +a)' }, async (t) => {
  const url = mongoUrl!;
  readModelStoreContract(t, 'MongoReadModelStore', () => openMongoStore(url));

  t.test('stored documents keep an order-preserving position key beside the decimal position', async (t) => {
    const { store, close, dbName } = await openMongoStore(url);
    t.teardown(close);
    await store.collection<Item>('backlog').write([upsert(item('r1', '99')), upsert(item('r2', '100'))]);
    const client = await MongoClient.connect(url);
    t.teardown(() => client.close());
    const raw = await client.db(dbName).collection('backlog').find({}).sort({ _position: 1 }).toArray();
    t.same(
      raw.map((document) => [document['_id'], document['position'], document['_position']]),
      [
        ['r1', '99', '0002:99'],
        ['r2', '100', '0003:100'],
      ],
    );
    t.notOk('id' in raw[0]!, 'the id is stored as _id only');
  });

  t.test('the swapped-in collection has the indexes of the live one', async (t) => {
    const { store, close, dbName } = await openMongoStore(url);
    t.teardown(close);
    await store.ensureIndexes('backlog', [[['status', 1], ['priority.score', -1]], [['position', -1]]]);
    await store.collection<Item>('backlog').write([upsert(item('r1', '1'))]);
    const staged = await store.staging<Item>('backlog');
    await store.swap('backlog', staged.name);
    const client = await MongoClient.connect(url);
    t.teardown(() => client.close());
    const indexes = await client.db(dbName).collection(staged.name).listIndexes().toArray();
    t.same(
      indexes.map((index) => index['key']).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
      [{ _id: 1 }, { _position: -1 }, { status: 1, 'priority.score': -1 }].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    );
  });

  t.test('with the guard in each write filter (the way it runs on MongoDB), writes keep the same promises', async (t) => {
    // On FerretDB the store checks positions before writing instead; this runs MongoDB's way
    // against whichever server MONGO_URL names, in bulk writes small enough for FerretDB.
    const { store, close } = await openMongoStore(url, { server: 'mongodb', maxWritesPerBulkWrite: 50 });
    t.teardown(close);
    const collection = store.collection<Item>('backlog');
    await collection.write([upsert(item('a', '50', { title: 'a50' })), upsert(item('c', '50', { title: 'c50' })), remove('e', '50')]);
    await collection.write([
      upsert(item('a', '40', { title: 'a40' })),
      upsert(item('b', '60', { title: 'b60' })),
      upsert(item('c', '50', { title: 'c50 again' })),
      upsert(item('d', '60', { title: 'd60' })),
      upsert(item('e', '49', { title: 'e49' })),
      upsert(item('c', '100', { title: 'c100' })),
      upsert(item('c', '99', { title: 'c99' })),
    ]);
    const titles = Object.fromEntries([...(await collection.getMany(['a', 'b', 'c', 'd', 'e']))].map(([id, document]) => [id, document.title]));
    t.same(titles, { a: 'a50', b: 'b60', c: 'c100', d: 'd60' }, 'behind ones skipped without stopping the rest; the tombstone holds');
    const many = Array.from({ length: 120 }, (_, i) => item(`m${i}`, String(200 + i), { score: 1 }));
    await collection.write(many.map(upsert));
    await collection.write(many.map((document, i) => upsert({ ...document, position: String(200 + i + (i % 2) * 500), score: 2 })));
    t.equal(await collection.count({ score: 2 }), 60);
  });

  t.test('another store instance sees a swap once its alias cache expires', async (t) => {
    const { store, close, dbName } = await openMongoStore(url);
    t.teardown(close);
    // Long enough that staging, writing and swapping fit inside it on a busy machine.
    const ttl = 2_000;
    const other = await MongoReadModelStore.open(url, { dbName, aliasTtlMs: ttl });
    t.teardown(() => other.close());
    await store.collection<Item>('backlog').write([upsert(item('before', '1'))]);
    t.ok(await other.collection<Item>('backlog').get('before'));
    const staged = await store.staging<Item>('backlog');
    await staged.write([upsert(item('after', '2'))]);
    await store.swap('backlog', staged.name);
    t.ok(await other.collection<Item>('backlog').get('before'), 'within the TTL: the replaced collection, still complete');
    await new Promise((resolve) => setTimeout(resolve, ttl + 100));
    t.ok(await other.collection<Item>('backlog').get('after'), 'after it: the swapped-in one');
  });
});

t.test('an unreachable server is ReadModelStoreUnavailableError, at connect and on operations', async (t) => {
  const error = await MongoReadModelStore.open('mongodb://127.0.0.1:1/', { serverSelectionTimeoutMS: 200 }).catch((e: unknown) => e);
  t.type(error, ReadModelStoreUnavailableError);
  t.equal((error as Error).name, 'ReadModelStoreUnavailableError', 'the port’s error; the driver’s is only its cause');
  t.ok((error as Error).cause, 'with the driver error as its cause');
});

t.test('an operation on a store that lost its server is ReadModelStoreUnavailableError', { skip: !mongoUrl && 'MONGO_URL not set' }, async (t) => {
  const { store, close } = await openMongoStore(mongoUrl!);
  await close();
  await t.rejects(store.collection<Item>('backlog').get('r1'), ReadModelStoreUnavailableError);
  await t.rejects(store.saveCheckpoint('backlog', '1'), ReadModelStoreUnavailableError);
});
