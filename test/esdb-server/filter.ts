// Server-side `$all` filters (ReadReq.Options.FilterOptions), as EventStoreDB applies them:
// on the stream name or on the event type; a non-empty regex wins over prefixes;
// the regex is unanchored (like .NET Regex.IsMatch); prefixes are `startsWith`, any of them.
import { invalidArgument, type StatusError } from './errors.js';
import type { FilterOptions } from './proto.js';
import type { StoredEvent } from './store.js';

/** EventStoreDB's internal page size (`ReadBatchSize`), also the search window when the client sends `count`. */
export const READ_BATCH_SIZE = 32;

export interface EventFilter {
  readonly matches: (event: StoredEvent) => boolean;
  /** Events considered per catch-up page (`max`, or 32 for `count`). */
  readonly maxSearchWindow: number;
  /** Considered events between checkpoints: `checkpointIntervalMultiplier * maxSearchWindow`. */
  readonly checkpointInterval: number;
}

export function parseFilter(options: FilterOptions): EventFilter | StatusError {
  const onStream = options.hasStreamIdentifier();
  const expression = onStream ? options.getStreamIdentifier() : options.getEventType();
  if (!expression) return invalidArgument('FilterOptions needs stream_identifier or event_type');

  const field = onStream ? (e: StoredEvent) => e.streamName : (e: StoredEvent) => e.type;
  let test: (value: string) => boolean;
  const regex = expression.getRegex();
  if (regex !== '') {
    let pattern: RegExp;
    try {
      pattern = new RegExp(regex);
    } catch {
      return invalidArgument(`Invalid filter regex: ${regex}`);
    }
    test = (value) => pattern.test(value);
  } else {
    const prefixes = expression.getPrefixList();
    test = (value) => prefixes.some((prefix) => value.startsWith(prefix));
  }

  const maxSearchWindow = options.hasMax() ? options.getMax() : READ_BATCH_SIZE;
  const multiplier = options.getCheckpointintervalmultiplier();
  if (maxSearchWindow <= 0) return invalidArgument('FilterOptions.max must be greater than 0');
  if (multiplier <= 0) return invalidArgument('FilterOptions.checkpointIntervalMultiplier must be greater than 0');

  return {
    matches: (event) => test(field(event)),
    maxSearchWindow,
    checkpointInterval: multiplier * maxSearchWindow,
  };
}

export function isStatusError(value: object): value is StatusError {
  return 'code' in value && 'details' in value;
}
