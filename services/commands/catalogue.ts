/**
 * Every command the service handles: which aggregate decides it, which facts from other streams
 * it is judged on, and what its answer carries besides id, version and position.
 */
import { z } from 'zod';
import {
  CashFlowFigures,
  type BaselineCommand,
  DomainEvent,
  type DomainEventType,
  type EngagementCommand,
  type EventOfType,
  type InterviewCommand,
  type RequirementCommand,
} from '../../contracts/index.js';
import {
  type Access,
  baselineDecider,
  type BaselineState,
  engagementDecider,
  gateNeedsSurveyFacts,
  interviewDecider,
  requirementDecider,
  type EngagementState,
  type InterviewState,
  type RequirementAtVersion,
  type RequirementState,
  type SurveyFacts,
} from '../../domain/index.js';
import { streamName } from '../../infra/event-store/port.js';

export type AnyCommand = EngagementCommand | InterviewCommand | RequirementCommand | BaselineCommand;
export type CommandType = AnyCommand['type'];
export type CommandData<T extends CommandType> = Extract<AnyCommand, { type: T }>['data'];

export type FactLoader = {
  engagement(engagementId: string): Promise<EngagementState>;
  interview(interviewId: string): Promise<InterviewState>;
  /** The engagement's interviews and requirements, read from the log as it stands now. */
  survey(engagementId: string): Promise<SurveyFacts>;
  /** The engagement's requirements with their stream revisions, read from the log as it stands now. */
  requirements(engagementId: string): Promise<RequirementAtVersion[]>;
  /** The engagement's baselines, read from the log as it stands now. */
  baselines(engagementId: string): Promise<BaselineState[]>;
};

type AggregateOf = {
  engagement: EngagementState;
  interview: InterviewState;
  requirement: RequirementState;
  baseline: BaselineState;
};
export type Aggregate = keyof AggregateOf;

export const deciders = {
  engagement: engagementDecider,
  interview: interviewDecider,
  requirement: requirementDecider,
  baseline: baselineDecider,
} as const;

export const streamOf = (aggregate: Aggregate, id: string) => streamName[aggregate](id);

type Spec<T extends CommandType, A extends Aggregate> = {
  aggregate: A;
  /**
   * What the caller needs in the engagement (docs/domain.md#access), judged on the log at decision
   * time; `link-holder`: the command carries a confirmation link, which the decider itself judges.
   */
  access: Access | 'link-holder';
  /** The id of the aggregate the command addresses. */
  subject: (data: CommandData<T>) => string;
  facts?: (load: FactLoader, data: CommandData<T>, state: AggregateOf[A]) => Promise<object>;
  /** Set for commands that create a resource: answered with 201 and this Location. */
  location?: (data: CommandData<T>) => string;
  /** For commands that create or else update: whether these events created the resource (201) or not (200). */
  created?: (events: readonly DomainEvent[]) => boolean;
  /** Fields the answer carries besides id, version and position. */
  answer?: Answer;
};

/** Fields of one event the command records: their schema and an example (for the OpenAPI document), and their values. */
export type Answer = { shape: z.ZodRawShape; example: Record<string, unknown>; of: (events: readonly DomainEvent[]) => Record<string, unknown> };

/** The schema of one field of an event's data, as the event's contract states it. */
const fieldOf = <T extends DomainEventType>(type: T, field: keyof EventOfType<T>['data'] & string): z.ZodType =>
  (DomainEvent.options.find((option) => option.shape.type.value === type)!.shape.data as z.ZodObject).shape[field]!;

/**
 * The answer carries the fields `example` names of the `type` event the command recorded, as that
 * event's contract states them.
 */
const fieldsOf = <T extends DomainEventType>(type: T, example: Partial<EventOfType<T>['data']>): Answer => {
  const fields = Object.keys(example) as (keyof EventOfType<T>['data'] & string)[];
  return {
    shape: Object.fromEntries(fields.map((field) => [field, fieldOf(type, field)])),
    example,
    of: (events) => {
      const data = recorded(events, type) as Record<string, unknown> | undefined;
      return Object.fromEntries(fields.map((field) => [field, data?.[field]]));
    },
  };
};

