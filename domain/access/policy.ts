/**
 * Who may do what, where (docs/domain.md#access): organisation roles in the token say *what* a
 * person may do, membership of an engagement's team says *where*. One table of rules, judged on
 * whatever the caller knows of the team: the log at decision time for commands, the read models
 * for queries.
 *
 * - A token with no known role is forbidden everything.
 * - An engagement the caller may not see answers "not found": its existence is not revealed.
 * - `admin` sees and does everything; `pmo` sees everything and writes nothing.
 * - Verifying an engagement's history and exporting it signed are for `pmo` and `admin` alone:
 *   they are audit tools, answered for whoever audits, not for the team being audited.
 * - Members see their engagement; `pm`, `consultant` and `observer` members see all of its records,
 *   `stakeholder` members its overview, progress and backlog.
 * - A member's engagement role grants writes only as far as the token's roles go: running
 *   interviews needs the `consultant` or `pm` role, managing the engagement the `pm` role.
 * - The interviewee sees their own interview (member or not). Who may answer a summary is the
 *   interview's own rule (the interviewee alone, never its drafter or sender).
 */
import type { Actor, EngagementRole, Role } from '../../contracts/index.js';

export const ACCESS = [
  /** Start an engagement. */
  'start-engagement',
  /** An engagement's overview, progress and backlog. */
  'see-overview',
  /** Everything recorded in an engagement: interviews, requirements, audit trail, team. */
  'read-records',
  /** One interview: `read-records`, or its interviewee. */
  'read-interview',
  /** Schedule and run interviews, record findings, draft and send summaries, capture and revise requirements. */
  'run-interviews',
  /** Readiness, phases, prioritizing and deciding requirements, the team. */
  'manage',
  /** Confirm a summary or ask for its revision. */
  'answer-summary',
  /** Verify the chained history, export the signed audit trail. */
  'audit-proof',
  /** Sign off or reject a baseline; the baseline itself admits only its signatories (docs/domain.md#baselines). */
  'sign-baseline',
] as const;
export type Access = (typeof ACCESS)[number];

export type TeamMember = { role: EngagementRole };
/** The team by user id. */
export type Team = Readonly<Record<string, TeamMember>>;

export type Scope = {
  /** The team of the engagement addressed; undefined when there is no such engagement. */
  team: Team | undefined;
  /** The interviewee's user id, when an interview is addressed. */
  intervieweeId?: string | undefined;
};

export type Verdict = { allowed: true } | { allowed: false; code: 'forbidden' | 'not-found'; reason: string };

/** The organisation roles that can hold each access somewhere, checked before anything is looked up. */
export const ROLES_FOR: Record<Access, readonly Role[]> = {
  'start-engagement': ['pm', 'admin'],
  'see-overview': ['consultant', 'stakeholder', 'pm', 'pmo', 'admin'],
  'read-records': ['consultant', 'stakeholder', 'pm', 'pmo', 'admin'],
  'read-interview': ['consultant', 'stakeholder', 'pm', 'pmo', 'admin'],
  'run-interviews': ['consultant', 'pm', 'admin'],
  manage: ['pm', 'admin'],
  // pmo writes nothing, not even as an interviewee; a token with pmo and stakeholder answers as the stakeholder.
  'answer-summary': ['consultant', 'stakeholder', 'pm', 'admin'],
  'audit-proof': ['pmo', 'admin'],
  'sign-baseline': ['consultant', 'stakeholder', 'pm', 'admin'],
};

/** The engagement roles whose members hold each access in their engagement (given the token's roles allow it). */
export const MEMBER_ROLES_FOR: Record<Exclude<Access, 'start-engagement'>, readonly EngagementRole[]> = {
  'see-overview': ['pm', 'consultant', 'stakeholder', 'observer'],
  'read-records': ['pm', 'consultant', 'observer'],
  'read-interview': ['pm', 'consultant', 'observer'],
  'run-interviews': ['pm', 'consultant'],
  manage: ['pm'],
  'answer-summary': ['pm', 'consultant', 'stakeholder', 'observer'],
  'audit-proof': [],
  'sign-baseline': ['pm', 'consultant', 'stakeholder'],
};

const ALLOWED: Verdict = { allowed: true };
const forbidden = (reason: string): Verdict => ({ allowed: false, code: 'forbidden', reason });
const hidden: Verdict = { allowed: false, code: 'not-found', reason: 'no such engagement, or it is not yours to see' };

const has = (actor: Actor, roles: readonly Role[]) => actor.roles.some((role) => roles.includes(role));

/** Whether the token's roles could grant `access` anywhere: the first check, before any lookup. */
export const mayEver = (access: Access, actor: Actor): Verdict => {
  if (actor.roles.length === 0) return forbidden('your token carries none of the roles consultant, stakeholder, pm, pmo, admin');
  return has(actor, ROLES_FOR[access]) ? ALLOWED : forbidden(`this needs one of the roles ${ROLES_FOR[access].join(', ')}`);
};

/** Admins and the PMO see every engagement; everyone else the ones whose team they are in. */
export const seesEveryEngagement = (actor: Actor) => has(actor, ['admin', 'pmo']);

export const judge = (access: Access, actor: Actor, scope?: Scope): Verdict => {
  const first = mayEver(access, actor);
  if (!first.allowed || access === 'start-engagement') return first;
  if (scope?.team === undefined) return hidden;
  const admin = has(actor, ['admin']);
  const pmo = has(actor, ['pmo']);
  const member = scope.team[actor.id];
  const interviewee = scope.intervieweeId !== undefined && scope.intervieweeId === actor.id;
  const personal = interviewee && (access === 'read-interview' || access === 'answer-summary');
  if (!admin && !pmo && !member && !personal) return hidden;
  if (admin || personal) return ALLOWED;
  if (pmo && (access === 'see-overview' || access === 'read-records' || access === 'read-interview' || access === 'answer-summary' || access === 'audit-proof')) {
    return ALLOWED;
  }
  if (member && MEMBER_ROLES_FOR[access].includes(member.role) && has(actor, ROLES_FOR[access])) return ALLOWED;
  if (!member) return forbidden('the pmo role reads every engagement and writes nothing');
  return forbidden(`as ${member.role} of this engagement${has(actor, ROLES_FOR[access]) ? '' : ` with the roles ${actor.roles.join(', ')}`} you may not do this`);
};
