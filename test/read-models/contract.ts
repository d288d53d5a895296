/**
 * The read-model store contract: every promise of the port, as one suite that each store runs
 * (in memory; MongoDB through the wire server). `open` gives a fresh, empty store for one subtest
 * and how to close (and clean up) it.
 */
import type { Test } from 'tap';
import type { DocumentWrite, ReadModelCollection, ReadModelStore } from '../../infra/read-models/index.js';
import { UnsupportedQueryError } from '../../infra/read-models/index.js';

export type OpenedStore = { store: ReadModelStore; close(): Promise<void> };
export type OpenStore = () => Promise<OpenedStore>;

export type Item = {
  id: string;
  engagementId: string;
  position: string;
  title: string;
  status: string;
  score?: number;
  departments: string[];
  priority?: { score: number; tier: string };
  sources?: { interviewId: string }[];
};

export const item = (id: string, position: string, fields: Partial<Item> = {}): Item => ({
  id,
  engagementId: 'e1',
  position,
  title: `requirement ${id}`,
  status: 'captured',
  departments: [],
  ...fields,
});

export const upsert = (document: Item): DocumentWrite<Item> => ({ kind: 'upsert', id: document.id, document, ifPositionBelow: document.position });
export const remove = (id: string, position: string): DocumentWrite<Item> => ({ kind: 'delete', id, ifPositionBelow: position });

export const collect = async <T>(iterable: AsyncIterable<T>): Promise<T[]> => {
  const items: T[] = [];
  for await (const element of iterable) items.push(element);
  return items;
};

const ids = (documents: readonly { id: string }[]) => documents.map((document) => document.id);

/** Six backlog items with something to filter and sort on. */
const backlog = (): Item[] => [
  item('r1', '11', { status: 'prioritized', score: 9, departments: ['Sales', 'Finance'], priority: { score: 9, tier: 'vital-few' }, sources: [{ interviewId: 'i1' }] }),
  item('r2', '12', { status: 'captured', departments: ['Sales'], sources: [{ interviewId: 'i2' }, { interviewId: 'i3' }] }),
  item('r3', '13', { status: 'prioritized', score: 4, departments: [], priority: { score: 4, tier: 'trivial-many' } }),
  item('r4', '14', { status: 'accepted', score: 12, departments: ['Finance'], priority: { score: 12, tier: 'vital-few' }, engagementId: 'e2' }),
  item('r5', '15', { status: 'rejected', score: 4, departments: ['Service'], priority: { score: 4, tier: 'trivial-many' } }),
  item('r6', '16', { status: 'prioritized', score: 7, departments: ['Sales'], priority: { score: 7, tier: 'trivial-many' }, title: 'Zebra' }),
];

