/**
 * Read-your-writes: a query sent with `X-Min-Position` (the position a command answered) waits
 * until the read models have processed that position – for a bounded time, after which it is
 * answered `503` with `Retry-After` rather than with data older than the client's own write.
 */
export interface ReadYourWrites {
  /** Resolves once every projection has processed `position`; rejects after `timeoutMs`. */
  waitFor(position: string, timeoutMs: number): Promise<void>;
}

export const MIN_POSITION_WAIT_MS = 5_000;
