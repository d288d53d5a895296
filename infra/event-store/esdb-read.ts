/**
 * Finite reads through @eventstore/db-client: the items of one gRPC read, its errors translated at
 * the edge, and the call cancelled on the server when the reader stops early – the client's stream
 * would otherwise stay open, and its call with it, until the client is disposed.
 *
 * A read that stops early is drained, never destroyed: when the server has already sent its last
 * message, cancelling does nothing, and the client's gRPC stream only finishes once what it holds
 * has been consumed – until then `client.dispose()` waits for it, forever.
 */
import type { StreamingRead } from '@eventstore/db-client';
import { isStreamNotFound, translateEsdbError } from './esdb-errors.js';
import { EventStoreUnavailableError } from './port.js';

export type ReadOptions = {
  /** Named in the errors: what the read was for. */
  doing: string;
  /** A read of a stream that does not exist yields nothing instead of failing. */
  emptyWhenMissing?: boolean;
};

export async function* driverRead<T>(read: StreamingRead<T>, options: ReadOptions): AsyncGenerator<T, void, undefined> {
  let finished = false;
  try {
    for await (const item of read.iterator({ destroyOnReturn: false }) as AsyncIterable<T>) yield item;
    finished = true;
  } catch (error) {
    finished = true;
    if (options.emptyWhenMissing && isStreamNotFound(error)) return;
    throw translateEsdbError(error, options.doing);
  } finally {
    if (!finished) await cancelRead(read);
  }
}

/** Cancels the gRPC call behind `read`, if it still runs; never throws. */
const cancelCall = async (read: StreamingRead<unknown>): Promise<void> => {
  try {
    await read.cancel();
  } catch {
    // The call never started (no channel): there is nothing to cancel.
  }
};

/** Stops a read nobody iterates any more: cancels its call and lets whatever is left flow away. */
const cancelRead = async (read: StreamingRead<unknown>): Promise<void> => {
  await cancelCall(read);
  read.resume();
};

/**
 * Runs `read` to its end within `timeoutMs`; otherwise cancels it and rejects with
 * `EventStoreUnavailableError`. Needed because the client gives reads no deadline of their own.
 */
export const drainWithin = async (read: StreamingRead<unknown>, timeoutMs: number, doing: string): Promise<void> => {
  let timer: NodeJS.Timeout | undefined;
  const drained = (async () => {
    for await (const _ of driverRead(read, { doing })) {
      // Only the answer matters, not what it holds.
    }
  })();
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new EventStoreUnavailableError(`EventStoreDB did not answer within ${timeoutMs} ms while ${doing}`)), timeoutMs);
  });
  try {
    await Promise.race([drained, timedOut]);
  } catch (error) {
    // The read is still being iterated, so it is only cancelled: a cancelled call ends the client's
    // gRPC stream, and the iteration left pending holds nothing but garbage.
    drained.catch(() => undefined);
    await cancelCall(read);
    throw error;
  } finally {
    clearTimeout(timer);
  }
};
