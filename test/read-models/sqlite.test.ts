/**
 * The read models of the embedded default kept in `read-models.sqlite3`: the store contract, and
 * what a restart finds – documents, tombstones, checkpoints and fences as they were written.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { READ_MODELS_FILE, SqliteReadModelStore } from '../../infra/read-models/index.js';
import { collect, item, readModelStoreContract, remove, upsert, type Item } from './contract.js';

const directory = (t: Test) => {
  const dir = mkdtempSync(join(tmpdir(), 'crm-read-models-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, READ_MODELS_FILE);
};

const opened = async (file: string) => {
  const store = SqliteReadModelStore.open(file);
  await store.load();
  return store;
};

readModelStoreContract(t, 'SqliteReadModelStore', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'crm-read-models-'));
  const store = await opened(join(dir, READ_MODELS_FILE));
  return {
    store,
    close: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

t.test('a restart finds the documents, the deletions and the checkpoints as they were written', async (t) => {
  const file = directory(t);
  const before = await opened(file);
  const backlog = before.collection<Item>('backlog');
  await backlog.write([upsert(item('r1', '5', { departments: ['Sales'] })), upsert(item('r2', '6')), upsert(item('r3', '7'))]);
  await backlog.write([remove('r2', '8'), upsert(item('r3', '9', { title: 'changed' }))]);
  await before.saveCheckpoint('requirement-backlog', '9', 3);
  await before.close();

  const after = await opened(file);
  t.teardown(() => after.close());
  const again = after.collection<Item>('backlog');
  t.same((await collect(again.find({}))).map((d) => [d.id, d.position, d.title]), [
    ['r1', '5', 'requirement r1'],
    ['r3', '9', 'changed'],
  ]);
  t.same((await again.getStates(['r2'])).get('r2'), { document: undefined, position: '8' }, 'the deletion is remembered with its position');
  await again.write([upsert(item('r2', '6'))]);
  t.equal(await again.get('r2'), undefined, 'a redelivered older event does not bring a deleted document back');
  t.equal(await after.checkpoint('requirement-backlog'), '9');
  await t.rejects(after.saveCheckpoint('requirement-backlog', '10', 2), { name: 'StaleFenceError' }, 'the fence survives the restart');
  t.equal(await after.highestPosition(), '9');
});

t.test('documents written without their checkpoint (a crash between the two): the batch comes again and changes nothing twice', async (t) => {
  const file = directory(t);
  const before = await opened(file);
  await before.saveCheckpoint('interviews', '10');
  const interviews = before.collection<Item>('interviews');
  await interviews.write([upsert(item('i1', '12', { title: 'after the batch' }))]);
  await before.close();

  const after = await opened(file);
  t.teardown(() => after.close());
  t.equal(await after.checkpoint('interviews'), '10', 'the checkpoint is behind its documents');
  const again = after.collection<Item>('interviews');
  await again.write([upsert(item('i1', '11', { title: 'an older version, redelivered' })), upsert(item('i1', '12', { title: 'the same write again' }))]);
  t.equal((await again.get('i1'))?.title, 'after the batch', 'the document keeps its later version');
  await after.close();
  const third = await opened(file);
  t.teardown(() => third.close());
  t.equal((await third.collection<Item>('interviews').get('i1'))?.title, 'after the batch', 'and so does the file');
});

t.test('a rebuild swapped in is what a restart finds; one that did not finish is dropped', async (t) => {
  const file = directory(t);
  const before = await opened(file);
  await before.collection<Item>('backlog').write([upsert(item('old', '1'))]);
  const staged = await before.staging<Item>('backlog');
  await staged.write([upsert(item('new', '2'))]);
  await before.swap('backlog', staged.name);
  const unfinished = await before.staging<Item>('backlog');
  await unfinished.write([upsert(item('half', '3'))]);
  await before.close();

  const after = await opened(file);
  t.teardown(() => after.close());
  t.same((await collect(after.collection<Item>('backlog').find({}))).map((d) => d.id), ['new']);
  const stored = new Database(file, { readonly: true });
  t.teardown(() => stored.close());
  t.same(stored.prepare("SELECT DISTINCT collection FROM documents").pluck().all(), ['backlog'], 'nothing of the unfinished rebuild is left in the file');
});

t.test('a write the file refuses changes nothing in memory either', async (t) => {
  const file = directory(t);
  const store = await opened(file);
  t.teardown(() => store.close());
  const backlog = store.collection<Item>('backlog');
  await t.rejects(backlog.write([upsert(item('r1', '1')), { kind: 'upsert', id: 'r2', document: item('other', '2'), ifPositionBelow: '2' }]), TypeError);
  t.equal(await backlog.get('r1'), undefined);
  await store.close();
  const reopened = await opened(file);
  t.teardown(() => reopened.close());
  t.equal(await reopened.collection<Item>('backlog').get('r1'), undefined);
});

t.test('discarding forgets every document and checkpoint, so that the log is folded again', async (t) => {
  const file = directory(t);
  const before = await opened(file);
  await before.collection<Item>('backlog').write([upsert(item('r1', '4'))]);
  await before.saveCheckpoint('requirement-backlog', '4');
  await before.close();
  const after = SqliteReadModelStore.open(file);
  t.teardown(() => after.close());
  await after.discardAll();
  await after.load();
  t.equal(await after.highestPosition(), undefined);
  t.equal(await after.checkpoint('requirement-backlog'), undefined);
  t.equal(await after.collection<Item>('backlog').get('r1'), undefined);
});

t.test('a closed store says it is unavailable', async (t) => {
  const store = await opened(directory(t));
  await store.close();
  await t.rejects(store.ping(), { name: 'ReadModelStoreUnavailableError' });
  await t.rejects(store.collection('backlog').write([upsert(item('r1', '1'))]), { name: 'ReadModelStoreUnavailableError' });
});

/** What a process that died now would leave: the file as another connection reads it. */
const inTheFile = (file: string) => {
  const stored = new Database(file, { readonly: true });
  try {
    return {
      documents: stored.prepare<[], { id: string; document: string }>('SELECT id, document FROM documents ORDER BY id').all().map((row) => [row.id, (JSON.parse(row.document) as Item).title]),
      checkpoints: stored.prepare('SELECT projection, position_key FROM checkpoints').all().length,
    };
  } finally {
    stored.close();
  }
};

