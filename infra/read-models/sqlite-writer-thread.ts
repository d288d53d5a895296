/**
 * The thread that writes the kept read models' batches (`sqlite-writer.ts` starts it): a connection
 * of its own, so that the inserts, the COMMIT and SQLite's checkpoints of the WAL never hold up the
 * event loop that answers requests.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { batchWriter, openReadModelsFile, type WriteBatch } from './sqlite-file.js';

export type WriterRequest = { kind: 'write'; batch: WriteBatch } | { kind: 'close' };
export type WriterReply = { ok: true } | { ok: false; message: string };

const port = parentPort!;
const { file } = workerData as { file: string };
let db: ReturnType<typeof openReadModelsFile> | undefined;
let write: ((batch: WriteBatch) => void) | undefined;

port.on('message', (request: WriterRequest) => {
  try {
    if (request.kind === 'close') {
      db?.close();
      db = undefined;
      port.postMessage({ ok: true } satisfies WriterReply);
      port.close();
      return;
    }
    if (db === undefined) {
      db = openReadModelsFile(file);
      write = batchWriter(db);
    }
    write!(request.batch);
    port.postMessage({ ok: true } satisfies WriterReply);
  } catch (error) {
    port.postMessage({ ok: false, message: error instanceof Error ? error.message : String(error) } satisfies WriterReply);
  }
});
