/**
 * Every command the service handles: which aggregate decides it, which facts from other streams
 * it is judged on, and what its answer carries besides id, version and position.
 */
import type {
  BaselineCommand,
  DomainEvent,
  DomainEventType,
  EngagementCommand,
  EventOfType,
  InterviewCommand,
  RequirementCommand,
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
  answer?: (events: readonly DomainEvent[]) => Record<string, unknown>;
};

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

const dataOf = <T extends DomainEventType>(events: readonly DomainEvent[], type: T): EventOfType<T>['data'] | undefined =>
  events.find((e): e is EventOfType<T> => e.type === type)?.data as EventOfType<T>['data'] | undefined;

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
    answer: (events) => ({ goalId: dataOf(events, 'GoalAdded')?.goalId }),
  },
  AddSuccessTarget: {
    aggregate: 'engagement',
    access: 'manage',
    subject: (d) => d.engagementId,
    location: (d) => `/engagements/${d.engagementId}/progress`,
    answer: (events) => ({ targetId: dataOf(events, 'SuccessTargetAdded')?.targetId }),
  },
  ReviseSuccessTarget: {
    aggregate: 'engagement',
    access: 'manage',
    subject: (d) => d.engagementId,
    answer: (events) => ({ status: dataOf(events, 'SuccessTargetRevised')?.status }),
  },
  RecordMeasurement: {
    aggregate: 'engagement',
    access: 'manage',
    subject: (d) => d.engagementId,
    answer: (events) => {
      const measured = dataOf(events, 'MeasurementRecorded');
      return { measurementId: measured?.measurementId, status: measured?.status };
    },
  },
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
    answer: (events) => ({ findingId: dataOf(events, 'FindingRecorded')?.findingId }),
  },
  DraftSummary: {
    aggregate: 'interview',
    access: 'run-interviews',
    subject: (d) => d.interviewId,
    answer: (events) => {
      const drafted = dataOf(events, 'SummaryDrafted');
      return { summaryVersion: drafted?.summaryVersion, summaryHash: drafted?.summaryHash };
    },
  },
  SendSummaryForConfirmation: {
    aggregate: 'interview',
    access: 'run-interviews',
    subject: (d) => d.interviewId,
    answer: (events) => {
      const sent = dataOf(events, 'SummarySentForConfirmation');
      return { summaryVersion: sent?.summaryVersion, summaryHash: sent?.summaryHash };
    },
  },
  ConfirmSummary: {
    aggregate: 'interview',
    access: 'answer-summary',
    subject: (d) => d.interviewId,
    answer: (events) => {
      const confirmed = dataOf(events, 'SummaryConfirmed');
      return { summaryVersion: confirmed?.summaryVersion, summaryHash: confirmed?.summaryHash };
    },
  },
  RequestSummaryRevision: { aggregate: 'interview', access: 'answer-summary', subject: (d) => d.interviewId },
  IssueConfirmationLink: {
    aggregate: 'interview',
    access: 'run-interviews',
    subject: (d) => d.interviewId,
    answer: (events) => {
      const issued = dataOf(events, 'ConfirmationLinkIssued');
      return { linkId: issued?.linkId, summaryVersion: issued?.summaryVersion, summaryHash: issued?.summaryHash, expiresAt: issued?.expiresAt };
    },
  },
  RevokeConfirmationLink: { aggregate: 'interview', access: 'run-interviews', subject: (d) => d.interviewId },
  ConfirmSummaryByLink: {
    aggregate: 'interview',
    access: 'link-holder',
    subject: (d) => d.interviewId,
    answer: (events) => {
      const confirmed = dataOf(events, 'SummaryConfirmed');
      return { summaryVersion: confirmed?.summaryVersion, summaryHash: confirmed?.summaryHash };
    },
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
    answer: (events) => ({ score: dataOf(events, 'RequirementPrioritized')?.score }),
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
    answer: (events) => ({ changeRequestId: dataOf(events, 'ChangeRequestRaised')?.changeRequestId }),
  },
  ApproveChangeRequest: {
    aggregate: 'requirement',
    access: 'manage',
    subject: (d) => d.requirementId,
    facts: ownEngagementAndBaselines,
    answer: (events) => ({ suspectBaselineIds: dataOf(events, 'ChangeRequestApproved')?.suspectBaselineIds }),
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
    answer: (events) => {
      const created = dataOf(events, 'BaselineCreated');
      return { baselineHash: created?.baselineHash, requirements: created?.requirements.length };
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
    answer: (events) => ({
      baselineHash: dataOf(events, 'BaselineSignedOff')?.baselineHash,
      status: events.some((e) => e.type === 'BaselineSigned') ? 'signed' : 'awaiting-signatures',
    }),
  },
  RejectBaseline: { aggregate: 'baseline', access: 'sign-baseline', subject: (d) => d.baselineId },
};

/** The engagement an event of this aggregate belongs to: its own id, or the one it was created in. */
export const engagementIdOf = (aggregate: Aggregate, data: Record<string, unknown>, state: { status: string }): string => {
  if (aggregate === 'engagement') return data['engagementId'] as string;
  return engagementOf(state as { status: string; engagementId?: string }) ?? (data['engagementId'] as string);
};
