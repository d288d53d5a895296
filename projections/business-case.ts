/**
 * The engagement's business case as the phase progress shows it (docs/domain.md#business-case):
 * its inputs and the figures the decider computed from them, carried by the event – never
 * recomputed here – with who set it, when and why.
 */
import type { Actor, BusinessCaseFigures, BusinessCaseGroup, BusinessCaseLine, EventOfType, PeriodLength, RecordedEvent } from '../contracts/index.js';
import { actorOf } from './define.js';

export type BusinessCase = {
  revision: number;
  currency: string;
  periodLength: PeriodLength;
  discountRate: number;
  groups: BusinessCaseGroup[];
  lines: BusinessCaseLine[];
  figures: BusinessCaseFigures;
  reason: string;
  setAt: string;
  setBy: Actor;
};

export const businessCaseSet = (event: RecordedEvent<EventOfType<'BusinessCaseSet'>>): BusinessCase => {
  const { revision, currency, periodLength, discountRate, groups, lines, figures, reason } = event.data;
  return structuredClone({ revision, currency, periodLength, discountRate, groups, lines, figures, reason, setAt: event.occurredAt, setBy: actorOf(event) });
};