t.test('writes wait in memory and go to the file together, each document once, its checkpoint never ahead of it', async (t) => {
  const file = directory(t);
  const store = await opened(file);
  t.teardown(() => store.close());
  const interviews = store.collection<Item>('interviews');
  await interviews.write([upsert(item('i1', '1', { title: 'first' })), upsert(item('i2', '2'))]);
  await interviews.write([upsert(item('i1', '3', { title: 'with a finding more' }))]);
  await store.saveCheckpoint('interviews', '3');
  t.equal((await interviews.get('i1'))?.title, 'with a finding more', 'reads answer from memory at once');
  t.same(inTheFile(file), { documents: [], checkpoints: 0 }, 'a crash now finds neither the documents nor their checkpoint: both are folded again');

  await store.flush();
  t.same(inTheFile(file).documents, [['i1', 'with a finding more'], ['i2', 'requirement i2']], 'the latest version of each document, written once');
  t.equal(inTheFile(file).checkpoints, 1);
  await interviews.write([upsert(item('i2', '4', { title: 'changed at the end' }))]);
  await store.close();
  t.same(inTheFile(file).documents[1], ['i2', 'changed at the end'], 'closing writes what waits');
});

t.test('a flush the file refuses keeps what waits, and the next one writes it', async (t) => {
  const file = directory(t);
  const store = await opened(file);
  t.teardown(() => store.close());
  const refuse = new Database(file);
  t.teardown(() => refuse.close());
  refuse.exec(`CREATE TABLE refused (x INTEGER) STRICT; INSERT INTO refused VALUES (1);
    CREATE TRIGGER full_disk BEFORE INSERT ON documents WHEN EXISTS (SELECT 1 FROM refused) BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;`);
  await store.collection<Item>('backlog').write([upsert(item('r1', '5'))]);
  await store.saveCheckpoint('requirement-backlog', '5');
  await t.rejects(store.flush(), { name: 'ReadModelStoreUnavailableError', message: /disk is full/ });
  t.same(inTheFile(file), { documents: [], checkpoints: 0 }, 'nothing of the refused transaction is in the file');
  refuse.exec('DELETE FROM refused');
  await store.flush();
  t.same(inTheFile(file), { documents: [['r1', 'requirement r1']], checkpoints: 1 });
});

