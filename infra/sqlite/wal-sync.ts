/**
 * Durability of a SQLite file in WAL mode off the event loop.
 *
 * With `synchronous = FULL` SQLite syncs the WAL inside every COMMIT, and better-sqlite3 runs the
 * COMMIT – fsync included – on the event loop, so every request waits for the disk while a commit
 * is under way. With `synchronous = NORMAL` a COMMIT only writes the WAL frames (the database stays
 * consistent; only the sync is left out), and `WalSync` then syncs the WAL file on libuv's thread
 * pool. Once that sync returns, every frame written before it started is on disk – exactly what
 * FULL would have guaranteed at the COMMIT. A checkpoint still syncs the WAL before it copies frames
 * into the database file and syncs the database file before the WAL may be overwritten, so a sync of
 * the WAL never misses a commit that a checkpoint moved out of it.
 *
 * The WAL is synced through a descriptor of its own: fsync works on the file, whichever descriptor
 * wrote to it. SQLite keeps no locks on the WAL file itself, so this descriptor cannot release one.
 */
import { closeSync, fdatasync, fdatasyncSync, fsyncSync, openSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { promisify } from 'node:util';

const fdatasyncAsync = promisify(fdatasync);

export class WalSync {
  readonly file: string;
  readonly #fd: number;

  /** `databaseFile` must be open in WAL mode (so that its `-wal` file exists). */
  constructor(databaseFile: string, options: { synced?: 'now' | 'later' } = {}) {
    this.file = `${databaseFile}-wal`;
    this.#fd = openSync(this.file, 'r');
    if (options.synced === 'later') return;
    try {
      // A new WAL file's directory entry must be durable too, or a power cut forgets the file.
      syncDirectory(dirname(this.file));
      fdatasyncSync(this.#fd);
    } catch (error) {
      closeSync(this.#fd);
      throw error;
    }
  }

  /**
   * The same, with the directory and the file synced on libuv's thread pool: for a store opened on
   * the way to serving, which must not wait for a busy disk there (its first commit waits instead).
   */
  static async opened(databaseFile: string): Promise<WalSync> {
    const wal = new WalSync(databaseFile, { synced: 'later' });
    try {
      const directory = await open(dirname(wal.file), 'r');
      try {
        await directory.sync();
      } finally {
        await directory.close();
      }
      await wal.sync();
      return wal;
    } catch (error) {
      wal.close();
      throw error;
    }
  }

  /** Every WAL frame written before the call is on disk when the promise resolves. */
  sync(): Promise<void> {
    return fdatasyncAsync(this.#fd);
  }

  /** The same, blocking: for rare writes (opening a log, reserving positions) that must be durable on return. */
  syncNow(): void {
    fdatasyncSync(this.#fd);
  }

  close(): void {
    closeSync(this.#fd);
  }
}

const syncDirectory = (directory: string): void => {
  const fd = openSync(directory, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
};

/**
 * Group flush: callers ask for a flush and are answered by the first flush that *started* after
 * their call, so one sync covers every commit made while the previous one ran. A failed flush fails
 * every caller it was to cover.
 */
export class GroupFlush {
  readonly #flush: () => Promise<void>;
  #waiting: Array<(failure: { error: unknown } | undefined) => void> = [];
  #running: Promise<void> | undefined;

  constructor(flush: () => Promise<void>) {
    this.#flush = flush;
  }

  request(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#waiting.push((failure) => (failure === undefined ? resolve() : reject(failure.error)));
      this.#running ??= this.#run();
    });
  }

  /** Resolves when no flush is running or asked for. */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  async #run(): Promise<void> {
    while (this.#waiting.length > 0) {
      const covered = this.#waiting;
      this.#waiting = [];
      let failure: { error: unknown } | undefined;
      try {
        await this.#flush();
      } catch (error) {
        failure = { error };
      }
      for (const settle of covered) settle(failure);
    }
    this.#running = undefined;
  }
}

/**
 * After a failed fsync the kernel may have dropped the pages it could not write, so a later sync
 * could succeed without them: nothing written since the last good sync can be trusted to be on disk
 * until the file is opened again. The latch keeps the first failure, and everything that would
 * rely on a later sync fails with it. `describe` words that failure for the file it names.
 */
export class SyncFailureLatch {
  readonly #describe: (file: string, error: unknown) => Error;
  #failure: Error | undefined;

  constructor(describe: (file: string, error: unknown) => Error) {
    this.#describe = describe;
  }

  /** The failure that closed the latch, if a sync has failed. */
  get failure(): Error | undefined {
    return this.#failure;
  }

  /** Throws the failure that closed the latch, if a sync has failed. */
  check(): void {
    if (this.#failure !== undefined) throw this.#failure;
  }

  /** A sync of `file` failed with `error`: closes the latch (the first failure stays) and answers the error to throw. */
  fail(file: string, error: unknown): Error {
    this.#failure ??= this.#describe(file, error);
    return this.#failure;
  }
}

/**
 * The commits of one connection at `synchronous = NORMAL`, made durable off the event loop:
 * `durable()` resolves once every commit made before the call is on disk, one sync covering the
 * commits of every caller that asked meanwhile. After a failed sync every later call fails with the
 * same error until the file is opened again (`SyncFailureLatch`).
 */
export class DurableCommits {
  readonly #wal: Promise<Pick<WalSync, 'file' | 'sync' | 'close'>>;
  readonly #flush: GroupFlush;
  readonly #failed = new SyncFailureLatch(
    (file, error) => new Error(`syncing ${file} to disk failed (${String(error)}); restart the service, which opens the file again`, { cause: error }),
  );

  /** Usually `WalSync.opened(databaseFile)`, the file open in WAL mode; a WAL that cannot be opened fails the first caller. */
  constructor(wal: Pick<WalSync, 'file' | 'sync' | 'close'> | Promise<Pick<WalSync, 'file' | 'sync' | 'close'>>) {
    this.#wal = Promise.resolve(wal);
    // Rejected before anyone asks: the first caller is told (`#sync`), not the process.
    this.#wal.catch(() => {});
    this.#flush = new GroupFlush(() => this.#sync());
  }

  durable(): Promise<void> {
    const failure = this.#failed.failure;
    return failure === undefined ? this.#flush.request() : Promise.reject(failure);
  }

  /** Waits for the sync under way, then closes the WAL's descriptor. */
  async close(): Promise<void> {
    await this.#flush.idle();
    (await this.#wal.catch(() => undefined))?.close();
  }

  async #sync(): Promise<void> {
    this.#failed.check();
    let file = 'the WAL';
    try {
      const wal = await this.#wal;
      file = wal.file;
      await wal.sync();
    } catch (error) {
      throw this.#failed.fail(file, error);
    }
  }
}
