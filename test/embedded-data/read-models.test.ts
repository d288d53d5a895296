/**
 * The read models kept in DATA_DIR are served only when they can be the log's own: ahead of the
 * log (an older log put in place) or folded by other projections, they are folded again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import t, { type Test } from 'tap';
import { foldedBy, openEmbeddedReadModels } from '../../infra/embedded-data/read-models.js';
import { item, upsert, type Item } from '../read-models/contract.js';

const logger = pino({ level: 'silent' });

const dataDir = (t: Test) => {
  const dir = mkdtempSync(join(tmpdir(), 'crm-embedded-read-models-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

/** Read models folded up to position 10 by the projections of `code`. */
const keptAt10 = async (dir: string, code = foldedBy()) => {
  const store = await openEmbeddedReadModels(dir, { logHead: 10n, logger, freezeDocuments: false, foldedBy: code });
  await store.load();
  await store.collection<Item>('backlog').write([upsert(item('r1', '10'))]);
  await store.saveCheckpoint('requirement-backlog', '10');
  await store.close();
};

const reopened = async (t: Test, dir: string, logHead: bigint, code = foldedBy()) => {
  const store = await openEmbeddedReadModels(dir, { logHead, logger, freezeDocuments: false, foldedBy: code });
  t.teardown(() => store.close());
  await store.load();
  return { document: await store.collection<Item>('backlog').get('r1'), checkpoint: await store.checkpoint('requirement-backlog') };
};

t.test('read models the log has reached are served as they were kept', async (t) => {
  const dir = dataDir(t);
  await keptAt10(dir);
  const { document, checkpoint } = await reopened(t, dir, 25n);
  t.equal(document?.id, 'r1');
  t.equal(checkpoint, '10', 'the projector goes on from here');
});

t.test('read models ahead of the log (an older log was restored) are discarded and folded again', async (t) => {
  const dir = dataDir(t);
  await keptAt10(dir);
  const { document, checkpoint } = await reopened(t, dir, 9n);
  t.equal(document, undefined, 'nothing the log does not hold is served');
  t.equal(checkpoint, undefined, 'the projector starts from the beginning of the log');
});

t.test('read models folded by other projections are discarded and folded again', async (t) => {
  const dir = dataDir(t);
  await keptAt10(dir, 'an earlier build');
  const { document, checkpoint } = await reopened(t, dir, 25n);
  t.equal(document, undefined);
  t.equal(checkpoint, undefined);
});

t.test('the code that folds the read models is told apart by its content', async (t) => {
  t.equal(foldedBy(), foldedBy(), 'the same build, the same digest');
  t.match(foldedBy(), /^[0-9a-f]{64}$/);
});
