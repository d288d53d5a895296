/**
 * Log positions are opaque to clients but ordered: decimal strings of unsigned integers (of any
 * size – EventStoreDB's are 64-bit), compared numerically. Everything that orders positions uses
 * this one rule.
 */
export const comparePositions = (a: string, b: string): number => {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
};
