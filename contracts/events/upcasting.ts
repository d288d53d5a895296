/**
 * How events written under an older schema are read under the current one.
 *
 * Every event is written with `schemaVersion` = `CURRENT_SCHEMA_VERSION[type]`. When an event's
 * shape changes, its current version goes up by one and an upcaster from the previous version is
 * registered here: `UPCASTERS[type][n]` turns data of version n into data of version n + 1. Reading
 * applies the chain n → n+1 → … → current and then validates against the current zod schema, so
 * stored events are never rewritten and every consumer sees only current shapes. A type that is
 * renamed keeps its old name in the log and gets an upcaster that changes `type` as well.
 *
 * A type this code does not know at all (written by a newer version, or by a tool sharing the log)
 * is passed through as stored: no consumer handles it, and every consumer skips what it does not
 * handle. A known type at a version above the current one is refused – that is newer data than
 * this code understands.
 */
import { EVENT_TYPES, type DomainEventType } from './envelope.js';

export type RawEvent = { type: string; schemaVersion: number; data: unknown };
export type Upcaster = (event: RawEvent) => RawEvent;

/** All event types are at version 1 today. */
export const CURRENT_SCHEMA_VERSION = 1;
const KNOWN_TYPES: ReadonlySet<string> = new Set(EVENT_TYPES);
/** The version events of `type` are read at; undefined for a type this code does not know. */
export const currentSchemaVersion = (type: DomainEventType | string): number | undefined =>
  KNOWN_TYPES.has(type) ? CURRENT_SCHEMA_VERSION : undefined;

export type UpcasterRegistry = Partial<Record<string, Record<number, Upcaster>>>;
export const UPCASTERS: UpcasterRegistry = {};

export class UnknownSchemaVersionError extends Error {
  constructor(readonly type: string, readonly schemaVersion: number) {
    super(`no upcaster from ${type} v${schemaVersion}`);
    this.name = 'UnknownSchemaVersionError';
  }
}

export const upcast = (
  event: RawEvent,
  registry: UpcasterRegistry = UPCASTERS,
  target: (type: string) => number | undefined = currentSchemaVersion,
): RawEvent => {
  let current = event;
  for (let version = target(current.type); version !== undefined && current.schemaVersion < version; version = target(current.type)) {
    const step = registry[current.type]?.[current.schemaVersion];
    if (!step) throw new UnknownSchemaVersionError(current.type, current.schemaVersion);
    current = step(current);
  }
  const version = target(current.type);
  if (version !== undefined && current.schemaVersion > version) {
    throw new UnknownSchemaVersionError(current.type, current.schemaVersion);
  }
  return current;
};