const recorded = <T extends DomainEventType>(events: readonly DomainEvent[], type: T): EventOfType<T>['data'] | undefined =>
  events.find((e): e is EventOfType<T> => e.type === type)?.data as EventOfType<T>['data'] | undefined;

/** Drawing up or revising the business case answers with its revision and the whole case's headline figures. */
const businessCaseAnswer: Answer = {
  shape: {
    revision: z.number().int().min(1),
    npv: CashFlowFigures.shape.npv,
    irr: CashFlowFigures.shape.irr,
    paybackPeriods: CashFlowFigures.shape.paybackPeriods,
  },
  example: { revision: 2, npv: 403305.79, irr: { status: 'unique', rate: 0.3792 }, paybackPeriods: 1.7778 },
  of: (events) => {
    const set = recorded(events, 'BusinessCaseSet');
    return { revision: set?.revision, npv: set?.figures.total.npv, irr: set?.figures.total.irr, paybackPeriods: set?.figures.total.paybackPeriods };
  },
};

const HASH = '9f2c4e0a7b1d3c5e6f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6';

const engagementOf = (state: { status: string; engagementId?: string }) =>
  state.status === 'none' ? undefined : state.engagementId;

/** Requirement commands after capture are judged on the engagement the requirement belongs to. */
const ownEngagement = async (load: FactLoader, _data: unknown, state: AggregateOf[Aggregate]) => {
  const requirement = state as RequirementState;
  return {
    facts: {
      engagement: requirement.status === 'none' ? ({ status: 'none' } as const) : await load.engagement(requirement.engagementId),
    },
  };
};

/** Revising a requirement, directly or by an approved change request, is judged on the signed baselines too. */
const ownEngagementAndBaselines = async (load: FactLoader, _data: unknown, state: AggregateOf[Aggregate]) => {
  const requirement = state as RequirementState;
  if (requirement.status === 'none') return { facts: { engagement: { status: 'none' } as const, baselines: [] } };
  const [engagement, baselines] = await Promise.all([load.engagement(requirement.engagementId), load.baselines(requirement.engagementId)]);
  return { facts: { engagement, baselines } };
};

