import { nextPhase, type EngagementCommand, type EngagementEvent } from '../../contracts/index.js';
import { reject, unreachable, type WithMetadata } from '../decider.js';
import { unmetConditions, type SurveyFacts } from './gates.js';
import type { EngagementState } from './state.js';

type Of<T extends EngagementCommand['type']> = WithMetadata<Extract<EngagementCommand, { type: T }>>;

/** Leaving `business-survey` is judged on `facts`, loaded by the caller from the log at decision time. */
export type EngagementCommandWithContext =
  | Of<'StartEngagement'>
  | Of<'RecordReadiness'>
  | (Of<'AdvancePhase'> & { facts?: SurveyFacts });

type Active = Extract<EngagementState, { status: 'active' }>;

/** The engagement exists and has not gone live. */
export const openEngagement = (state: EngagementState, engagementId: string): Active => {
  if (state.status === 'none') return reject('not-found', `engagement ${engagementId} does not exist`);
  if (state.phase === 'go-live') return reject('engagement-closed', `engagement ${engagementId} has gone live; it takes no more changes`);
  return state;
};

export const decideEngagement = (command: EngagementCommandWithContext, state: EngagementState): EngagementEvent[] => {
  switch (command.type) {
    case 'StartEngagement': {
      if (state.status !== 'none') return reject('already-exists', `engagement ${command.data.engagementId} already exists`);
      const { engagementId, name, client, sponsor, goals, successCriteria } = command.data;
      return [{ type: 'EngagementStarted', data: { engagementId, name, client, sponsor, goals, successCriteria } }];
    }
    case 'RecordReadiness': {
      const engagement = openEngagement(state, command.data.engagementId);
      const previousStatus = engagement.readiness[command.data.item]?.status;
      return [
        {
          type: 'ReadinessRecorded',
          data: { ...command.data, ...(previousStatus === undefined ? {} : { previousStatus }) },
        },
      ];
    }
    case 'AdvancePhase': {
      const engagement = openEngagement(state, command.data.engagementId);
      const { to, waiverReason, engagementId } = command.data;
      const expected = nextPhase(engagement.phase);
      if (to !== expected) {
        return reject('phase-not-next', `the phase after ${engagement.phase} is ${expected}, not ${to}`, {
          currentPhase: engagement.phase,
          nextPhase: expected,
        });
      }
      const unmet = unmetConditions(engagement.phase, engagement.readiness, command.facts);
      if (unmet.length > 0 && waiverReason === undefined) {
        return reject(
          'gate-not-satisfied',
          `leaving ${engagement.phase} needs ${unmet.length} condition(s) met, or a waiverReason`,
          { unmetConditions: unmet },
        );
      }
      const waiver = unmet.length > 0 && waiverReason !== undefined ? { reason: waiverReason, unmetConditions: unmet } : undefined;
      return [{ type: 'PhaseAdvanced', data: { engagementId, from: engagement.phase, to, ...(waiver ? { waiver } : {}) } }];
    }
    default:
      return unreachable(command);
  }
};
