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

/** A change request (docs/domain.md#change-requests) and its decision, if any. */
export type ChangeRequestRecord = {
  changeRequestId: string;
  status: 'raised' | 'approved' | 'rejected';
  description: string;
  reason: string;
  impact: string;
  changes: RevisedFields;
  raisedAt: string;
  raisedBy: Actor;
  decidedAt: string | null;
  decidedBy: Actor | null;
  decisionReason: string | null;
  /** The signed baselines the approval made suspect: change request → baseline. */
  suspectBaselineIds: string[];
};

type History = { priorityHistory: PriorityRecord[]; decisions: Decision[]; revisions: Revision[]; changeRequests: ChangeRequestRecord[] };

export type RequirementDocument = BacklogItem & History;

const noHistory = (): History => ({ priorityHistory: [], decisions: [], revisions: [], changeRequests: [] });

/** The backlog's update, then `record` adds what the event means for the history. */
const withHistory =
  <E extends DomainEvent>(record: (history: History, event: RecordedEvent<E>) => History = (history) => history): Update<RequirementDocument, E> =>
  (document, event, id) => {
    const item = requirementBacklog.apply(document, event, id);
    if (item === undefined) return undefined;
    const { priorityHistory, decisions, revisions, changeRequests = [] } = document ?? noHistory();
    return { ...item, ...record({ priorityHistory, decisions, revisions, changeRequests }, event) };
  };

const copyFields = (fields: RevisedFields): RevisedFields =>
  fields.departments === undefined ? { ...fields } : { ...fields, departments: [...fields.departments] };

const decided = withHistory<EventOfType<'RequirementAccepted' | 'RequirementDeferred' | 'RequirementRejected'>>((history, event) => ({
  ...history,
  decisions: [...history.decisions, decisionOf(event)],
}));

const decideRequest = (
  history: History,
  event: RecordedEvent<EventOfType<'ChangeRequestApproved' | 'ChangeRequestRejected'>>,
  change: Pick<ChangeRequestRecord, 'status' | 'decisionReason' | 'suspectBaselineIds'>,
): History => ({
  ...history,
  changeRequests: history.changeRequests.map((request) =>
    request.changeRequestId === event.data.changeRequestId ? { ...request, ...change, decidedAt: event.occurredAt, decidedBy: actorOf(event) } : request,
  ),
});

/** Change requests are no backlog concern: the document's own updates, with its position and version. */
const ownHistory =
  <E extends EventOfType<'ChangeRequestRaised' | 'ChangeRequestApproved' | 'ChangeRequestRejected'>>(record: (history: History, event: RecordedEvent<E>) => History): Update<RequirementDocument, E> =>
  (document, event) =>
    document === undefined
      ? undefined
      : { ...document, ...record({ ...noHistory(), ...document }, event), position: event.position, version: event.revision, updatedAt: event.occurredAt };

export const requirementDocument = defineProjection<RequirementDocument>({
  name: 'requirements',
  route: (event) => ('requirementId' in event.data ? [event.data.requirementId] : []),
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
    ChangeRequestRaised: ownHistory((history, event) => ({
      ...history,
      changeRequests: [
        ...history.changeRequests,
        {
          changeRequestId: event.data.changeRequestId,
          status: 'raised',
          description: event.data.description,
          reason: event.data.reason,
          impact: event.data.impact,
          changes: copyFields(event.data.changes),
          raisedAt: event.occurredAt,
          raisedBy: actorOf(event),
          decidedAt: null,
          decidedBy: null,
          decisionReason: null,
          suspectBaselineIds: [],
        },
      ],
    })),
    ChangeRequestApproved: ownHistory((history, event) =>
      decideRequest(history, event, { status: 'approved', decisionReason: event.data.reason ?? null, suspectBaselineIds: [...event.data.suspectBaselineIds] }),
    ),
    ChangeRequestRejected: ownHistory((history, event) => decideRequest(history, event, { status: 'rejected', decisionReason: event.data.reason, suspectBaselineIds: [] })),
  },
});
