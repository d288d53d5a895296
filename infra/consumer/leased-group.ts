/**
 * Runs a processor group only while this process holds its lease (`lease.ts`): a standby asks for
 * the lease every `acquireEveryMs`; once it has it, the group starts under the new term (after
 * `onTerm`, which fences the group's checkpoints with the term's token) and the lease is renewed
 * every `renewEveryMs`. The group stops as soon as a renewal is refused, or when the term runs out
 * by this process's clock while the lease store cannot be reached. `stop()` stops the group and
 * releases the lease, so a standby takes over at its next ask rather than after the expiry.
 */
import type { Logger } from 'pino';
import { DEFAULT_LEASE_TIMING, holderName, LeaseLostError, type Fence, type LeaseTerm, type Leases, type LeaseTiming } from './lease.js';
import { pause, StoppedError } from './retry.js';

export type LeasedGroupState = 'stopped' | 'standby' | 'active';

export type LeasedGroupOptions = {
  leases: Leases;
  group: string;
  logger: Logger;
  /** Starts the group's work under `term`. */
  start(term: LeaseTerm): Promise<void>;
  /** Stops it (the term ended, was lost, or the process stops). */
  stop(): Promise<void>;
  timing?: Partial<LeaseTiming>;
  holder?: string;
};

export class LeasedGroup implements Fence {
  readonly holder: string;
  readonly #options: LeasedGroupOptions;
  readonly #timing: LeaseTiming;
  readonly #logger: Logger;
  #term: LeaseTerm | undefined;
  #state: LeasedGroupState = 'stopped';
  #run: { abort: AbortController; loop: Promise<void> } | undefined;

  constructor(options: LeasedGroupOptions) {
    this.#options = options;
    this.#timing = { ...DEFAULT_LEASE_TIMING, ...options.timing };
    this.holder = options.holder ?? holderName();
    this.#logger = options.logger.child({ lease: options.group, holder: this.holder });
  }

  get state(): LeasedGroupState {
    return this.#state;
  }

  get timing(): LeaseTiming {
    return this.#timing;
  }

  /** The token of the current term; 0 when none is held (no store accepts it then). */
  get token(): number {
    return this.#term?.token ?? 0;
  }

  check(): void {
    const term = this.#term;
    if (term === undefined || Date.now() >= term.expiresAt) throw new LeaseLostError(this.#options.group, term?.token ?? 0);
  }

  start(): void {
    if (this.#run !== undefined) return;
    const abort = new AbortController();
    this.#state = 'standby';
    const loop = this.#hold(abort.signal).catch((error: unknown) => {
      if (!(error instanceof StoppedError)) this.#logger.error({ err: error }, 'lease runner stopped unexpectedly');
    });
    this.#run = { abort, loop };
  }

  async stop(): Promise<void> {
    const run = this.#run;
    if (run === undefined) return;
    run.abort.abort();
    await run.loop;
    this.#run = undefined;
    this.#state = 'stopped';
  }

  async #hold(signal: AbortSignal): Promise<void> {
    const { leases, group } = this.#options;
    while (!signal.aborted) {
      const term = await leases.acquire(group, this.holder, this.#timing.ttlMs).catch((error: unknown) => {
        this.#logger.warn({ err: error }, 'cannot ask for the lease; asking again');
        return undefined;
      });
      if (term === undefined) {
        await pause(this.#timing.acquireEveryMs, signal);
        continue;
      }
      this.#term = term;
      this.#logger.info({ token: term.token, ttlMs: this.#timing.ttlMs }, 'lease taken; this process is active');
      try {
        this.#state = 'active';
        await this.#options.start(term);
        await this.#renewWhileHeld(signal);
        // Lost: what is still in flight must fail its fence checks rather than write.
        this.#term = undefined;
      } catch (error) {
        if (!(error instanceof StoppedError)) this.#logger.warn({ err: error }, 'the group could not run under its lease; giving it up');
      } finally {
        // A clean stop finishes the batch in flight under the term, so the next holder starts after it.
        await this.#options.stop();
        this.#state = signal.aborted ? 'stopped' : 'standby';
        const ended = this.#term;
        this.#term = undefined;
        if (ended !== undefined) await leases.release(ended).catch(() => undefined);
      }
      if (!signal.aborted) await pause(this.#timing.acquireEveryMs, signal);
    }
  }

  /** Returns when the lease is lost; throws `StoppedError` when stopped. */
  async #renewWhileHeld(signal: AbortSignal): Promise<void> {
    for (;;) {
      await pause(this.#timing.renewEveryMs, signal);
      const term = this.#term!;
      if (Date.now() >= term.expiresAt) {
        this.#logger.warn({ token: term.token }, 'the lease ran out before it was renewed (was this process paused?); standing by');
        return;
      }
      try {
        const renewed = await this.#options.leases.renew(term, this.#timing.ttlMs);
        if (renewed === undefined) {
          this.#logger.warn({ token: term.token }, 'the lease was lost; standing by');
          return;
        }
        this.#term = renewed;
      } catch (error) {
        // The term still runs by this clock; the next renewal may get through.
        this.#logger.warn({ err: error, token: term.token, until: new Date(term.expiresAt).toISOString() }, 'cannot renew the lease');
      }
    }
  }
}
