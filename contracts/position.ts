/**
 * Log positions are opaque to clients but ordered: decimal strings of unsigned integers (of any
 * size – EventStoreDB's are 64-bit), compared numerically. Everything that orders positions uses
 * this one rule.
 */
const CANONICAL = /^(?:0|[1-9]\d*)$/;

export const comparePositions = (a: string, b: string): number => {
  // Folding the log compares positions for every event: canonical decimals (what the stores give)
  // compare by length, then digit by digit, without converting to BigInt.
  if (CANONICAL.test(a) && CANONICAL.test(b)) return Math.sign(a.length - b.length) || (a < b ? -1 : a > b ? 1 : 0);
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
};
