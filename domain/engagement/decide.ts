import { BUSINESS_CASE_INPUTS, nextPhase, phaseIndex, type EngagementCommand, type EngagementEvent } from '../../contracts/index.js';
import { reject, unreachable, type WithMetadata } from '../decider.js';
import { unmetConditions, type SurveyFacts } from './gates.js';
import { businessCaseFigures } from './business-case.js';
import { directionOf, scorecardStatus } from './goals.js';
import type { EngagementState } from './state.js';

type Of<T extends EngagementCommand['type']> = WithMetadata<Extract<EngagementCommand, { type: T }>>;

/** Leaving `business-survey` is judged on `facts`, loaded by the caller from the log at decision time. */
export type EngagementCommandWithContext =
  | Of<'StartEngagement'>
  | Of<'RecordReadiness'>
  | (Of<'AdvancePhase'> & { facts?: SurveyFacts })
  | Of<'AddMember'>
  | Of<'RemoveMember'>
  | Of<'AddGoal'>
  | Of<'AddSuccessTarget'>
  | Of<'ReviseSuccessTarget'>
  | Of<'RecordMeasurement'>
  | (Of<'SetBusinessCase'> & { facts?: BusinessCaseFacts })
  | Of<'ChooseGateConditions'>;

/** The ids of the engagement's requirements, for a business case whose groups name requirements. */
export type BusinessCaseFacts = { requirementIds: readonly string[] };

type Active = Extract<EngagementState, { status: 'active' }>;

/** The engagement exists (its team can still change after go-live: auditors join late). */
const existingEngagement = (state: EngagementState, engagementId: string): Active =>
  state.status === 'none' ? reject('not-found', `engagement ${engagementId} does not exist`) : state;

const pmCount = (team: Active['team']) => Object.values(team ?? {}).filter((m) => m.role === 'pm').length;

/** The engagement exists and has not gone live. */
export const openEngagement = (state: EngagementState, engagementId: string): Active => {
  if (state.status === 'none') return reject('not-found', `engagement ${engagementId} does not exist`);
  if (state.phase === 'go-live') return reject('engagement-closed', `engagement ${engagementId} has gone live; it takes no more changes`);
  return state;
};

const TARGET_FIELDS = ['metric', 'unit', 'baseline', 'target', 'horizon', 'owner'] as const;

/**
 * A value's JSON with every object's keys sorted: what the log hands back may list keys in another
 * order than the command that recorded them, and only the content decides whether anything changed.
 */
const canonical = (value: unknown) =>
  JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );

const targetOf = (engagement: Active, targetId: string) =>
  engagement.targets[targetId] ?? reject('not-found', `success target ${targetId} does not exist in engagement ${engagement.engagementId}`);

