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

/** How long a query waits for read models that are still catching up after a start. */
export const CATCH_UP_WAIT_MS = 1_000;

/**
 * Read models folded from the log at every start (in memory, the embedded default) are incomplete
 * until they have reached the log's head as it was at the start. The process serves at once –
 * commands decide on the log, not on read models – while a query waits a moment for the catch-up
 * and is otherwise answered `503` with `Retry-After`, never with a partial read model.
 */
export type CatchUp = {
  /** The log's head when the process started: what the read models must reach. */
  readonly headAtStart: string;
  /** True once the read models have reached `headAtStart`, waiting up to `timeoutMs` for it. */
  reached(timeoutMs: number): Promise<boolean>;
};

export const catchUpTo = (readYourWrites: ReadYourWrites, headAtStart: string | undefined): CatchUp | undefined => {
  if (headAtStart === undefined || BigInt(headAtStart) === 0n) return undefined;
  let caughtUp = false;
  return {
    headAtStart,
    reached: async (timeoutMs) => {
      if (caughtUp) return true;
      caughtUp = await readYourWrites.waitFor(headAtStart, timeoutMs).then(
        () => true,
        () => false,
      );
      return caughtUp;
    },
  };
};
