import type { EngagementEvent } from '../../contracts/index.js';
import type { Decider } from '../decider.js';
import { decideEngagement, type EngagementCommandWithContext } from './decide.js';
import { evolveEngagement, initialEngagementState, type EngagementState } from './state.js';

export const engagementDecider: Decider<EngagementCommandWithContext, EngagementEvent, EngagementState> = {
  initialState: initialEngagementState,
  decide: decideEngagement,
  evolve: evolveEngagement,
};

export * from './state.js';
export * from './gates.js';
export * from './goals.js';
export * from './business-case.js';
export { openEngagement, type BusinessCaseFacts, type EngagementCommandWithContext } from './decide.js';
