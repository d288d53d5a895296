/**
 * The canonical JSON text that digests and signatures are computed over: RFC 8785 (JSON
 * Canonicalization Scheme) – object keys sorted by UTF-16 code units, no whitespace, strings and
 * numbers as ECMAScript's JSON.stringify writes them – so that anyone can recompute it in any
 * language with an RFC 8785 library.
 *
 * A value whose objects already list their keys in that order (what `JSON.parse` gives back from
 * canonical text, and what the append path builds) is written by the engine's own JSON.stringify:
 * for plain objects, arrays, strings, finite numbers, booleans and null it writes exactly RFC 8785's
 * text, and it is several times faster than any serializer written in JavaScript. Anything else
 * goes to safe-stable-stringify in its deterministic mode, whose output for JSON values is RFC
 * 8785's too. Property tests check both against the `canonicalize` reference implementation.
 */
import { configure } from 'safe-stable-stringify';

const stringify = configure({ deterministic: true, bigint: false, circularValue: Error, strict: true });

/** At most this deep is walked before the sorting serializer takes over, so a deep value cannot exhaust the stack. */
const MAX_DEPTH = 64;

/**
 * True when JSON.stringify writes `value` canonically: only JSON types, finite numbers, and every
 * object's keys, in the engine's enumeration order, strictly ascending by UTF-16 code units (the
 * engine lists integer-like keys first, so those orders are caught here too).
 */
const inCanonicalOrder = (value: unknown, depth: number): boolean => {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      if (value === null) return true;
      if (depth > MAX_DEPTH) return false;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!inCanonicalOrder(value[i], depth + 1)) return false;
        return true;
      }
      const prototype = Object.getPrototypeOf(value) as unknown;
      if (prototype !== Object.prototype && prototype !== null) return false;
      const keys = Object.keys(value);
      for (let i = 0; i < keys.length; i++) {
        if (i > 0 && !(keys[i - 1]! < keys[i]!)) return false;
        if (!inCanonicalOrder((value as Record<string, unknown>)[keys[i]!], depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
};

export const canonicalJson = (value: unknown): string => {
  const text = inCanonicalOrder(value, 0) ? JSON.stringify(value) : stringify(value);
  if (text === undefined) throw new TypeError('only JSON values have a canonical form');
  return text;
};

/** Nothing JSON.stringify would escape: no quote, backslash, control character or UTF-16 surrogate. */
const VERBATIM = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

/**
 * `text` as a JSON string literal, exactly as JSON.stringify writes it (and so as RFC 8785 does).
 * Ids, stream names and event types need no escaping, and quoting them directly costs a third of
 * what JSON.stringify does on such short strings; anything else is left to JSON.stringify.
 */
export const jsonString = (text: string): string => (VERBATIM.test(text) ? `"${text}"` : JSON.stringify(text));
