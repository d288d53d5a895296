/**
 * The thread that writes the kept read models' batches, with a connection of its own: a second's
 * batch – thousands of documents, a COMMIT, now and then a checkpoint of the WAL – took 30 to
 * 130 ms, and on the event loop every request in flight waited for it. `sqlite.ts` asks it one
 * batch at a time (`OneAtATimeThread`).
 */
import { workerData } from 'node:worker_threads';
import { answerRequests } from '../threads/one-at-a-time.js';
import { batchWriter, openReadModelsFile, type WriteBatch } from './sqlite-file.js';

export type WriterRequest = { kind: 'write'; batch: WriteBatch } | { kind: 'close' };

const { file } = workerData as { file: string };
let opened: { db: ReturnType<typeof openReadModelsFile>; write: (batch: WriteBatch) => void } | undefined;

answerRequests((request: WriterRequest): undefined => {
  if (request.kind === 'close') {
    opened?.db.close();
    opened = undefined;
    return;
  }
  if (opened === undefined) {
    const db = openReadModelsFile(file);
    opened = { db, write: batchWriter(db) };
  }
  opened.write(request.batch);
});
