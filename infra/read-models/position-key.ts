/**
 * Log positions are decimal strings of unbounded unsigned integers. Stored as they are, a string
 * compare would put "10" before "9"; MongoDB compares strings, so the documents carry an
 * order-preserving key beside the position: the digit count, zero-padded to a fixed width, then
 * the digits ("0002:10" > "0001:9"). Equal lengths compare digit by digit, which is numeric order.
 */

const LENGTH_WIDTH = 4;
const MAX_DIGITS = 10 ** LENGTH_WIDTH - 1;

/** The canonical decimal form of a position (no leading zeros); throws on anything else. */
export const canonicalPosition = (position: string): string => {
  if (!/^\d+$/.test(position)) throw new RangeError(`not a log position: ${JSON.stringify(position)}`);
  const digits = position.replace(/^0+(?=\d)/, '');
  if (digits.length > MAX_DIGITS) throw new RangeError(`log position has more than ${MAX_DIGITS} digits`);
  return digits;
};

export const positionKey = (position: string): string => {
  const digits = canonicalPosition(position);
  return `${String(digits.length).padStart(LENGTH_WIDTH, '0')}:${digits}`;
};

export const positionFromKey = (key: string): string => {
  const digits = key.slice(LENGTH_WIDTH + 1);
  if (key[LENGTH_WIDTH] !== ':' || Number(key.slice(0, LENGTH_WIDTH)) !== digits.length) {
    throw new RangeError(`not a position key: ${JSON.stringify(key)}`);
  }
  return digits;
};

export const isPosition = (value: unknown): value is string => typeof value === 'string' && /^\d+$/.test(value);
