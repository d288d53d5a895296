/**
 * `GET /requirements/:id`: the backlog item (same fields, same updates – `requirement-backlog.ts`
 * is applied first) plus the full history of the requirement: every priority it had, every
 * decision and every revision, each with when and by whom. A separate collection, so that the
 * backlog's documents stay small for listing and `asOf` replays.
 */
import type { Actor, DomainEvent, EventOfType, RecordedEvent } from '../contracts/index.js';
import { actorOf, defineProjection, type Update } from './define.js';
import { decisionOf, priorityOf, requirementBacklog, type BacklogItem, type Decision, type Priority } from './requirement-backlog.js';

export type PriorityRecord = Priority & { at: string; by: Actor; position: string };

/** The revisable fields that changed: their new values, and the values they replaced. */
export type RevisedFields = EventOfType<'RequirementRevised'>['data']['changes'];

export type Revision = {
  changes: RevisedFields;
  previous: RevisedFields;
  reason: string;
  at: string;
  by: Actor;
};

type History = { priorityHistory: PriorityRecord[]; decisions: Decision[]; revisions: Revision[] };

export type RequirementDocument = BacklogItem & History;

const noHistory = (): History => ({ priorityHistory: [], decisions: [], revisions: [] });

/** The backlog's update, then `record` adds what the event means for the history. */
const withHistory =
  <E extends DomainEvent>(record: (history: History, event: RecordedEvent<E>) => History = (history) => history): Update<RequirementDocument, E> =>
  (document, event, id) => {
    const item = requirementBacklog.apply(document, event, id);
    if (item === undefined) return undefined;
    const { priorityHistory, decisions, revisions } = document ?? noHistory();
    return { ...item, ...record({ priorityHistory, decisions, revisions }, event) };
  };

const copyFields = (fields: RevisedFields): RevisedFields =>
  fields.departments === undefined ? { ...fields } : { ...fields, departments: [...fields.departments] };

const decided = withHistory<EventOfType<'RequirementAccepted' | 'RequirementDeferred' | 'RequirementRejected'>>((history, event) => ({
  ...history,
  decisions: [...history.decisions, decisionOf(event)],
}));

export const requirementDocument = defineProjection<RequirementDocument>({
  name: 'requirements',
  route: requirementBacklog.route,
  on: {
    RequirementCaptured: withHistory(),
    RequirementRevised: withHistory((history, event) => ({
      ...history,
      revisions: [
        ...history.revisions,
        {
          changes: copyFields(event.data.changes),
          previous: copyFields(event.data.previous),
          reason: event.data.reason,
          at: event.occurredAt,
          by: actorOf(event),
        },
      ],
    })),
    RequirementPrioritized: withHistory((history, event) => ({
      ...history,
      priorityHistory: [
        ...history.priorityHistory,
        { ...priorityOf(event), at: event.occurredAt, by: actorOf(event), position: event.position },
      ],
    })),
    RequirementAccepted: decided,
    RequirementDeferred: decided,
    RequirementRejected: decided,
  },
});
