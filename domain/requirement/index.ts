import type { RequirementEvent } from '../../contracts/index.js';
import type { Decider } from '../decider.js';
import { decideRequirement, type RequirementCommandWithContext } from './decide.js';
import { evolveRequirement, initialRequirementState, type RequirementState } from './state.js';

export const requirementDecider: Decider<RequirementCommandWithContext, RequirementEvent, RequirementState> = {
  initialState: initialRequirementState,
  decide: decideRequirement,
  evolve: evolveRequirement,
};

export * from './state.js';
export * from './priority.js';
export type { RequirementCommandWithContext } from './decide.js';
