/**
 * The readiness assessment (seed 002) as both the engagement document and the phase progress
 * show it: every item, in the order of `READINESS_ITEMS`, assessed or not yet.
 */
import {
  READINESS_ITEMS,
  type Actor,
  type EventOfType,
  type ReadinessItem,
  type ReadinessStatus,
  type RecordedEvent,
} from '../contracts/index.js';
import { actorOf } from './define.js';

export type ReadinessAssessment = {
  item: ReadinessItem;
  status: ReadinessStatus | 'not-assessed';
  evidence: string | null;
  recordedAt: string | null;
  recordedBy: Actor | null;
};

export const unassessedReadiness = (): ReadinessAssessment[] =>
  READINESS_ITEMS.map((item) => ({ item, status: 'not-assessed', evidence: null, recordedAt: null, recordedBy: null }));

/** The latest assessment of an item replaces the previous one, evidence included. */
export const assessReadiness = (
  readiness: readonly ReadinessAssessment[],
  event: RecordedEvent<EventOfType<'ReadinessRecorded'>>,
): ReadinessAssessment[] =>
  readiness.map((entry) =>
    entry.item === event.data.item
      ? {
          item: entry.item,
          status: event.data.status,
          evidence: event.data.evidence ?? null,
          recordedAt: event.occurredAt,
          recordedBy: actorOf(event),
        }
      : entry,
  );
