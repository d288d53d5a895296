/**
 * `GET /engagements/:id`: one document per engagement (id = engagementId) – what was agreed at
 * the start, where the engagement stands, and its readiness assessment.
 */
import type { Actor, EngagementRole, Phase } from '../contracts/index.js';
import { actorOf, defineProjection, documentBase, existing, versioned } from './define.js';
import type { ReadDocument } from './projection.js';
import { assessReadiness, unassessedReadiness, type ReadinessAssessment } from './readiness.js';

export type TeamMemberView = {
  userId: string;
  name: string;
  role: EngagementRole;
  workgroup?: string;
  department?: string;
  /** When they joined the team. */
  since: string;
  /** When their role, workgroup or department last changed. */
  changedAt?: string;
};

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
  /** The team, in the order people joined; `memberIds` repeats their ids for "engagements I am in". */
  team: TeamMemberView[];
  memberIds: string[];
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
        team: [],
        memberIds: [],
        version: event.revision,
        updatedAt: event.occurredAt,
      };
    },
    ReadinessRecorded: existing((engagement, event) =>
      versioned({ ...engagement, readiness: assessReadiness(engagement.readiness, event) }, event),
    ),
    PhaseAdvanced: existing((engagement, event) => versioned({ ...engagement, currentPhase: event.data.to }, event)),
    MemberAdded: existing((engagement, event) => {
      const { userId, name, role, workgroup, department } = event.data;
      const member: TeamMemberView = { userId, name, role, ...optional({ workgroup, department }), since: event.occurredAt };
      return versioned(withTeam(engagement, [...(engagement.team ?? []).filter((m) => m.userId !== userId), member]), event);
    }),
    MemberRoleChanged: existing((engagement, event) => {
      const { userId, name, role, workgroup, department } = event.data;
      const team = (engagement.team ?? []).map((m) =>
        m.userId === userId ? { userId, name, role, ...optional({ workgroup, department }), since: m.since, changedAt: event.occurredAt } : m,
      );
      return versioned(withTeam(engagement, team), event);
    }),
    MemberRemoved: existing((engagement, event) =>
      versioned(withTeam(engagement, (engagement.team ?? []).filter((m) => m.userId !== event.data.userId)), event),
    ),
    // Goals with their ids and the scorecard are in the progress; here the texts, and the version
    // every event of the engagement's stream moves on.
    GoalAdded: existing((engagement, event) => versioned({ ...engagement, goals: [...engagement.goals, event.data.text] }, event)),
    SuccessTargetAdded: existing((engagement, event) => versioned(engagement, event)),
    SuccessTargetRevised: existing((engagement, event) => versioned(engagement, event)),
    MeasurementRecorded: existing((engagement, event) => versioned(engagement, event)),
    BusinessCaseSet: existing((engagement, event) => versioned(engagement, event)),
    GateConditionsChosen: existing((engagement, event) => versioned(engagement, event)),
  },
});

const optional = (fields: { workgroup?: string | undefined; department?: string | undefined }) => ({
  ...(fields.workgroup === undefined ? {} : { workgroup: fields.workgroup }),
  ...(fields.department === undefined ? {} : { department: fields.department }),
});

const withTeam = (engagement: EngagementDocument, team: TeamMemberView[]): EngagementDocument => ({
  ...engagement,
  team,
  memberIds: team.map((m) => m.userId),
});