export const decideEngagement = (command: EngagementCommandWithContext, state: EngagementState): EngagementEvent[] => {
  switch (command.type) {
    case 'StartEngagement': {
      if (state.status !== 'none') return reject('already-exists', `engagement ${command.data.engagementId} already exists`);
      const { engagementId, name, client, sponsor, goals, successCriteria } = command.data;
      const { actor } = command.metadata;
      return [
        { type: 'EngagementStarted', data: { engagementId, name, client, sponsor, goals, successCriteria } },
        // Whoever starts an engagement leads it: its first pm.
        { type: 'MemberAdded', data: { engagementId, userId: actor.id, name: actor.name || actor.id, role: 'pm' } },
      ];
    }
    case 'RecordReadiness': {
      const engagement = openEngagement(state, command.data.engagementId);
      if (command.data.item === 'success-criteria-defined' && command.data.status === 'met' && Object.keys(engagement.targets).length === 0) {
        return reject('success-targets-missing', 'success criteria are defined once a goal has a measurable success target; add one first');
      }
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
      const unmet = unmetConditions(engagement.phase, engagement, command.facts);
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
    case 'AddMember': {
      const engagement = existingEngagement(state, command.data.engagementId);
      const { engagementId, userId, name, role, workgroup, department, reason } = command.data;
      const current = engagement.team?.[userId];
      const optional = { ...(workgroup === undefined ? {} : { workgroup }), ...(department === undefined ? {} : { department }), ...(reason === undefined ? {} : { reason }) };
      if (current === undefined) return [{ type: 'MemberAdded', data: { engagementId, userId, name, role, ...optional } }];
      if (current.name === name && current.role === role && current.workgroup === workgroup && current.department === department) {
        return reject('membership-changes-nothing', `${userId} is already ${role} of engagement ${engagementId} with that workgroup and department`);
      }
      if (current.role === 'pm' && role !== 'pm' && pmCount(engagement.team) === 1) {
        return reject('last-pm', `${userId} is the only pm of engagement ${engagementId}; add another pm first`);
      }
      return [{ type: 'MemberRoleChanged', data: { engagementId, userId, name, role, ...optional, previous: { ...current } } }];
    }
    case 'RemoveMember': {
      const engagement = existingEngagement(state, command.data.engagementId);
      const { engagementId, userId, reason } = command.data;
      const current = engagement.team?.[userId];
      if (current === undefined) return reject('not-found', `${userId} is not a member of engagement ${engagementId}`);
      if (current.role === 'pm' && pmCount(engagement.team) === 1) {
        return reject('last-pm', `${userId} is the only pm of engagement ${engagementId}; add another pm first`);
      }
      return [{ type: 'MemberRemoved', data: { engagementId, userId, name: current.name, role: current.role, reason } }];
    }
    case 'AddGoal': {
      const engagement = openEngagement(state, command.data.engagementId);
      if (engagement.goals[command.data.goalId] !== undefined) return reject('already-exists', `goal ${command.data.goalId} already exists`);
      return [{ type: 'GoalAdded', data: command.data }];
    }
    case 'AddSuccessTarget': {
      const engagement = openEngagement(state, command.data.engagementId);
      const { engagementId, goalId, targetId } = command.data;
      if (engagement.goals[goalId] === undefined) return reject('not-found', `goal ${goalId} does not exist in engagement ${engagementId}`);
      if (engagement.targets[targetId] !== undefined) return reject('already-exists', `success target ${targetId} already exists`);
      return [{ type: 'SuccessTargetAdded', data: { ...command.data, direction: directionOf(command.data) } }];
    }
    case 'ReviseSuccessTarget': {
      const engagement = existingEngagement(state, command.data.engagementId);
      const { engagementId, targetId, reason } = command.data;
      const current = targetOf(engagement, targetId);
      const changes: Record<string, unknown> = {};
      const previous: Record<string, unknown> = {};
      for (const field of TARGET_FIELDS) {
        const value = command.data[field];
        if (value === undefined || value === current[field]) continue;
        changes[field] = value;
        previous[field] = current[field];
      }
      if (Object.keys(changes).length === 0) {
        return reject('revision-changes-nothing', `the revision leaves success target ${targetId} as it is`);
      }
      const revised = { ...current, ...changes } as typeof current;
      return [
        {
          type: 'SuccessTargetRevised',
          data: {
            engagementId,
            goalId: current.goalId,
            targetId,
            changes,
            previous,
            reason,
            direction: directionOf(revised),
            status: scorecardStatus(revised, revised.measurements),
          },
        },
      ];
    }
    case 'RecordMeasurement': {
      const engagement = existingEngagement(state, command.data.engagementId);
      const { engagementId, targetId, measurementId, value, measuredAt, note } = command.data;
      const current = targetOf(engagement, targetId);
      if (engagement.phase !== 'go-live') {
        return reject('engagement-not-live', `engagement ${engagementId} is in ${engagement.phase}; measurements are recorded after go-live`);
      }
      const status = scorecardStatus(current, [...current.measurements, { value, measuredAt }]);
      return [
        {
          type: 'MeasurementRecorded',
          data: {
            engagementId,
            goalId: current.goalId,
            targetId,
            measurementId,
            value,
            measuredAt,
            ...(note === undefined ? {} : { note }),
            direction: directionOf(current),
            status,
          },
        },
      ];
    }
    case 'SetBusinessCase': {
      const engagement = openEngagement(state, command.data.engagementId);
      const { engagementId, reason, ...inputs } = command.data;
      const named = inputs.groups.flatMap((g) => g.requirementIds ?? []);
      if (named.length > 0) {
        if (!command.facts) throw new Error('a business case naming requirements is decided on the requirement ids; none were loaded');
        const known = new Set(command.facts.requirementIds);
        const unknown = named.filter((id) => !known.has(id));
        if (unknown.length > 0) return reject('requirement-not-found', `requirements ${unknown.join(', ')} do not exist in engagement ${engagementId}`);
      }
      const current = engagement.businessCase;
      const previous: Record<string, unknown> = {};
      for (const field of BUSINESS_CASE_INPUTS) {
        if (current !== undefined && canonical(current.inputs[field]) !== canonical(inputs[field])) previous[field] = current.inputs[field];
      }
      if (current !== undefined && Object.keys(previous).length === 0) {
        return reject('revision-changes-nothing', `the business case of engagement ${engagementId} already has these inputs`);
      }
      return [
        {
          type: 'BusinessCaseSet',
          data: {
            engagementId,
            revision: (current?.revision ?? 0) + 1,
            ...inputs,
            figures: businessCaseFigures(inputs),
            reason,
            previous,
            ...(current === undefined ? {} : { previousTotal: current.total }),
          },
        },
      ];
    }
    case 'ChooseGateConditions': {
      const engagement = openEngagement(state, command.data.engagementId);
      const { engagementId, phase, require, reason } = command.data;
      if (phaseIndex(phase) < phaseIndex(engagement.phase)) {
        return reject('gate-already-passed', `engagement ${engagementId} has left ${phase}; its gate no longer applies`);
      }
      const previous = [...(engagement.gateOptions?.[phase] ?? [])];
      if (canonical([...previous].sort()) === canonical([...require].sort())) {
        return reject('revision-changes-nothing', `leaving ${phase} already requires ${previous.length === 0 ? 'no option' : previous.join(', ')}`);
      }
      return [{ type: 'GateConditionsChosen', data: { engagementId, phase, require, previous, reason } }];
    }
    default:
      return unreachable(command);
  }
};
