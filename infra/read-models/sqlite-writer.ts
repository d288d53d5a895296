/**
 * Writes batches of the kept read models on a thread of its own (`sqlite-writer-thread.ts`), one
 * batch at a time: a batch of a second's writes – thousands of documents, a COMMIT, now and then a
 * checkpoint of the WAL – took 30 to 130 ms, and on the event loop every request in flight waited
 * for it. The thread starts at the first batch, not when the store opens, so a start that only
 * reads costs nothing more.
 */
import { Worker } from 'node:worker_threads';
import type { WriteBatch } from './sqlite-file.js';
import type { WriterReply, WriterRequest } from './sqlite-writer-thread.js';

export class ThreadWriter {
  readonly #file: string;
  #worker: Worker | undefined;
  /** The answer the thread owes: one request at a time. */
  #waiting: { settle: (reply: WriterReply) => void } | undefined;

  constructor(file: string) {
    this.#file = file;
  }

  /** Resolves once the batch is committed; rejects with what the file or the thread said. */
  write(batch: WriteBatch): Promise<void> {
    return this.#ask({ kind: 'write', batch });
  }

  async close(): Promise<void> {
    if (this.#worker === undefined) return;
    const worker = this.#worker;
    await this.#ask({ kind: 'close' }).finally(() => worker.terminate());
    this.#worker = undefined;
  }

  async #ask(request: WriterRequest): Promise<void> {
    if (this.#waiting !== undefined) throw new Error('the read models writer takes one request at a time');
    const worker = (this.#worker ??= this.#start());
    const reply = await new Promise<WriterReply>((settle) => {
      this.#waiting = { settle };
      worker.postMessage(request);
    });
    if (!reply.ok) throw new Error(reply.message);
  }

  #start(): Worker {
    const worker = startThread(new URL(import.meta.url.endsWith('.ts') ? './sqlite-writer-thread.ts' : './sqlite-writer-thread.js', import.meta.url), { file: this.#file });
    // A process that ends without closing the store loses the batch under way, as a crash would.
    worker.unref();
    worker.on('message', (reply: WriterReply) => this.#answer(reply));
    const lost = (why: string) => {
      if (this.#worker === worker) this.#worker = undefined;
      this.#answer({ ok: false, message: why });
    };
    worker.on('error', (error) => lost(`the read models writer failed: ${error.message}`));
    worker.on('exit', (code) => lost(`the read models writer stopped (exit code ${code})`));
    return worker;
  }

  #answer(reply: WriterReply): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.settle(reply);
  }
}

/**
 * A thread running `entry`: built code runs as it is; run from TypeScript (the tests, through tsx),
 * the thread registers tsx first, since Node 20 does not carry `--import` hooks into a thread's entry.
 */
const startThread = (entry: URL, workerData: unknown): Worker =>
  entry.pathname.endsWith('.ts')
    ? new Worker(`import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`, {
        eval: true,
        workerData,
      })
    : new Worker(entry, { workerData });
