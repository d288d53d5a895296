/**
 * The business case of an engagement (docs/domain.md#business-case): expected gains and costs per
 * period, optionally per requirement group, and the discount rate they are valued at.
 */
import { z } from 'zod';
import { CASH_FLOW_KINDS, PERIOD_LENGTHS } from '../vocabulary.js';
import { Id, Name, Reason, RequirementCategory } from '../values.js';

export const PeriodLength = z.enum(PERIOD_LENGTHS);
export type PeriodLength = z.infer<typeof PeriodLength>;
export const CashFlowKind = z.enum(CASH_FLOW_KINDS);

/** ISO 4217 code: the one currency every amount of the case is in. */
export const Currency = z.string().regex(/^[A-Z]{3}$/, 'a currency is an ISO 4217 code such as CNY, USD or EUR');

/** At most ten years of months: the horizon of any case a PMO would sign. */
export const MAX_PERIODS = 120;

/**
 * A solution or part of the rollout whose contribution is valued on its own (seed 003): named, and
 * tied to the requirements of a category, to named requirements, or to both.
 */
export const BusinessCaseGroup = z.strictObject({
  groupId: Id,
  name: Name,
  category: RequirementCategory.optional(),
  requirementIds: z
    .array(Id)
    .max(500)
    .refine((ids) => new Set(ids).size === ids.length, { message: 'requirementIds must not repeat' })
    .optional(),
});
export type BusinessCaseGroup = z.infer<typeof BusinessCaseGroup>;

/**
 * One expected gain or cost: `amounts[t]` is what it brings or takes in period t, where period 0 is
 * the start (not discounted) and period t is discounted t times. Amounts are not negative: the
 * `kind` says which way the money goes.
 */
export const BusinessCaseLine = z.strictObject({
  kind: CashFlowKind,
  label: Name,
  groupId: Id.optional(),
  amounts: z.array(z.number().finite().min(0).max(1e12)).min(1).max(MAX_PERIODS + 1),
});
export type BusinessCaseLine = z.infer<typeof BusinessCaseLine>;

export const BusinessCaseInputFields = {
  currency: Currency,
  periodLength: PeriodLength,
  /** Per period, as a fraction: 0.08 is 8 % a period. */
  discountRate: z.number().finite().min(0).max(1),
  groups: z.array(BusinessCaseGroup).max(50),
  lines: z.array(BusinessCaseLine).min(1).max(200),
};
export const BUSINESS_CASE_INPUTS = ['currency', 'periodLength', 'discountRate', 'groups', 'lines'] as const;
export type BusinessCaseInputs = z.infer<z.ZodObject<typeof BusinessCaseInputFields>>;

const consistent = (body: { groups: BusinessCaseGroup[]; lines: BusinessCaseLine[] }, ctx: z.core.$RefinementCtx) => {
  const groupIds = body.groups.map((g) => g.groupId);
  if (new Set(groupIds).size !== groupIds.length) ctx.addIssue({ code: 'custom', path: ['groups'], message: 'groupIds must not repeat' });
  body.lines.forEach((line, index) => {
    if (line.groupId !== undefined && !groupIds.includes(line.groupId)) {
      ctx.addIssue({ code: 'custom', path: ['lines', index, 'groupId'], message: `group ${line.groupId} is not among the case's groups` });
    }
  });
};

export const SetBusinessCaseBody = z
  .strictObject({ ...BusinessCaseInputFields, groups: BusinessCaseInputFields.groups.default([]), reason: Reason })
  .superRefine(consistent);

export const SetBusinessCaseData = z
  .strictObject({ ...BusinessCaseInputFields, engagementId: Id, reason: Reason })
  .superRefine(consistent);

/**
 * The internal rate of return, when the cash flows determine one: `unique` with its rate per
 * period; `none` when the net cash flows never change sign (no rate makes them worth zero);
 * `not-determined` when they change sign more than once, so there may be none or several.
 */
export const Irr = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('unique'), rate: z.number().finite() }),
  z.strictObject({ status: z.literal('none') }),
  z.strictObject({ status: z.literal('not-determined') }),
]);
export type Irr = z.infer<typeof Irr>;

/** What a set of gains and costs is worth (docs/domain.md#business-case). Money in the case's currency. */
export const CashFlowFigures = z.strictObject({
  /** Gains less costs, period by period. */
  netCashFlows: z.array(z.number().finite()),
  presentValueOfGains: z.number().finite(),
  presentValueOfCosts: z.number().finite(),
  npv: z.number().finite(),
  /** npv ÷ present value of the costs; null without costs. */
  roi: z.number().finite().nullable(),
  irr: Irr,
  /** Periods until the cumulative net cash flow turns non-negative for good; null if it never does. */
  paybackPeriods: z.number().finite().nullable(),
  /** The same with discounted cash flows. */
  discountedPaybackPeriods: z.number().finite().nullable(),
});
export type CashFlowFigures = z.infer<typeof CashFlowFigures>;

export const BusinessCaseFigures = z.strictObject({
  total: CashFlowFigures,
  /** Each group's own gains and costs, in the order of the groups: its contribution to the total. */
  groups: z.array(CashFlowFigures.extend({ groupId: Id })),
  /** The lines that belong to no group (e.g. the platform everything runs on); null if there are none. */
  shared: CashFlowFigures.nullable(),
});
export type BusinessCaseFigures = z.infer<typeof BusinessCaseFigures>;
