// Backpressure-aware writes to a server-streaming call.
import type { ServerWritableStream } from '@grpc/grpc-js';
import type { ReadReq, ReadResp } from './proto.js';

export type ReadCall = ServerWritableStream<ReadReq, ReadResp>;

export function isGone(call: ReadCall): boolean {
  return call.cancelled || call.destroyed || call.writableEnded;
}

/** Writes one message; waits for `drain` when the buffer is full. Resolves false once the call is gone. */
export async function send(call: ReadCall, message: ReadResp): Promise<boolean> {
  if (isGone(call)) return false;
  if (call.write(message)) return true;
  await new Promise<void>((resolve) => {
    const events = ['drain', 'cancelled', 'close', 'error', 'finish'] as const;
    const done = (): void => {
      for (const event of events) call.off(event, done);
      resolve();
    };
    for (const event of events) call.on(event, done);
  });
  return !isGone(call);
}
