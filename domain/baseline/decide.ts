import type { BaselineCommand, BaselineEvent, FrozenRequirement, Signatory } from '../../contracts/index.js';
import { reject, unreachable, type WithMetadata } from '../decider.js';
import { openEngagement } from '../engagement/decide.js';
import type { EngagementState } from '../engagement/state.js';
import type { ExistingRequirement } from '../requirement/state.js';
import { baselineHash } from './baseline-hash.js';
import type { BaselineState, ExistingBaseline } from './state.js';

type Of<T extends BaselineCommand['type']> = WithMetadata<Extract<BaselineCommand, { type: T }>>;

/** A requirement as the log holds it at decision time, with its stream revision. */
export type RequirementAtVersion = ExistingRequirement & { version: number };

export type BaselineCommandWithContext =
  | (Of<'CreateBaseline'> & { facts: { engagement: EngagementState; requirements: readonly RequirementAtVersion[] } })
  | (Of<'SignBaseline'> & { facts: { baselines: readonly BaselineState[] } })
  | Of<'RejectBaseline'>;

/** A sign-off is an electronic signature: the signer authenticated within this long (docs/domain.md#baselines). */
export const FRESH_SIGN_IN_MS = 5 * 60_000;

/** Team roles whose members may sign: everyone who may write (an observer writes nothing). */
const SIGNING_ROLES = new Set(['pm', 'consultant', 'stakeholder']);

const existing = (state: BaselineState, baselineId: string): ExistingBaseline =>
  state.status === 'none' ? reject('not-found', `baseline ${baselineId} does not exist`) : state;

/** The baseline still takes signatures, and the caller is one of its signatories. */
const awaitingSignatory = (state: BaselineState, baselineId: string, actorId: string): ExistingBaseline => {
  const baseline = existing(state, baselineId);
  if (baseline.status === 'rejected') return reject('baseline-rejected', `baseline ${baselineId} was rejected; a new baseline takes its place`);
  if (baseline.status === 'signed') return reject('baseline-already-signed', `baseline ${baselineId} is already signed`);
  if (!baseline.signatories.some((s) => s.userId === actorId)) {
    return reject('not-a-signatory', `you are not a signatory of baseline ${baselineId}; its signatories sign it themselves`, {
      signatories: baseline.signatories.map((s) => s.userId),
    });
  }
  return baseline;
};

const frozen = (r: RequirementAtVersion): FrozenRequirement => ({
  requirementId: r.requirementId,
  version: r.version,
  title: r.title,
  description: r.description,
  category: r.category,
  departments: [...r.departments],
  sources: r.sources.map((s) => ({ interviewId: s.interviewId, findingId: s.findingId })),
  goalIds: [...r.goalIds],
  ...(r.priority ? { priority: { ...r.priority } } : {}),
  ...(r.targetPhase ? { targetPhase: r.targetPhase } : {}),
});

export const decideBaseline = (command: BaselineCommandWithContext, state: BaselineState): BaselineEvent[] => {
  switch (command.type) {
    case 'CreateBaseline': {
      const { data, facts } = command;
      if (state.status !== 'none') return reject('already-exists', `baseline ${data.baselineId} already exists`);
      const engagement = openEngagement(facts.engagement, data.engagementId);
      const team = engagement.team ?? {};
      const outside = data.signatories.filter((userId) => !SIGNING_ROLES.has(team[userId]?.role ?? 'none'));
      if (outside.length > 0) {
        return reject(
          'signatory-not-member',
          `${outside.join(', ')} ${outside.length === 1 ? 'is' : 'are'} not a pm, consultant or stakeholder member of engagement ${data.engagementId}; add them to the team first`,
          { signatories: outside },
        );
      }
      const requirements = facts.requirements
        .filter((r) => r.engagementId === data.engagementId && r.status === 'accepted')
        .sort((a, b) => (a.requirementId < b.requirementId ? -1 : 1))
        .map(frozen);
      if (requirements.length === 0) {
        return reject('baseline-empty', `engagement ${data.engagementId} has no accepted requirement to freeze; accept requirements first`);
      }
      const signatories: Signatory[] = data.signatories.map((userId) => ({ userId, name: team[userId]!.name, role: team[userId]!.role }));
      return [
        {
          type: 'BaselineCreated',
          data: {
            baselineId: data.baselineId,
            engagementId: data.engagementId,
            name: data.name,
            signatories,
            requirements,
            baselineHash: baselineHash(data.name, requirements),
          },
        },
      ];
    }
    case 'SignBaseline': {
      const { data, metadata, facts } = command;
      const { actor, now } = metadata;
      const baseline = awaitingSignatory(state, data.baselineId, actor.id);
      if (data.authenticatedAt === undefined || Date.parse(now) - Date.parse(data.authenticatedAt) > FRESH_SIGN_IN_MS) {
        return reject('reauthentication-required', 'sign in again: a sign-off needs a sign-in within the last 5 minutes', {
          maxAgeSeconds: FRESH_SIGN_IN_MS / 1000,
          ...(data.authenticatedAt === undefined ? {} : { authenticatedAt: data.authenticatedAt }),
        });
      }
      if (data.baselineHash !== undefined && data.baselineHash !== baseline.baselineHash) {
        return reject('baseline-hash-mismatch', `baseline ${data.baselineId} has the hash ${baseline.baselineHash}`, { baselineHash: baseline.baselineHash });
      }
      if ((baseline.signedOff[actor.id] ?? []).includes(data.meaning)) {
        return reject('already-signed-off', `you have already signed baseline ${data.baselineId} as ${data.meaning}`);
      }
      const events: BaselineEvent[] = [
        {
          type: 'BaselineSignedOff',
          data: {
            baselineId: data.baselineId,
            signer: { id: actor.id, name: actor.name },
            meaning: data.meaning,
            baselineHash: baseline.baselineHash,
            authenticatedAt: data.authenticatedAt,
          },
        },
      ];
      const approved = (userId: string) => (userId === actor.id && data.meaning === 'approved') || (baseline.signedOff[userId] ?? []).includes('approved');
      if (baseline.signatories.every((s) => approved(s.userId))) {
        const supersedes = facts.baselines
          .filter((b): b is ExistingBaseline => b.status === 'signed' && b.engagementId === baseline.engagementId && b.baselineId !== baseline.baselineId)
          .map((b) => b.baselineId)
          .sort();
        events.push({
          type: 'BaselineSigned',
          data: {
            baselineId: data.baselineId,
            name: baseline.name,
            baselineHash: baseline.baselineHash,
            requirements: baseline.requirements.map((r) => ({ requirementId: r.requirementId, version: r.version })),
            supersedes,
          },
        });
      }
      return events;
    }
    case 'RejectBaseline': {
      const { data, metadata } = command;
      awaitingSignatory(state, data.baselineId, metadata.actor.id);
      return [
        { type: 'BaselineRejected', data: { baselineId: data.baselineId, rejectedBy: { id: metadata.actor.id, name: metadata.actor.name }, comments: data.comments } },
      ];
    }
    default:
      return unreachable(command);
  }
};
