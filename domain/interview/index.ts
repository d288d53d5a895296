import type { InterviewEvent } from '../../contracts/index.js';
import type { Decider } from '../decider.js';
import { decideInterview, type InterviewCommandWithContext } from './decide.js';
import { evolveInterview, initialInterviewState, interviewStateFromSnapshot, type InterviewState } from './state.js';

export const interviewDecider: Decider<InterviewCommandWithContext, InterviewEvent, InterviewState> = {
  initialState: initialInterviewState,
  decide: decideInterview,
  evolve: evolveInterview,
  fromSnapshot: interviewStateFromSnapshot,
};

export * from './state.js';
export * from './summary-hash.js';
export { CONDUCTED_AT_TOLERANCE_MS, presentedLink, usableLink, type InterviewCommandWithContext } from './decide.js';
