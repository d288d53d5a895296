import type { BaselineEvent } from '../../contracts/index.js';
import type { Decider } from '../decider.js';
import { decideBaseline, type BaselineCommandWithContext } from './decide.js';
import { evolveBaseline, initialBaselineState, type BaselineState } from './state.js';

export const baselineDecider: Decider<BaselineCommandWithContext, BaselineEvent, BaselineState> = {
  initialState: initialBaselineState,
  decide: decideBaseline,
  evolve: evolveBaseline,
};

export * from './state.js';
export * from './baseline-hash.js';
export { FRESH_SIGN_IN_MS, type BaselineCommandWithContext, type RequirementAtVersion } from './decide.js';
