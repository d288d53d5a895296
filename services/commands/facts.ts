/**
 * The facts from other streams a command is judged on (docs/domain.md#rules-that-span-aggregates),
 * read from the log as it stands at decision time: an engagement or an interview from the stream
 * states the command bus keeps, an engagement's requirements, baselines and survey folded from its
 * streams.
 */
import type { z } from 'zod';
import { BaselineEvent, InterviewEvent, type RecordedEvent, RequirementEvent } from '../../contracts/index.js';
import {
  baselineDecider,
  engagementDecider,
  interviewDecider,
  requirementDecider,
  type BaselineState,
  type InterviewState,
  type RequirementState,
  type SurveyFacts,
} from '../../domain/index.js';
import { streamName, type EventStore } from '../../infra/event-store/port.js';
import type { AggregateStates } from './aggregate-states.js';
import type { FactLoader } from './spec.js';

type Fold<S, E> = { initialState: () => S; evolve: (state: S, event: E) => S };

/** Whether an event of the log is one of an aggregate's own, as its contract lists them. */
const eventsOf = <U extends z.ZodDiscriminatedUnion<z.ZodObject<{ type: z.ZodLiteral<string> }>[]>>(contract: U) => {
  const types = new Set<string>(contract.options.map((option) => option.shape.type.value));
  return (event: RecordedEvent): event is RecordedEvent & z.infer<U> => types.has(event.type);
};
const isInterviewEvent = eventsOf(InterviewEvent);
const isRequirementEvent = eventsOf(RequirementEvent);
const isBaselineEvent = eventsOf(BaselineEvent);

export class LogFacts implements FactLoader {
  constructor(
    private readonly store: EventStore,
    private readonly states: AggregateStates,
  ) {}

  async engagement(engagementId: string) {
    return (await this.states.load(streamName.engagement(engagementId), engagementDecider)).state;
  }

  async interview(interviewId: string) {
    return (await this.states.load(streamName.interview(interviewId), interviewDecider)).state;
  }

  async baselines(engagementId: string): Promise<BaselineState[]> {
    return [...(await this.fold(engagementId, streamName.baseline(''), baselineDecider, isBaselineEvent)).values()].map((s) => s.state);
  }

  async requirements(engagementId: string) {
    const folded = await this.fold(engagementId, streamName.requirement(''), requirementDecider, isRequirementEvent);
    return [...folded.values()].flatMap(({ state, revision }) => (state.status === 'none' ? [] : [{ ...state, version: revision }]));
  }

  /** The gate facts of one engagement, folded from its interview and requirement streams as they stand. */
  async survey(engagementId: string): Promise<SurveyFacts> {
    const interviews = new Map<string, InterviewState>();
    const requirements = new Map<string, RequirementState>();
    for await (const event of this.store.readEngagement(engagementId, { streamPrefixes: ['interview-', 'requirement-'] })) {
      if (isInterviewEvent(event)) {
        interviews.set(event.streamId, interviewDecider.evolve(interviews.get(event.streamId) ?? interviewDecider.initialState(), event));
      } else if (isRequirementEvent(event)) {
        requirements.set(event.streamId, requirementDecider.evolve(requirements.get(event.streamId) ?? requirementDecider.initialState(), event));
      }
    }
    return {
      interviews: [...interviews.values()].flatMap((s) =>
        s.status === 'none' ? [] : [{ interviewId: s.interviewId, status: s.status, department: s.interviewee.department }],
      ),
      requirements: [...requirements.values()].flatMap((s) =>
        s.status === 'none' ? [] : [{ requirementId: s.requirementId, status: s.status, departments: s.departments }],
      ),
    };
  }

  /** The engagement's streams of one aggregate, each folded from the log as it stands, with its revision. */
  private async fold<S, E>(
    engagementId: string,
    streamPrefix: string,
    decider: Fold<S, E>,
    own: (event: RecordedEvent) => event is RecordedEvent & E,
  ): Promise<Map<string, { state: S; revision: number }>> {
    const folded = new Map<string, { state: S; revision: number }>();
    for await (const event of this.store.readEngagement(engagementId, { streamPrefixes: [streamPrefix] })) {
      if (!own(event)) continue;
      folded.set(event.streamId, { state: decider.evolve(folded.get(event.streamId)?.state ?? decider.initialState(), event), revision: event.revision });
    }
    return folded;
  }
}