export const CATALOGUE: { [T in CommandType]: Spec<T, Aggregate> } = {
  StartEngagement: {
    aggregate: 'engagement',
    access: 'start-engagement',
    subject: (d) => d.engagementId,
    location: (d) => `/engagements/${d.engagementId}`,
  },
  RecordReadiness: { aggregate: 'engagement', access: 'manage', subject: (d) => d.engagementId },
  AddMember: {
    aggregate: 'engagement',
    access: 'manage',
    subject: (d) => d.engagementId,
    location: (d) => `/engagements/${d.engagementId}/members`,
    created: (events) => events.some((e) => e.type === 'MemberAdded'),
  },
  RemoveMember: { aggregate: 'engagement', access: 'manage', subject: (d) => d.engagementId },
  AddGoal: {
    aggregate: 'engagement',
    access: 'manage',
    subject: (d) => d.engagementId,
    // Goals and targets are read in the engagement's progress (goals and the scorecard).
    location: (d) => `/engagements/${d.engagementId}/progress`,
    answer: fieldsOf('GoalAdded', { goalId: '0195a7e2-51c4-7d8e-9a0b-000000000301' }),
  },
  AddSuccessTarget: {
    aggregate: 'engagement',
    access: 'manage',
    subject: (d) => d.engagementId,
    location: (d) => `/engagements/${d.engagementId}/progress`,
    answer: fieldsOf('SuccessTargetAdded', { targetId: '0195a7e2-51c4-7d8e-9a0b-000000000401' }),
  },
  ReviseSuccessTarget: {
    aggregate: 'engagement',
    access: 'manage',
    subject: (d) => d.engagementId,
    answer: fieldsOf('SuccessTargetRevised', { status: 'pending' }),
  },
  RecordMeasurement: {
    aggregate: 'engagement',
    access: 'manage',
    subject: (d) => d.engagementId,
    answer: fieldsOf('MeasurementRecorded', { measurementId: '0195a7e2-51c4-7d8e-9a0b-000000000501', status: 'met' }),
  },
  SetBusinessCase: {
    aggregate: 'engagement',
    access: 'manage',
    subject: (d) => d.engagementId,
    // The case is read in the engagement's progress; drawing it up creates it, a revision changes it.
    location: (d) => `/engagements/${d.engagementId}/progress`,
    created: (events) => recorded(events, 'BusinessCaseSet')?.revision === 1,
    // Only a case whose groups name requirements needs them: the ids are read from the log as it stands.
    facts: async (load, d) =>
      d.groups.some((g) => (g.requirementIds ?? []).length > 0)
        ? { facts: { requirementIds: (await load.survey(d.engagementId)).requirements.map((r) => r.requirementId) } }
        : {},
    answer: businessCaseAnswer,
  },
  ChooseGateConditions: { aggregate: 'engagement', access: 'manage', subject: (d) => d.engagementId },
  AdvancePhase: {
    aggregate: 'engagement',
    access: 'manage',
    subject: (d) => d.engagementId,
    facts: async (load, d, state) => {
      const s = state as EngagementState;
      return s.status === 'active' && gateNeedsSurveyFacts(s.phase) ? { facts: await load.survey(d.engagementId) } : {};
    },
  },
  ScheduleInterview: {
    aggregate: 'interview',
    access: 'run-interviews',
    subject: (d) => d.interviewId,
    facts: async (load, d) => ({ facts: { engagement: await load.engagement(d.engagementId) } }),
    location: (d) => `/interviews/${d.interviewId}`,
  },
  RescheduleInterview: { aggregate: 'interview', access: 'run-interviews', subject: (d) => d.interviewId },
  CancelInterview: { aggregate: 'interview', access: 'run-interviews', subject: (d) => d.interviewId },
  RecordInterviewConducted: { aggregate: 'interview', access: 'run-interviews', subject: (d) => d.interviewId },
  RecordFinding: {
    aggregate: 'interview',
    access: 'run-interviews',
    subject: (d) => d.interviewId,
    location: (d) => `/interviews/${d.interviewId}/findings/${d.findingId}`,
    answer: fieldsOf('FindingRecorded', { findingId: '0195a7e2-51c4-7d8e-9a0b-000000000101' }),
  },
  DraftSummary: {
    aggregate: 'interview',
    access: 'run-interviews',
    subject: (d) => d.interviewId,
    answer: fieldsOf('SummaryDrafted', { summaryVersion: 1, summaryHash: HASH }),
  },
  SendSummaryForConfirmation: {
    aggregate: 'interview',
    access: 'run-interviews',
    subject: (d) => d.interviewId,
    answer: fieldsOf('SummarySentForConfirmation', { summaryVersion: 1, summaryHash: HASH }),
  },
  ConfirmSummary: {
    aggregate: 'interview',
    access: 'answer-summary',
    subject: (d) => d.interviewId,
    answer: fieldsOf('SummaryConfirmed', { summaryVersion: 1, summaryHash: HASH }),
  },
  RequestSummaryRevision: { aggregate: 'interview', access: 'answer-summary', subject: (d) => d.interviewId },
  IssueConfirmationLink: {
    aggregate: 'interview',
    access: 'run-interviews',
    subject: (d) => d.interviewId,
    answer: fieldsOf('ConfirmationLinkIssued', { linkId: '0195a7e2-51c4-7d8e-9a0b-000000000601', summaryVersion: 1, summaryHash: HASH, expiresAt: '2026-03-12T10:00:00.000Z' }),
  },
  RevokeConfirmationLink: { aggregate: 'interview', access: 'run-interviews', subject: (d) => d.interviewId },
  ConfirmSummaryByLink: {
    aggregate: 'interview',
    access: 'link-holder',
    subject: (d) => d.interviewId,
    answer: fieldsOf('SummaryConfirmed', { summaryVersion: 1, summaryHash: HASH }),
  },
  RequestSummaryRevisionByLink: { aggregate: 'interview', access: 'link-holder', subject: (d) => d.interviewId },
  CaptureRequirement: {
    aggregate: 'requirement',
    access: 'run-interviews',
    subject: (d) => d.requirementId,
    facts: async (load, d) => {
      const interviewIds = [...new Set(d.sources.map((s) => s.interviewId))];
      const interviews = await Promise.all(interviewIds.map(async (id) => [id, await load.interview(id)] as const));
      return { facts: { engagement: await load.engagement(d.engagementId), interviews: Object.fromEntries(interviews) } };
    },
    location: (d) => `/requirements/${d.requirementId}`,
  },
  ReviseRequirement: { aggregate: 'requirement', access: 'run-interviews', subject: (d) => d.requirementId, facts: ownEngagementAndBaselines },
  PrioritizeRequirement: {
    aggregate: 'requirement',
    access: 'manage',
    subject: (d) => d.requirementId,
    facts: ownEngagement,
    answer: fieldsOf('RequirementPrioritized', { score: 11 }),
  },
  AcceptRequirement: { aggregate: 'requirement', access: 'manage', subject: (d) => d.requirementId, facts: ownEngagement },
  DeferRequirement: { aggregate: 'requirement', access: 'manage', subject: (d) => d.requirementId, facts: ownEngagement },
  RejectRequirement: { aggregate: 'requirement', access: 'manage', subject: (d) => d.requirementId, facts: ownEngagement },
  RaiseChangeRequest: {
    aggregate: 'requirement',
    access: 'run-interviews',
    subject: (d) => d.requirementId,
    facts: ownEngagement,
    // A change request is read in its requirement.
    location: (d) => `/requirements/${d.requirementId}`,
    answer: fieldsOf('ChangeRequestRaised', { changeRequestId: '0195a7e2-51c4-7d8e-9a0b-000000000701' }),
  },
  ApproveChangeRequest: {
    aggregate: 'requirement',
    access: 'manage',
    subject: (d) => d.requirementId,
    facts: ownEngagementAndBaselines,
    answer: fieldsOf('ChangeRequestApproved', { suspectBaselineIds: ['0195a7e2-51c4-7d8e-9a0b-000000000801'] }),
  },
  RejectChangeRequest: { aggregate: 'requirement', access: 'manage', subject: (d) => d.requirementId, facts: ownEngagement },
  CreateBaseline: {
    aggregate: 'baseline',
    access: 'manage',
    subject: (d) => d.baselineId,
    facts: async (load, d) => {
      const [engagement, requirements] = await Promise.all([load.engagement(d.engagementId), load.requirements(d.engagementId)]);
      return { facts: { engagement, requirements } };
    },
    location: (d) => `/baselines/${d.baselineId}`,
    answer: {
      shape: { baselineHash: fieldOf('BaselineCreated', 'baselineHash'), requirements: z.number().int().min(1).describe('How many accepted requirements it froze') },
      example: { baselineHash: HASH, requirements: 8 },
      of: (events) => {
        const created = recorded(events, 'BaselineCreated');
        return { baselineHash: created?.baselineHash, requirements: created?.requirements.length };
      },
    },
  },
  SignBaseline: {
    aggregate: 'baseline',
    access: 'sign-baseline',
    subject: (d) => d.baselineId,
    facts: async (load, _d, state) => {
      const baseline = state as BaselineState;
      return { facts: { baselines: baseline.status === 'none' ? [] : await load.baselines(baseline.engagementId) } };
    },
    answer: {
      shape: {
        baselineHash: fieldOf('BaselineSignedOff', 'baselineHash'),
        status: z.enum(['signed', 'awaiting-signatures']).describe('signed once every signatory approved'),
      },
      example: { baselineHash: HASH, status: 'awaiting-signatures' },
      of: (events) => ({
        baselineHash: recorded(events, 'BaselineSignedOff')?.baselineHash,
        status: events.some((e) => e.type === 'BaselineSigned') ? 'signed' : 'awaiting-signatures',
      }),
    },
  },
  RejectBaseline: { aggregate: 'baseline', access: 'sign-baseline', subject: (d) => d.baselineId },
};

/** The engagement an event of this aggregate belongs to: its own id, or the one it was created in. */
export const engagementIdOf = (aggregate: Aggregate, data: Record<string, unknown>, state: { status: string }): string => {
  if (aggregate === 'engagement') return data['engagementId'] as string;
  return engagementOf(state as { status: string; engagementId?: string }) ?? (data['engagementId'] as string);
};
