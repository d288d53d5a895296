/**
 * A command's spec, one per aggregate (specs/): which decider judges the command and on which
 * stream, what the caller needs, the facts from other streams it is judged on, its HTTP route and
 * what its answer carries besides id, version and position. Routes, the command bus and answers
 * are derived from the specs; the types tie each command type to its data, its state and the
 * command its decider receives.
 */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  type BaselineCommand,
  type CommandMetadata,
  DomainEvent,
  type DomainEventType,
  type EngagementCommand,
  type EventOfType,
  type InterviewCommand,
  type RequirementCommand,
} from '../../contracts/index.js';
import type {
  Access,
  BaselineCommandWithContext,
  BaselineState,
  EngagementCommandWithContext,
  EngagementState,
  InterviewCommandWithContext,
  InterviewState,
  RequirementAtVersion,
  RequirementCommandWithContext,
  RequirementState,
  SurveyFacts,
} from '../../domain/index.js';
import type { IdSource } from './ids.js';

export type AnyCommand = EngagementCommand | InterviewCommand | RequirementCommand | BaselineCommand;
export type CommandType = AnyCommand['type'];
export type CommandData<T extends CommandType> = Extract<AnyCommand, { type: T }>['data'];

/** The command as its decider receives it: what was sent, who sent it and when, and the facts it is judged on. */
export type JudgedCommand<T extends CommandType> = Extract<
  EngagementCommandWithContext | InterviewCommandWithContext | RequirementCommandWithContext | BaselineCommandWithContext,
  { type: T }
>;

/** The state of the stream a command addresses. */
export type StateOf<T extends CommandType> = T extends EngagementCommand['type']
  ? EngagementState
  : T extends InterviewCommand['type']
    ? InterviewState
    : T extends RequirementCommand['type']
      ? RequirementState
      : BaselineState;

/** A command as it was sent: its type and data, who sent it and when. */
export type Sent<T extends CommandType> = { type: T; data: CommandData<T>; metadata: CommandMetadata };

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

export type AggregateName = 'engagement' | 'interview' | 'requirement' | 'baseline';

/**
 * What the commands of one aggregate share: the decider that judges them, the stream of each
 * instance, the engagement a command acts in, and the resource their routes are listed under.
 */
export type Aggregate<State, Judged, Data> = {
  name: AggregateName;
  decider: {
    initialState: () => State;
    decide: (command: Judged, state: State) => DomainEvent[];
    // Deciders fold stored events of their own streams only.
    evolve: (state: State, event: never) => State;
    fromSnapshot?: (stored: unknown) => State;
  };
  stream: (id: string) => string;
  /** The engagement a command acts in: the one its stream belongs to, or the one it names when it creates the stream. */
  engagementOf: (state: State, data: Data) => string | undefined;
  /** Who gave the interview, for the access rules that let interviewees answer their own summaries. */
  intervieweeOf?: (state: State) => string | undefined;
  resource: 'engagements' | 'interviews' | 'requirements' | 'baselines';
};

/** What the verified identity says about the caller besides who they are. */
export type Caller = { authenticatedAt: string | undefined };

/** A command's route: `POST url`, its body and a realistic example of it, and how the command's data is made of the request. */
export type CommandRoute<T extends CommandType, Body extends z.ZodType> = {
  url: string;
  summary: string;
  body: Body;
  /** A realistic request, shown in the OpenAPI document (and checked against the body schema by the tests). */
  example: z.input<Body>;
  toData: (id: string, body: RequestBody<Body>, ids: IdSource, params: Record<string, string>, caller: Caller) => CommandData<T>;
};

/** A request's body as fastify types it once its schema's validator made it the schema's output. */
export type RequestBody<Body extends z.ZodType> = FastifyRequest<{ Body: z.output<Body> }>['body'];

/** A command's route with its body schema's type kept: `use` receives it as it was declared. */
export type HttpRow<T extends CommandType> = <R>(use: <Body extends z.ZodType>(route: CommandRoute<T, Body>) => R) => R;

/** Declares a command's route (see `HttpRow`). */
export const route =
  <T extends CommandType, Body extends z.ZodType>(declared: CommandRoute<T, Body>): HttpRow<T> =>
  (use) =>
    use(declared);

