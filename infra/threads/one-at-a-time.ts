/**
 * A thread of this process that does one thing at a time on request (`worker_threads`): the SQLite
 * work that must not hold up the event loop – writing the kept read models' batches, checkpointing
 * the embedded log's WAL. The thread starts at the first request, so a process that never asks pays
 * nothing for it; it keeps the process alive only while a request is under way; one that dies is
 * started again at the next request.
 */
import { parentPort, Worker } from 'node:worker_threads';

/** What a thread answers a request: done (with a value), or what went wrong. */
export type ThreadReply<T = undefined> = { ok: true; value: T } | { ok: false; message: string };

export class OneAtATimeThread<Request, Value = undefined> {
  readonly #entry: URL;
  readonly #workerData: unknown;
  readonly #name: string;
  #worker: Worker | undefined;
  /** The answer the thread owes: one request at a time. */
  #waiting: ((reply: ThreadReply<Value>) => void) | undefined;
  #answered: Promise<unknown> = Promise.resolve();

  /**
   * `entry` is the thread's module as this module's sibling would name it in built code (`.js`);
   * run from TypeScript (the tests, through tsx), its `.ts` source is started instead.
   */
  constructor(name: string, entry: URL, workerData: unknown) {
    this.#name = name;
    this.#entry = import.meta.url.endsWith('.ts') ? new URL(entry.href.replace(/\.js$/, '.ts')) : entry;
    this.#workerData = workerData;
  }

  get busy(): boolean {
    return this.#waiting !== undefined;
  }

  /** Resolves with the thread's answer; rejects with what went wrong there, or when the thread died. */
  async ask(request: Request): Promise<Value> {
    if (this.#waiting !== undefined) throw new Error(`${this.#name} takes one request at a time`);
    const worker = (this.#worker ??= this.#start());
    const answered = new Promise<ThreadReply<Value>>((settle) => {
      this.#waiting = settle;
      worker.postMessage(request);
    });
    this.#answered = answered;
    // A request under way keeps the process alive, as any I/O would; an idle thread does not.
    worker.ref();
    const reply = await answered.finally(() => worker.unref());
    if (!reply.ok) throw new Error(reply.message);
    return reply.value;
  }

  /** Waits for the request under way, asks the thread a last one (to close its connection), then ends it. */
  async close(last: Request): Promise<void> {
    await this.#answered;
    const worker = this.#worker;
    if (worker === undefined) return;
    try {
      await this.ask(last);
    } finally {
      this.#worker = undefined;
      await worker.terminate();
    }
  }

  #start(): Worker {
    const worker = this.#entry.pathname.endsWith('.ts')
      ? // Node 20 does not carry `--import` hooks into a thread's entry: the thread registers tsx itself.
        new Worker(
          `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(this.#entry.href)}); });`,
          { eval: true, workerData: this.#workerData },
        )
      : new Worker(this.#entry, { workerData: this.#workerData });
    worker.unref();
    worker.on('message', (reply: ThreadReply<Value>) => this.#answer(reply));
    const lost = (why: string) => {
      if (this.#worker === worker) this.#worker = undefined;
      this.#answer({ ok: false, message: why });
    };
    worker.on('error', (error) => lost(`${this.#name} failed: ${error.message}`));
    worker.on('exit', (code) => lost(`${this.#name} stopped (exit code ${code})`));
    return worker;
  }

  #answer(reply: ThreadReply<Value>): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.(reply);
  }
}

/** The thread's side: answers each request with `handle`'s value, or with the error it threw. */
export const answerRequests = <Request, Value>(handle: (request: Request) => Value): void => {
  const port = parentPort;
  if (port === null) throw new Error('answerRequests runs in a thread started by OneAtATimeThread');
  port.on('message', (request: Request) => {
    let reply: ThreadReply<Value>;
    try {
      reply = { ok: true, value: handle(request) };
    } catch (error) {
      reply = { ok: false, message: error instanceof Error ? error.message : String(error) };
    }
    port.postMessage(reply);
  });
};