t.test('while another connection holds the file, requests are still answered: the batches are written on a thread of their own', async (t) => {
  const file = directory(t);
  const store = SqliteReadModelStore.open(file, { flushEveryMs: 0 });
  await store.load();
  t.teardown(() => store.close());
  const backlog = store.collection<Item>('backlog');
  const holder = new Database(file);
  t.teardown(() => holder.close());
  holder.exec('BEGIN IMMEDIATE');
  const started = performance.now();
  await backlog.write([upsert(item('r1', '1'))]);
  await store.saveCheckpoint('requirement-backlog', '1');
  await backlog.write([upsert(item('r2', '2'))]);
  t.equal((await backlog.get('r2'))?.id, 'r2', 'a read is answered from memory');
  t.ok(performance.now() - started < 1_000, 'neither the writes nor the read waited for the lock (5 s)');
  t.same(inTheFile(file), { documents: [], checkpoints: 0 }, 'the batch is waiting for the lock');
  holder.exec('COMMIT');
  await store.flush();
  t.same(inTheFile(file), { documents: [['r1', 'requirement r1'], ['r2', 'requirement r2']], checkpoints: 1 }, 'once the lock is released, everything is in the file');
});

t.test('a batch the file refuses in the background fails the next write, and nothing of it is lost', async (t) => {
  const file = directory(t);
  const store = SqliteReadModelStore.open(file, { flushEveryMs: 0 });
  await store.load();
  t.teardown(() => store.close());
  const refuse = new Database(file);
  t.teardown(() => refuse.close());
  refuse.exec(`CREATE TABLE refused (x INTEGER) STRICT; INSERT INTO refused VALUES (1);
    CREATE TRIGGER full_disk BEFORE INSERT ON documents WHEN EXISTS (SELECT 1 FROM refused) BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;`);
  const backlog = store.collection<Item>('backlog');
  await backlog.write([upsert(item('r1', '5')), upsert(item('r2', '5'))]);
  await store.saveCheckpoint('requirement-backlog', '5');
  await t.rejects(store.flush(), { message: /disk is full/ }, 'the batch is refused');
  await backlog.write([upsert(item('r2', '6', { title: 'changed after the refusal' }))]).catch(() => {});
  // The write above started a batch of its own in the background; the file refuses it too.
  await new Promise((resolve) => setTimeout(resolve, 200));
  await t.rejects(backlog.write([upsert(item('r3', '7'))]), { name: 'ReadModelStoreUnavailableError', message: /disk is full/ }, 'the next write says so');
  t.equal((await backlog.get('r3'))?.id, 'r3', 'memory has the write: the projector delivers it again, and it changes nothing twice');
  refuse.exec('DELETE FROM refused');
  await store.flush();
  t.same(inTheFile(file), {
    documents: [['r1', 'requirement r1'], ['r2', 'changed after the refusal'], ['r3', 'requirement r3']],
    checkpoints: 1,
  }, 'every refused document is written, each in its latest version');
  await backlog.write([upsert(item('r4', '8'))]);
  t.pass('once written, the refusal is not reported again');
});
