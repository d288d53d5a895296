/**
 * What a business case is worth (docs/domain.md#business-case): `cashFlowFigures` is the only
 * implementation of NPV, ROI, IRR and payback; `businessCaseFigures` applies it to the whole case,
 * to each group and to the lines shared by all.
 *
 * Written here rather than taken from a library: the figures are a few sums, and the one hard part,
 * IRR, must say when no rate or more than one rate exists – which the npm ports of numpy-financial
 * do not (their Newton iteration answers a number or NaN from a starting guess).
 */
import type { BusinessCaseFigures, BusinessCaseInputs, BusinessCaseLine, CashFlowFigures, Irr } from '../../contracts/index.js';

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

/** Period by period, the amounts of the lines of one kind; shorter lines bring nothing after their end. */
const perPeriod = (lines: readonly BusinessCaseLine[], kind: BusinessCaseLine['kind'], periods: number): number[] => {
  const totals = new Array<number>(periods).fill(0);
  for (const line of lines) if (line.kind === kind) line.amounts.forEach((amount, t) => (totals[t]! += amount));
  return totals;
};

const presentValue = (flows: readonly number[], rate: number) => sum(flows.map((flow, t) => flow / (1 + rate) ** t));

/**
 * The periods until the cumulative flow is non-negative and stays so to the end, interpolated
 * linearly within the period it crosses zero in; 0 when it never falls below zero, null when it ends
 * below zero.
 */
const payback = (flows: readonly number[]): number | null => {
  const cumulative: number[] = [];
  flows.forEach((flow, t) => cumulative.push((cumulative[t - 1] ?? 0) + flow));
  const lastNegative = cumulative.findLastIndex((c) => c < 0);
  if (lastNegative === -1) return 0;
  if (lastNegative === cumulative.length - 1) return null;
  const before = cumulative[lastNegative]!;
  return lastNegative + -before / flows[lastNegative + 1]!;
};

const signChanges = (flows: readonly number[]) => {
  const signs = flows.filter((flow) => flow !== 0).map(Math.sign);
  return signs.filter((sign, i) => i > 0 && sign !== signs[i - 1]).length;
};

/**
 * With x = 1/(1+r), the NPV is the polynomial p(x) = Σ flow[t]·xᵗ. With exactly one sign change
 * in the flows, Descartes' rule of signs gives exactly one positive root x*, i.e. exactly one rate
 * r* = 1/x* − 1 > −1. p(0⁺) has the sign of the first non-zero flow and p(x) for large x that of the
 * last, so x* is bracketed by doubling an upper bound until the sign flips, then bisected until
 * the bracket is a few units of a double's last bit wide (bisection cannot miss a bracketed root,
 * unlike Newton's method).
 * Without a sign change there is no rate; with more than one there may be none or several, and no
 * single number is honest.
 */
export const internalRateOfReturn = (flows: readonly number[]): Irr => {
  const changes = signChanges(flows);
  if (changes === 0) return { status: 'none' };
  if (changes > 1) return { status: 'not-determined' };
  const p = (x: number) => flows.reduceRight((acc, flow) => acc * x + flow, 0);
  const first = Math.sign(flows.find((flow) => flow !== 0)!);
  let low = 0;
  let high = 1;
  while (Math.sign(p(high)) === first && high < 1e12) high *= 2;
  // Still unbracketed: the rate lies within 10⁻¹² of −100 %, too close to tell from a total loss.
  if (Math.sign(p(high)) === first) return { status: 'not-determined' };
  // Until the bracket is within a few units of a double's last bit (about 50 halvings from 1).
  while (high - low > 4 * Number.EPSILON * high) {
    const mid = (low + high) / 2;
    if (mid === low || mid === high) break;
    if (Math.sign(p(mid)) === first) low = mid;
    else high = mid;
  }
  return { status: 'unique', rate: 1 / ((low + high) / 2) - 1 };
};

/** NPV, ROI, IRR and payback of gains and costs per period (index 0: the start, not discounted). */
export const cashFlowFigures = (gains: readonly number[], costs: readonly number[], rate: number): CashFlowFigures => {
  const netCashFlows = gains.map((gain, t) => gain - (costs[t] ?? 0));
  const presentValueOfGains = presentValue(gains, rate);
  const presentValueOfCosts = presentValue(costs, rate);
  const npv = presentValueOfGains - presentValueOfCosts;
  return {
    netCashFlows,
    presentValueOfGains,
    presentValueOfCosts,
    npv,
    roi: presentValueOfCosts === 0 ? null : npv / presentValueOfCosts,
    irr: internalRateOfReturn(netCashFlows),
    paybackPeriods: payback(netCashFlows),
    discountedPaybackPeriods: payback(netCashFlows.map((flow, t) => flow / (1 + rate) ** t)),
  };
};

const figuresOf = (lines: readonly BusinessCaseLine[], periods: number, rate: number) =>
  cashFlowFigures(perPeriod(lines, 'gain', periods), perPeriod(lines, 'cost', periods), rate);

/** The case's figures over as many periods as its longest line. */
export const businessCaseFigures = (inputs: Pick<BusinessCaseInputs, 'discountRate' | 'groups' | 'lines'>): BusinessCaseFigures => {
  const periods = Math.max(...inputs.lines.map((l) => l.amounts.length));
  const shared = inputs.lines.filter((l) => l.groupId === undefined);
  return {
    total: figuresOf(inputs.lines, periods, inputs.discountRate),
    groups: inputs.groups.map(({ groupId }) => ({
      groupId,
      ...figuresOf(
        inputs.lines.filter((l) => l.groupId === groupId),
        periods,
        inputs.discountRate,
      ),
    })),
    shared: shared.length === 0 ? null : figuresOf(shared, periods, inputs.discountRate),
  };
};
