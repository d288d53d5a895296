// Streams.Read (server streaming): dispatches subscriptions, serves finite reads
// of one stream or of `$all`, forwards or backwards, with a count.
import { invalidArgument } from './errors.js';
import { isStatusError, parseFilter } from './filter.js';
import { pb, type ReadReqOptions } from './proto.js';
import { isGone, send, type ReadCall } from './send.js';
import type { EventLog, StoredEvent } from './store.js';
import type { SubscriptionRegistry } from './subscription.js';
import { eventResp, streamNameOf, streamNotFoundResp, uuidFormatOf } from './wire.js';

const BACKWARDS = pb.ReadReq.Options.ReadDirection.BACKWARDS;

export function readHandler(log: EventLog, subscriptions: SubscriptionRegistry) {
  return (call: ReadCall): void => {
    const options = call.request.getOptions();
    if (!options) {
      call.emit('error', invalidArgument('ReadReq.options is required'));
      return;
    }
    if (options.hasSubscription()) {
      try {
        subscriptions.start(call, options);
      } catch (error) {
        call.emit('error', invalidArgument(`Malformed subscription request: ${String(error)}`));
      }
      return;
    }
    readOnce(log, call, options).catch((error: unknown) => {
      if (!isGone(call)) call.emit('error', invalidArgument(String(error)));
    });
  };
}

async function readOnce(log: EventLog, call: ReadCall, options: ReadReqOptions): Promise<void> {
  const uuidFormat = uuidFormatOf(options);
  const backwards = options.getReadDirection() === BACKWARDS;
  const count = BigInt(options.getCount() || '0');
  let events: Iterable<StoredEvent>;

  const streamOptions = options.getStream();
  const allOptions = options.getAll();
  if (streamOptions) {
    if (options.hasFilter()) return void call.emit('error', invalidArgument('Filters apply to $all only'));
    const streamName = streamNameOf(streamOptions.getStreamIdentifier()) ?? '';
    const stream = log.stream(streamName);
    if (!stream) {
      await send(call, streamNotFoundResp(streamName));
      return void call.end();
    }
    let from: number; // start → revision 0 (backwards from start yields just revision 0)
    if (streamOptions.hasRevision()) from = clampIndex(BigInt(streamOptions.getRevision()), stream.length);
    else if (streamOptions.hasEnd()) from = backwards ? stream.length - 1 : stream.length;
    else from = 0;
    events = backwards ? descending(stream, from) : ascending(stream, from);
  } else if (allOptions) {
    const filterOptions = options.getFilter();
    const filter = filterOptions ? parseFilter(filterOptions) : undefined;
    if (filter && isStatusError(filter)) return void call.emit('error', filter);
    const position = allOptions.getPosition();
    let from: number;
    if (position) {
      const at = log.indexAtOrAfter(BigInt(position.getCommitPosition()));
      from = backwards ? at - 1 : at; // forwards: position >= P; backwards: position < P
    } else if (allOptions.hasEnd()) from = backwards ? log.all.length - 1 : log.all.length;
    else from = backwards ? -1 : 0;
    const range = backwards ? descending(log.all, from) : ascending(log.all, from);
    events = filter ? matching(range, filter.matches) : range;
  } else {
    return void call.emit('error', invalidArgument('ReadReq.options needs stream or all'));
  }

  let sent = 0n;
  for (const event of events) {
    if (sent >= count) break;
    if (!(await send(call, eventResp(event, uuidFormat)))) return;
    sent++;
  }
  if (!isGone(call)) call.end();
}

function clampIndex(revision: bigint, length: number): number {
  return revision > BigInt(length) ? length : Number(revision);
}

function* ascending(events: readonly StoredEvent[], from: number): Generator<StoredEvent> {
  for (let i = Math.max(from, 0); i < events.length; i++) yield events[i] as StoredEvent;
}

function* descending(events: readonly StoredEvent[], from: number): Generator<StoredEvent> {
  for (let i = Math.min(from, events.length - 1); i >= 0; i--) yield events[i] as StoredEvent;
}

function* matching(events: Iterable<StoredEvent>, matches: (e: StoredEvent) => boolean): Generator<StoredEvent> {
  for (const event of events) if (matches(event)) yield event;
}
