/**
 * `GET /engagements/:id`: one document per engagement (id = engagementId) – what was agreed at
 * the start, where the engagement stands, and its readiness assessment.
 */
import type { Actor, Phase } from '../contracts/index.js';
import { actorOf, defineProjection, documentBase, existing, versioned } from './define.js';
import type { ReadDocument } from './projection.js';
import { assessReadiness, unassessedReadiness, type ReadinessAssessment } from './readiness.js';

export type EngagementDocument = ReadDocument & {
  name: string;
  client: string;
  sponsor: { name: string; title: string };
  goals: string[];
  successCriteria: string[];
  currentPhase: Phase;
  readiness: ReadinessAssessment[];
  startedAt: string;
  startedBy: Actor;
  /** Revision of the engagement stream after the last event applied (the ETag of commands). */
  version: number;
  updatedAt: string;
};

export const engagementDocument = defineProjection<EngagementDocument>({
  name: 'engagements',
  route: (event) => [event.engagementId],
  on: {
    EngagementStarted: (_, event, id) => {
      const { name, client, sponsor, goals, successCriteria } = event.data;
      return {
        ...documentBase(event, id),
        name,
        client,
        sponsor: { name: sponsor.name, title: sponsor.title },
        goals: [...goals],
        successCriteria: [...successCriteria],
        currentPhase: 'concept-introduction',
        readiness: unassessedReadiness(),
        startedAt: event.occurredAt,
        startedBy: actorOf(event),
        version: event.revision,
        updatedAt: event.occurredAt,
      };
    },
    ReadinessRecorded: existing((engagement, event) =>
      versioned({ ...engagement, readiness: assessReadiness(engagement.readiness, event) }, event),
    ),
    PhaseAdvanced: existing((engagement, event) => versioned({ ...engagement, currentPhase: event.data.to }, event)),
  },
});
