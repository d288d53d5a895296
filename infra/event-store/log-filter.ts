/**
 * The log filter as the adapters that keep their own log apply it. An absent or empty list does
 * not restrict: a filter narrows the log only by what it names.
 */
import type { LogFilter } from './port.js';

export const matchesLogFilter = (filter: LogFilter | undefined, streamId: string, type: string): boolean => {
  if (!filter) return true;
  const { streamPrefixes, eventTypes } = filter;
  if (streamPrefixes?.length && !streamPrefixes.some((prefix) => streamId.startsWith(prefix))) return false;
  if (eventTypes?.length && !eventTypes.includes(type)) return false;
  return true;
};

export const isRestrictive = (filter: LogFilter | undefined): boolean =>
  Boolean(filter?.streamPrefixes?.length || filter?.eventTypes?.length);
