/**
 * Benchmark (not a test): the decider's figures of the largest business case a command accepts –
 * 200 lines over 121 periods in 50 groups, every line's net flow changing sign once so IRR is
 * bisected for the total and every group (goal: well under the 5 ms a command may spend deciding).
 *
 *   node --import tsx bench/business-case.ts
 */
import type { BusinessCaseInputs } from '../contracts/index.js';
import { MAX_PERIODS } from '../contracts/index.js';
import { businessCaseFigures } from '../domain/index.js';
import { median } from './support.js';

const periods = MAX_PERIODS + 1;
const groups = Array.from({ length: 50 }, (_, g) => ({ groupId: `group-${g}`, name: `Group ${g}` }));
const lines = Array.from({ length: 200 }, (_, l) => ({
  kind: l % 2 === 0 ? ('cost' as const) : ('gain' as const),
  label: `Line ${l}`,
  groupId: `group-${l % 50}`,
  // Costs up front, gains later: one change of sign per group and in the total.
  amounts: Array.from({ length: periods }, (_, t) => (l % 2 === 0 ? (t === 0 ? 1_000_000 + l : 1_000) : t === 0 ? 0 : 20_000 + t)),
}));
const inputs: Pick<BusinessCaseInputs, 'discountRate' | 'groups' | 'lines'> = { discountRate: 0.01, groups, lines };

const ROUNDS = 200;
const timings: number[] = [];
process.stdout.write(`computing the figures of a ${lines.length}-line, ${periods}-period, ${groups.length}-group case ${ROUNDS} times\n`);
for (let round = 0; round < ROUNDS; round++) {
  const started = performance.now();
  const figures = businessCaseFigures(inputs);
  timings.push(performance.now() - started);
  if (figures.total.irr.status !== 'unique') throw new Error(`the benchmark case should have one IRR, got ${figures.total.irr.status}`);
  if ((round + 1) % 50 === 0) process.stdout.write(`  ${round + 1}/${ROUNDS} rounds\n`);
}
const sorted = [...timings].sort((a, b) => a - b);
process.stdout.write(
  `businessCaseFigures: median ${median(timings).toFixed(2)} ms, p99 ${sorted[Math.floor(sorted.length * 0.99)]!.toFixed(2)} ms, max ${sorted.at(-1)!.toFixed(2)} ms\n`,
);
