/**
 * Runs tasks one at a time per key, in arrival order, and tasks of different keys concurrently.
 * Commands on one stream queue here instead of racing each other to a version conflict.
 *
 * A task may let the next one of its key start before it ends by calling `release`: a command whose
 * append is committed but not yet synced has nothing left to decide, and the next command on the
 * stream can be decided on top of it while the sync runs.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(key: string, task: (release: () => void) => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const result = previous.then(() => task(release));
    // A task that ends releases its key in any case.
    void result.then(release, release);
    this.tails.set(key, released);
    void released.then(() => {
      if (this.tails.get(key) === released) this.tails.delete(key);
    });
    return result;
  }
}
