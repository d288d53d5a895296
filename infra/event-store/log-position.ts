/**
 * Positions of the logs kept by this package (in memory, SQLite): the 1-based sequence number of
 * an event in the log, as the port's decimal string. 0 stands for "before the first event".
 */
import type { LogStart } from './port.js';

export const BEFORE_FIRST = 0n;

export const parsePosition = (position: string): bigint => {
  if (!/^\d+$/.test(position)) throw new RangeError(`not a log position: ${JSON.stringify(position)}`);
  return BigInt(position);
};

export const formatPosition = (position: bigint | number): string => String(position);

/** The position a subscription from `start` continues after; `head` is asked only for 'end'. */
export const startingAfter = (start: LogStart, head: () => bigint | undefined): bigint =>
  start === 'start' ? BEFORE_FIRST : start === 'end' ? (head() ?? BEFORE_FIRST) : parsePosition(start.after);