export const readModelStoreContract = (t: Test, name: string, open: OpenStore) =>
  t.test(`${name} keeps the read-model store contract`, async (t) => {
    const opened = async (t: Test): Promise<ReadModelStore> => {
      const { store, close } = await open();
      t.teardown(close);
      return store;
    };
    const withBacklog = async (t: Test): Promise<ReadModelCollection<Item>> => {
      const store = await opened(t);
      const collection = store.collection<Item>('backlog');
      await collection.write(backlog().map(upsert));
      return collection;
    };

    t.test('get and getMany return what was written, and nothing for unknown ids', async (t) => {
      const store = await opened(t);
      const collection = store.collection<Item>('backlog');
      t.equal(await collection.get('r1'), undefined);
      t.same([...(await collection.getMany(['r1']))], []);
      const r1 = item('r1', '7', { departments: ['Sales'], priority: { score: 9, tier: 'vital-few' } });
      await collection.write([upsert(r1), upsert(item('r2', '8'))]);
      t.strictSame(await collection.get('r1'), r1, 'the document comes back as it was written, id and position included');
      const many = await collection.getMany(['r2', 'r1', 'nope']);
      t.same([...many.keys()].sort(), ['r1', 'r2']);
      t.strictSame(many.get('r1'), r1);
      t.same([...(await collection.getMany([]))], []);
    });

    t.test('collections are separate by name', async (t) => {
      const store = await opened(t);
      await store.collection<Item>('backlog').write([upsert(item('r1', '1'))]);
      t.equal(await store.collection<Item>('interviews').get('r1'), undefined);
      t.equal(await store.collection<Item>('interviews').count({}), 0);
    });

    t.test('find: equality, $in, ranges, dotted paths, arrays containing a value, and all of them together', async (t) => {
      const collection = await withBacklog(t);
      const found = async (filter: Parameters<typeof collection.find>[0]) => ids(await collect(collection.find(filter)));
      t.same(await found({}), ['r1', 'r2', 'r3', 'r4', 'r5', 'r6'], 'no filter: everything, by id');
      t.same(await found({ status: 'prioritized' }), ['r1', 'r3', 'r6']);
      t.same(await found({ score: 4 }), ['r3', 'r5'], 'equality on numbers');
      t.same(await found({ status: { $in: ['accepted', 'rejected'] } }), ['r4', 'r5']);
      t.same(await found({ score: { $gte: 7 } }), ['r1', 'r4', 'r6']);
      t.same(await found({ score: { $gt: 4, $lt: 12 } }), ['r1', 'r6']);
      t.same(await found({ score: { $lte: 4 } }), ['r3', 'r5'], 'documents without the field do not match a range');
      t.same(await found({ title: { $gte: 'requirement r5' } }), ['r5'], 'string ranges compare by code unit ("Zebra" < "requirement")');
      t.same(await found({ score: { $gt: '0' } }), [], 'a range matches only values of its own type');
      t.same(await found({ 'priority.tier': 'vital-few' }), ['r1', 'r4'], 'dotted path into a sub-document');
      t.same(await found({ 'priority.score': { $lt: 5 } }), ['r3', 'r5']);
      t.same(await found({ departments: 'Sales' }), ['r1', 'r2', 'r6'], 'an array field matches when it contains the value');
      t.same(await found({ departments: { $in: ['Finance', 'Service'] } }), ['r1', 'r4', 'r5']);
      t.same(await found({ 'sources.interviewId': 'i3' }), ['r2'], 'dotted path through an array of sub-documents');
      t.same(await found({ status: 'prioritized', departments: 'Sales', score: { $gte: 8 } }), ['r1'], 'conditions combine with and');
      t.same(await found({ engagementId: 'e2' }), ['r4']);
      t.same(await found({ id: 'r3' }), ['r3'], 'id is a field like the others');
      t.same(await found({ id: { $in: ['r5', 'r2'] } }), ['r2', 'r5']);
      t.same(await found({ status: 'nothing' }), []);
      t.equal(await collection.count({ status: 'prioritized' }), 3);
      t.equal(await collection.count({ departments: 'Sales', score: { $gt: 8 } }), 1);
      t.equal(await collection.count({}), 6);
    });

    t.test('find refuses what the port does not offer', async (t) => {
      const collection = await withBacklog(t);
      const refused = async (filter: unknown, options?: unknown) =>
        t.rejects(collect(collection.find(filter as never, options as never)), UnsupportedQueryError);
      await refused({ $where: 'true' });
      await refused({ status: { $regex: '.*' } });
      await refused({ status: { $ne: 'x' } });
      await refused({ 'a.$b': 1 });
      await refused({ status: {} });
      await refused({ position: { $gt: 3 } });
      await refused({}, { limit: -1 });
      await refused({}, { sort: [['status', 0]] });
      await t.rejects(collection.count({ $or: [] } as never), UnsupportedQueryError);
    });

    t.test('find sorts by several fields, breaks ties by id, limits, and sorts missing values first', async (t) => {
      const collection = await withBacklog(t);
      const sorted = async (options: Parameters<typeof collection.find>[1], filter = {}) => ids(await collect(collection.find(filter, options)));
      t.same(await sorted({ sort: [['score', -1]] }), ['r4', 'r1', 'r6', 'r3', 'r5', 'r2'], 'descending; ties by id; missing last when descending');
      t.same(await sorted({ sort: [['score', 1]] }), ['r2', 'r3', 'r5', 'r6', 'r1', 'r4'], 'ascending: missing first');
      t.same(await sorted({ sort: [['status', 1], ['score', -1]] }), ['r4', 'r2', 'r1', 'r6', 'r3', 'r5']);
      t.same(await sorted({ sort: [['priority.score', -1]], limit: 2 }), ['r4', 'r1'], 'dotted sort and limit');
      t.same(await sorted({ sort: [['score', 1]], limit: 3 }, { status: 'prioritized' }), ['r3', 'r6', 'r1']);
      t.same(await sorted({ sort: [['title', 1]], limit: 2 }), ['r6', 'r1'], 'strings by code unit: "Zebra" first');
      t.same(await sorted({ sort: [['id', -1]] }), ['r6', 'r5', 'r4', 'r3', 'r2', 'r1']);
      t.same(await sorted({ limit: 0 }), [], 'limit 0: nothing');
    });

    t.test('position compares as a number in filters and sorts, whatever its length', async (t) => {
      const store = await opened(t);
      const collection = store.collection<Item>('log-ordered');
      const positions = ['9', '10', '99', '100', '1000000000000000000000000000001', '2'];
      await collection.write(positions.map((position, i) => upsert(item(`d${i}`, position))));
      const byPosition = await collect(collection.find({}, { sort: [['position', 1]] }));
      t.same(
        byPosition.map((document) => document.position),
        ['2', '9', '10', '99', '100', '1000000000000000000000000000001'],
      );
      const after = await collect(collection.find({ position: { $gt: '9' } }, { sort: [['position', -1]] }));
      t.same(after.map((document) => document.position), ['1000000000000000000000000000001', '100', '99', '10']);
      t.same(ids(await collect(collection.find({ position: '100' }))), ['d3']);
      t.same(ids(await collect(collection.find({ position: { $in: ['2', '99'] } }))), ['d2', 'd5']);
    });

    t.test('find streams: a large result arrives document by document, and leaving early is fine', async (t) => {
      const store = await opened(t);
      const collection = store.collection<Item>('many');
      const documents = Array.from({ length: 1_500 }, (_, i) => item(`m${String(i).padStart(4, '0')}`, String(i + 1), { score: i % 10 }));
      await collection.write(documents.map(upsert));
      let seen = 0;
      for await (const document of collection.find({}, { sort: [['score', 1]] })) {
        seen++;
        if (seen === 1) t.equal(document.score, 0);
      }
      t.equal(seen, 1_500);
      let first: Item | undefined;
      for await (const document of collection.find({ score: 3 })) {
        first = document;
        break;
      }
      t.equal(first?.id, 'm0003', 'breaking out of the loop ends the query');
      t.equal(await collection.count({ score: 3 }), 150, 'and the store still answers');
    });

    t.test('writes are guarded by position: older never overwrites newer, redelivery changes nothing', async (t) => {
      const store = await opened(t);
      const collection = store.collection<Item>('backlog');
      await collection.write([upsert(item('r1', '20', { title: 'at 20' }))]);
      await collection.write([upsert(item('r1', '19', { title: 'at 19' }))]);
      t.equal((await collection.get('r1'))?.title, 'at 20', 'an older write is skipped');
      await collection.write([upsert(item('r1', '20', { title: 'again at 20' }))]);
      t.equal((await collection.get('r1'))?.title, 'at 20', 'a write at the same position is a redelivery: skipped');
      await collection.write([upsert(item('r1', '21', { title: 'at 21' }))]);
      t.equal((await collection.get('r1'))?.title, 'at 21', 'a newer write applies');
      await collection.write([upsert(item('r1', '100', { title: 'at 100' }))]);
      await collection.write([upsert(item('r1', '99', { title: 'at 99' }))]);
      t.equal((await collection.get('r1'))?.title, 'at 100', '99 < 100 although "99" > "100" as strings');
      await collection.write([upsert(item('r1', '100000000000000000000000', { title: 'beyond 64 bits' }))]);
      await collection.write([upsert(item('r1', '99999999999999999999999', { title: 'just below' }))]);
      t.equal((await collection.get('r1'))?.title, 'beyond 64 bits');
    });

    t.test('a batch mixing writes that are behind and ahead applies exactly the ones that are newer', async (t) => {
      const store = await opened(t);
      const collection = store.collection<Item>('backlog');
      await collection.write([upsert(item('a', '50', { title: 'a50' })), upsert(item('c', '50', { title: 'c50' })), upsert(item('e', '50', { title: 'e50' }))]);
      // Redelivered (ahead in store) and new writes interleaved: the store must not stop at the first one it skips.
      await collection.write([
        upsert(item('a', '40', { title: 'a40' })),
        upsert(item('b', '60', { title: 'b60' })),
        upsert(item('c', '50', { title: 'c50 again' })),
        upsert(item('d', '60', { title: 'd60' })),
        upsert(item('e', '60', { title: 'e60' })),
        remove('f', '60'),
      ]);
      const titles = Object.fromEntries([...(await collection.getMany(['a', 'b', 'c', 'd', 'e', 'f']))].map(([id, document]) => [id, document.title]));
      t.same(titles, { a: 'a50', b: 'b60', c: 'c50', d: 'd60', e: 'e60' });
      await collection.write([upsert(item('a', '40', { title: 'a40' })), upsert(item('c', '30', { title: 'c30' }))]);
      t.equal((await collection.get('a'))?.title, 'a50', 'a batch in which every write is behind changes nothing');
    });

    t.test('a large batch of updates to existing documents applies in full', async (t) => {
      const store = await opened(t);
      const collection = store.collection<Item>('backlog');
      const first = Array.from({ length: 250 }, (_, i) => item(`b${i}`, String(1_000 + i), { score: 1 }));
      await collection.write(first.map(upsert));
      // Half of them redelivered (same position), half of them newer.
      await collection.write(first.map((document, i) => upsert({ ...document, position: String(1_000 + i + (i % 2) * 500), score: 2 })));
      t.equal(await collection.count({ score: 2 }), 125);
      t.equal(await collection.count({ score: 1 }), 125);
    });

    t.test('deletes are guarded too and leave a tombstone that keeps older writes out', async (t) => {
      const store = await opened(t);
      const collection = store.collection<Item>('backlog');
      await collection.write([upsert(item('r1', '10')), upsert(item('r2', '10'))]);
      await collection.write([remove('r1', '9')]);
      t.ok(await collection.get('r1'), 'an older delete is skipped');
      await collection.write([remove('r1', '12')]);
      t.equal(await collection.get('r1'), undefined, 'a newer delete removes it');
      t.same([...(await collection.getMany(['r1', 'r2']))].map(([id]) => id), ['r2']);
      t.equal(await collection.count({}), 1, 'count leaves the tombstone out');
      t.same(ids(await collect(collection.find({}))), ['r2'], 'find leaves the tombstone out');
      await collection.write([upsert(item('r1', '11', { title: 'redelivered' }))]);
      t.equal(await collection.get('r1'), undefined, 'a redelivered older write does not bring it back');
      const states = await collection.getStates(['r1', 'r2', 'r3']);
      t.same(states.get('r1'), { document: undefined, position: '12' }, 'getStates shows the deletion and its position');
      t.equal(states.get('r2')?.position, '10');
      t.strictSame(states.get('r2')?.document, item('r2', '10'));
      t.notOk(states.has('r3'), 'an id never written has no state');
      await collection.write([upsert(item('r1', '13', { title: 'back' }))]);
      t.equal((await collection.get('r1'))?.title, 'back', 'a newer write brings it back');
      await collection.write([remove('nobody', '5')]);
      t.same(await collection.getStates(['nobody']), new Map([['nobody', { document: undefined, position: '5' }]]));
    });

    t.test('clear removes every document and tombstone', async (t) => {
      const store = await opened(t);
      const collection = store.collection<Item>('backlog');
      await collection.write([upsert(item('r1', '10')), remove('r2', '10')]);
      await collection.clear();
      t.equal(await collection.count({}), 0);
      t.same([...(await collection.getStates(['r1', 'r2']))], []);
      await collection.write([upsert(item('r2', '1'))]);
      t.ok(await collection.get('r2'), 'a cleared collection takes writes from any position');
    });

    t.test('a write that does not match its own id is refused', async (t) => {
      const store = await opened(t);
      const collection = store.collection<Item>('backlog');
      await t.rejects(collection.write([{ kind: 'upsert', id: 'x', document: item('y', '1'), ifPositionBelow: '1' }]));
      await t.rejects(collection.write([upsert(item('x', 'not-a-position'))]));
      t.equal(await collection.count({}), 0);
    });

    t.test('checkpoints: none at first, then the last one saved, per projection', async (t) => {
      const store = await opened(t);
      t.equal(await store.checkpoint('backlog'), undefined);
      await store.saveCheckpoint('backlog', '42');
      await store.saveCheckpoint('interviews', '7');
      t.equal(await store.checkpoint('backlog'), '42');
      await store.saveCheckpoint('backlog', '100');
      t.equal(await store.checkpoint('backlog'), '100');
      t.equal(await store.checkpoint('interviews'), '7');
      await store.saveCheckpoint('backlog', '123456789012345678901234567890');
      t.equal(await store.checkpoint('backlog'), '123456789012345678901234567890');
    });

    t.test('staging and swap: built aside, invisible until swapped, then served under the name', async (t) => {
      const store = await opened(t);
      const live = store.collection<Item>('backlog');
      await live.write([upsert(item('old', '5', { title: 'old' })), upsert(item('both', '5', { title: 'old both' }))]);
      const staged = await store.staging<Item>('backlog');
      t.not(staged.name, 'backlog', 'the staging collection has a name of its own');
      t.equal(await staged.count({}), 0, 'it starts empty');
      await staged.write([upsert(item('new', '9', { title: 'new' })), upsert(item('both', '3', { title: 'rebuilt both' })), remove('gone', '9')]);
      t.same(ids(await collect(live.find({}))), ['both', 'old'], 'the live collection keeps serving what it had');
      await store.swap('backlog', staged.name);
      t.same(ids(await collect(live.find({}))), ['both', 'new'], 'a handle taken before the swap serves the swapped-in documents');
      t.equal((await store.collection<Item>('backlog').get('both'))?.title, 'rebuilt both');
      t.same((await live.getStates(['gone'])).get('gone'), { document: undefined, position: '9' }, 'tombstones come along');
      await live.write([upsert(item('later', '10'))]);
      t.ok(await store.collection<Item>('backlog').get('later'), 'writes after the swap go to the swapped-in collection');

      const again = await store.staging<Item>('backlog');
      t.not(again.name, staged.name, 'a second rebuild gets a fresh collection');
      t.equal(await again.count({}), 0);
      await again.write([upsert(item('third', '11'))]);
      await store.swap('backlog', again.name);
      t.same(ids(await collect(live.find({}))), ['third'], 'and swaps in again');
      await t.rejects(store.swap('backlog', 'interviews'), 'only a staging collection of that name can be swapped in');
    });

    t.test('a staging collection left behind by a rebuild that did not finish is replaced by the next', async (t) => {
      const store = await opened(t);
      const abandoned = await store.staging<Item>('backlog');
      await abandoned.write([upsert(item('half', '3'))]);
      const next = await store.staging<Item>('backlog');
      t.equal(await next.count({}), 0);
      await store.swap('backlog', next.name);
      t.equal(await store.collection<Item>('backlog').count({}), 0);
    });

    t.test('ensureIndexes is idempotent and survives a swap', async (t) => {
      const store = await opened(t);
      const indexes = [
        [['engagementId', 1], ['status', 1]],
        [['priority.score', -1]],
        [['position', 1]],
      ] as const;
      await store.ensureIndexes('backlog', indexes);
      await store.ensureIndexes('backlog', indexes);
      await store.collection<Item>('backlog').write(backlog().map(upsert));
      await store.ensureIndexes('backlog', indexes);
      const staged = await store.staging<Item>('backlog');
      await staged.write(backlog().map(upsert));
      await store.swap('backlog', staged.name);
      await store.ensureIndexes('backlog', indexes);
      t.same(ids(await collect(store.collection<Item>('backlog').find({ engagementId: 'e1', status: 'prioritized' }))), ['r1', 'r3', 'r6']);
    });

    t.test('an equality filter on an indexed field finds what a filter on any other field would, as documents change', async (t) => {
      const store = await opened(t);
      await store.ensureIndexes('backlog', [[['status', 1], ['position', 1]], [['departments', 1]], [['score', 1]]]);
      const collection = store.collection<Item>('backlog');
      await collection.write(backlog().map(upsert));
      t.same(ids(await collect(collection.find({ status: 'prioritized' }, { sort: [['position', -1]] }))), ['r6', 'r3', 'r1']);
      t.same(ids(await collect(collection.find({ departments: 'Sales', engagementId: 'e1' }))), ['r1', 'r2', 'r6'], 'a field holding an array matches by any element');
      await collection.write([upsert(item('r3', '20', { status: 'accepted', score: 4 })), remove('r6', '21'), upsert(item('r7', '22', { status: 'prioritized', departments: ['Sales'] }))]);
      t.same(ids(await collect(collection.find({ status: 'prioritized' }))), ['r1', 'r7'], 'a document that changed its value, a removed one and a new one');
      t.same(ids(await collect(collection.find({ status: 'accepted' }))), ['r3', 'r4']);
      t.same(ids(await collect(collection.find({ departments: 'Sales' }))), ['r1', 'r2', 'r7']);
      t.equal(await collection.count({ score: 4 }), 2);
      t.equal(await collection.count({ score: '4' as unknown as number }), 0, 'the string "4" is not the number 4');
      await collection.write([upsert(item('r6', '19', { status: 'prioritized' }))]);
      t.same(ids(await collect(collection.find({ status: 'prioritized' }))), ['r1', 'r7'], 'a write older than a removal changes nothing');
      const staged = await store.staging<Item>('backlog');
      await staged.write([upsert(item('s1', '30', { status: 'prioritized' }))]);
      await store.swap('backlog', staged.name);
      t.same(ids(await collect(collection.find({ status: 'prioritized' }))), ['s1'], 'the swapped-in collection is indexed too');
      await collection.clear();
      t.equal(await collection.count({ status: 'prioritized' }), 0);
    });

    t.test('ping answers', async (t) => {
      const store = await opened(t);
      await t.resolves(store.ping());
    });
  });
