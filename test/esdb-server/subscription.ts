// Catch-up subscriptions over Streams.Read: lifecycle, pumping and cleanup.
// A session sends `confirmation` first, then whatever its source yields; it is
// woken by every append and is removed as soon as the client cancels.
import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { invalidArgument, rpcError, type StatusError } from './errors.js';
import { isStatusError, parseFilter } from './filter.js';
import type { ReadReqOptions } from './proto.js';
import { isGone, send, type ReadCall } from './send.js';
import { AllSource, FilteredAllSource, StreamSource, type AllStart, type StreamStart, type SubscriptionSource } from './sources.js';
import type { EventLog } from './store.js';
import { confirmationResp, streamNameOf, uuidFormatOf } from './wire.js';

class SubscriptionSession {
  readonly id = randomUUID();
  #closed = false;
  #pumping = false;
  #dirty = false;
  readonly #unlisten: () => void;

  constructor(
    log: EventLog,
    private readonly call: ReadCall,
    private readonly source: SubscriptionSource,
    private readonly onClosed: (session: SubscriptionSession) => void,
  ) {
    this.#unlisten = log.onAppend(() => this.#schedule());
    const close = (): void => this.#close();
    call.on('cancelled', close);
    call.on('close', close);
    call.on('error', close);
    call.write(confirmationResp(this.id));
    this.#schedule();
  }

  /** Ends the call from the server side: OK status, or the given error status. */
  end(error?: StatusError): void {
    if (this.#closed) return;
    this.#close();
    if (isGone(this.call)) return;
    if (error) this.call.emit('error', error);
    else this.call.end();
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unlisten();
    this.onClosed(this);
  }

  #schedule(): void {
    if (this.#closed) return;
    if (this.#pumping) {
      this.#dirty = true;
      return;
    }
    this.#pumping = true;
    this.#dirty = false;
    this.#pump()
      .catch((error: unknown) => this.end(rpcError(status.INTERNAL, `Subscription failed: ${String(error)}`)))
      .finally(() => {
        this.#pumping = false;
        if (this.#dirty) this.#schedule();
      });
  }

  async #pump(): Promise<void> {
    while (!this.#closed) {
      const batch = this.source.pull();
      if (!batch) return;
      for (const message of batch) {
        if (!(await send(this.call, message))) return this.#close();
      }
    }
  }
}

export class SubscriptionRegistry {
  readonly #sessions = new Set<SubscriptionSession>();

  constructor(private readonly log: EventLog) {}

  get size(): number {
    return this.#sessions.size;
  }

  start(call: ReadCall, options: ReadReqOptions): void {
    const source = this.#sourceFor(options);
    if (isStatusError(source)) {
      call.emit('error', source);
      return;
    }
    const session = new SubscriptionSession(this.log, call, source, (s) => this.#sessions.delete(s));
    this.#sessions.add(session);
  }

  /** Ends every open subscription (OK status, or `error` to simulate a server-side drop). */
  endAll(error?: StatusError): number {
    const sessions = [...this.#sessions];
    for (const session of sessions) session.end(error);
    return sessions.length;
  }

  #sourceFor(options: ReadReqOptions): SubscriptionSource | StatusError {
    const uuidFormat = uuidFormatOf(options);
    const streamOptions = options.getStream();
    if (streamOptions) {
      if (options.hasFilter()) return invalidArgument('Filters apply to $all only');
      const streamName = streamNameOf(streamOptions.getStreamIdentifier()) ?? '';
      const start: StreamStart = streamOptions.hasRevision()
        ? BigInt(streamOptions.getRevision())
        : streamOptions.hasEnd()
          ? 'end'
          : 'start';
      return new StreamSource(this.log, streamName, start, uuidFormat);
    }
    const allOptions = options.getAll();
    if (!allOptions) return invalidArgument('ReadReq.options needs stream or all');
    const position = allOptions.getPosition();
    const start: AllStart = position ? BigInt(position.getCommitPosition()) : allOptions.hasEnd() ? 'end' : 'start';
    const filterOptions = options.getFilter();
    if (!filterOptions) return new AllSource(this.log, start, uuidFormat);
    const filter = parseFilter(filterOptions);
    if (isStatusError(filter)) return filter;
    return new FilteredAllSource(this.log, start, filter, uuidFormat);
  }
}