export type CommandSpec<T extends CommandType> = {
  of: Aggregate<StateOf<T>, JudgedCommand<T>, CommandData<T>>;
  /**
   * What the caller needs in the engagement (docs/domain.md#access), judged on the log at decision
   * time; `link-holder`: the command carries a confirmation link, which the decider itself judges.
   */
  access: Access | 'link-holder';
  /** The id of the aggregate the command addresses. */
  subject: (data: CommandData<T>) => string;
  /** The command as its decider judges it: as sent (`asSent`), or with the facts from other streams it is judged on. */
  judged: (sent: Sent<T>, load: FactLoader, state: StateOf<T>) => Promise<JudgedCommand<T>>;
  /** Set for commands that create a resource: answered with 201 and this Location. */
  location?: (data: CommandData<T>) => string;
  /** For commands that create or else update: whether these events created the resource (201) or not (200). */
  created?: (events: readonly DomainEvent[]) => boolean;
  /** Fields the answer carries besides id, version and position. */
  answer?: Answer;
  /** Its route; none: it has routes of its own (a confirmation link's commands, plugins/confirmations.ts). */
  http?: HttpRow<T>;
};

/** The specs of a set of commands, each tied to its own type. */
export type CommandSpecs<K extends CommandType> = { [T in K]: CommandSpec<T> };

/** The commands of one aggregate: their types in the order of their contract, and their specs. */
export type AggregateSpec<K extends CommandType> = { types: readonly K[]; commands: CommandSpecs<K> };

/** The spec of an aggregate's commands, listed in the order of the contract that names them. */
export const aggregateSpec = <K extends CommandType>(
  contract: { options: readonly { shape: { type: { value: K } } }[] },
  commands: CommandSpecs<K>,
): AggregateSpec<K> => ({ types: contract.options.map((option) => option.shape.type.value), commands });

/** A command judged on its own stream alone. */
export const asSent = async <C>(sent: C): Promise<C> => sent;

/** Fields of one event the command records: their schema and an example (for the OpenAPI document), and their values. */
export type Answer = { shape: z.ZodRawShape; example: Record<string, unknown>; of: (events: readonly DomainEvent[]) => Record<string, unknown> };

/** The schema of one field of an event's data, as the event's contract states it. */
export const fieldOf = <T extends DomainEventType>(type: T, field: keyof EventOfType<T>['data'] & string): z.ZodType => schemaOfField(type, field);

const schemaOfField = (type: DomainEventType, field: string): z.ZodType => {
  const shape: Record<string, unknown> = DomainEvent.options.find((option) => option.shape.type.value === type)?.shape.data.shape ?? {};
  const schema = shape[field];
  if (!(schema instanceof z.ZodType)) throw new Error(`${type} has no field ${field}`);
  return schema;
};

/**
 * The answer carries the fields `example` names of the `type` event the command recorded, as that
 * event's contract states them.
 */
export const fieldsOf = <T extends DomainEventType>(type: T, example: Partial<EventOfType<T>['data']>): Answer => {
  const fields = Object.keys(example);
  return {
    shape: Object.fromEntries(fields.map((field) => [field, schemaOfField(type, field)])),
    example,
    of: (events) => {
      const data: Record<string, unknown> | undefined = recorded(events, type)?.data;
      return Object.fromEntries(fields.map((field) => [field, data?.[field]]));
    },
  };
};

/** The event of `type` among the events a command recorded. */
export const recorded = <T extends DomainEventType>(events: readonly DomainEvent[], type: T): EventOfType<T> | undefined =>
  events.find((e): e is EventOfType<T> => e.type === type);

export const HASH = '9f2c4e0a7b1d3c5e6f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6';

/**
 * The engagement a stream created in an engagement belongs to; before the stream exists, the one
 * the command that creates it names.
 */
export const engagementOfStream = (state: { status: 'none' } | { engagementId: string }, data: object): string | undefined =>
  'engagementId' in state ? state.engagementId : 'engagementId' in data && typeof data.engagementId === 'string' ? data.engagementId : undefined;
