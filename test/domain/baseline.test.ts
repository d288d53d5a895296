import t from 'tap';
import {
  baselineDecider,
  baselineHash,
  engagementDecider,
  requirementDecider,
  type BaselineCommandWithContext,
  type BaselineState,
  type ExistingRequirement,
} from '../../domain/index.js';
import type { BaselineEvent, EngagementEvent, RequirementEvent } from '../../contracts/index.js';
import { deciderSpec, stateAfter } from '../support/decider-spec.js';
import {
  admin,
  atGoLive,
  consultant,
  E1,
  frozenRequirement,
  inSurvey,
  interviewee,
  meta,
  pm,
  R1,
  requirementCaptured,
  requirementPrioritized,
} from '../support/fixtures.js';

const spec = deciderSpec(baselineDecider);
const B1 = 'bl-1';
const head: typeof interviewee = { id: 'u-wang', name: 'Wang Fang', roles: ['stakeholder'] };
const member = (userId: string, name: string, role: string): EngagementEvent =>
  ({ type: 'MemberAdded', data: { engagementId: E1, userId, name, role } }) as EngagementEvent;
const team: EngagementEvent[] = [
  ...inSurvey,
  member(pm.id, pm.name, 'pm'),
  member(consultant.id, consultant.name, 'consultant'),
  member(interviewee.id, interviewee.name, 'stakeholder'),
  member(head.id, head.name, 'stakeholder'),
  member('u-obs', 'Olga Observer', 'observer'),
];
const engagement = (events: EngagementEvent[] = team) => stateAfter(engagementDecider, events);

const acceptedEvents: RequirementEvent[] = [
  requirementCaptured,
  requirementPrioritized,
  { type: 'RequirementAccepted', data: { requirementId: R1, previousStatus: 'prioritized', targetPhase: 'system-deployment' } },
];
const atVersion = (events: RequirementEvent[], version = events.length - 1) => ({
  ...(stateAfter(requirementDecider, events) as ExistingRequirement),
  version,
});
const frozen = frozenRequirement;
const HASH = baselineHash('Specification 1.0', [frozen]);
const created: BaselineEvent = {
  type: 'BaselineCreated',
  data: {
    baselineId: B1,
    engagementId: E1,
    name: 'Specification 1.0',
    signatories: [
      { userId: interviewee.id, name: interviewee.name, role: 'stakeholder' },
      { userId: head.id, name: head.name, role: 'stakeholder' },
    ],
    requirements: [frozen],
    baselineHash: HASH,
  },
};

const create = (opts: { signatories?: string[]; engagement?: EngagementEvent[]; requirements?: RequirementEvent[][] } = {}) =>
  ({
    type: 'CreateBaseline',
    data: { baselineId: B1, engagementId: E1, name: 'Specification 1.0', signatories: opts.signatories ?? [interviewee.id, head.id] },
    facts: { engagement: engagement(opts.engagement), requirements: (opts.requirements ?? [acceptedEvents]).map((events) => atVersion(events)) },
    ...meta(pm),
  }) as BaselineCommandWithContext;

const FRESH = '2026-03-02T08:57:00.000Z';
const sign = (actor: typeof pm, meaning: 'approved' | 'reviewed' = 'approved', extra: object = {}, baselines: BaselineState[] = []) =>
  ({
    type: 'SignBaseline',
    data: { baselineId: B1, meaning, authenticatedAt: FRESH, ...extra },
    facts: { baselines },
    ...meta(actor),
  }) as BaselineCommandWithContext;
const signedOff = (actor: typeof pm, meaning: 'approved' | 'reviewed' = 'approved'): BaselineEvent => ({
  type: 'BaselineSignedOff',
  data: { baselineId: B1, signer: { id: actor.id, name: actor.name }, meaning, baselineHash: HASH, authenticatedAt: FRESH },
});
const reject = (actor: typeof pm) => ({ type: 'RejectBaseline', data: { baselineId: B1, comments: 'The reports are missing' }, ...meta(actor) }) as BaselineCommandWithContext;

t.test('CreateBaseline', async (t) => {
  t.test('freezes the accepted requirements at their versions, with the hash of what was frozen', async (t) => {
    spec(t).given([]).when(create()).then([created]);
  });
  t.test('leaves out requirements that are not accepted', async (t) => {
    const captured = [{ ...requirementCaptured, data: { ...requirementCaptured.data, requirementId: 'req-2' } } as RequirementEvent];
    spec(t).given([]).when(create({ requirements: [acceptedEvents, captured] })).then([created]);
  });
  t.test('any change of the frozen content changes the hash', async (t) => {
    t.not(baselineHash('Specification 1.0', [{ ...frozen, version: 3 }]), HASH);
    t.not(baselineHash('Specification 1.0', [{ ...frozen, description: `${frozen.description} ` }]), HASH);
    t.not(baselineHash('Specification 1.1', [frozen]), HASH);
    t.equal(baselineHash('Specification 1.0', [{ ...frozen }]), HASH, 'equal content, equal hash');
  });
  t.test('rejects an engagement with no accepted requirement', async (t) => {
    spec(t).given([]).when(create({ requirements: [[requirementCaptured, requirementPrioritized]] })).thenRejects('baseline-empty');
  });
  t.test('rejects a signatory who is not in the team', async (t) => {
    spec(t).given([]).when(create({ signatories: [interviewee.id, 'u-stranger'] })).thenRejects('signatory-not-member', { signatories: ['u-stranger'] });
  });
  t.test('rejects an observer as signatory: observers write nothing', async (t) => {
    spec(t).given([]).when(create({ signatories: ['u-obs'] })).thenRejects('signatory-not-member', { signatories: ['u-obs'] });
  });
  t.test('rejects an id that is taken', async (t) => {
    spec(t).given([created]).when(create()).thenRejects('already-exists');
  });
  t.test('rejects an unknown engagement and one that has gone live', async (t) => {
    spec(t).given([]).when(create({ engagement: [] })).thenRejects('not-found');
    spec(t).given([]).when(create({ engagement: atGoLive })).thenRejects('engagement-closed');
  });
});

t.test('SignBaseline', async (t) => {
  t.test('records signer, meaning, the hash and the sign-in time', async (t) => {
    spec(t).given([created]).when(sign(interviewee)).then([signedOff(interviewee)]);
  });
  t.test('the last approval signs the baseline, superseding those signed before in the engagement', async (t) => {
    const earlier = stateAfter(baselineDecider, [
      { ...created, data: { ...created.data, baselineId: 'bl-0' } } as BaselineEvent,
      { type: 'BaselineSigned', data: { baselineId: 'bl-0', name: 'Specification 0.9', baselineHash: HASH, requirements: [], supersedes: [] } } as BaselineEvent,
    ]);
    const pending = stateAfter(baselineDecider, [{ ...created, data: { ...created.data, baselineId: 'bl-9' } } as BaselineEvent]);
    spec(t)
      .given([created, signedOff(interviewee)])
      .when(sign(head, 'approved', {}, [earlier, pending, stateAfter(baselineDecider, [created])]))
      .then([
        signedOff(head),
        {
          type: 'BaselineSigned',
          data: { baselineId: B1, name: 'Specification 1.0', baselineHash: HASH, requirements: [{ requirementId: R1, version: 2 }], supersedes: ['bl-0'] },
        },
      ]);
  });
  t.test('a review is recorded but does not count as approval; the reviewer may approve later', async (t) => {
    spec(t).given([created, signedOff(interviewee)]).when(sign(head, 'reviewed')).then([signedOff(head, 'reviewed')]);
    spec(t).given([created, signedOff(head, 'reviewed')]).when(sign(head)).then([signedOff(head)]);
  });
  t.test('rejects the same meaning twice', async (t) => {
    spec(t).given([created, signedOff(interviewee)]).when(sign(interviewee)).thenRejects('already-signed-off');
  });
  t.test('needs a sign-in within the last 5 minutes', async (t) => {
    spec(t).given([created]).when(sign(interviewee, 'approved', { authenticatedAt: '2026-03-02T08:54:59.000Z' })).thenRejects('reauthentication-required');
    spec(t).given([created]).when(sign(interviewee, 'approved', { authenticatedAt: undefined })).thenRejects('reauthentication-required');
    spec(t).given([created]).when(sign(interviewee, 'approved', { authenticatedAt: '2026-03-02T08:55:00.000Z' })).then([
      { ...signedOff(interviewee), data: { ...signedOff(interviewee).data, authenticatedAt: '2026-03-02T08:55:00.000Z' } } as BaselineEvent,
    ]);
  });
  t.test('rejects a hash that is not the baseline’s', async (t) => {
    spec(t).given([created]).when(sign(interviewee, 'approved', { baselineHash: 'b'.repeat(64) })).thenRejects('baseline-hash-mismatch', { baselineHash: HASH });
  });
  t.test('only a signatory signs, and only for themself – an admin or the pm included', async (t) => {
    spec(t).given([created]).when(sign(admin)).thenRejects('not-a-signatory');
    spec(t).given([created]).when(sign(pm)).thenRejects('not-a-signatory');
  });
  t.test('rejects a baseline that is rejected or already signed', async (t) => {
    const rejected: BaselineEvent = { type: 'BaselineRejected', data: { baselineId: B1, rejectedBy: { id: head.id, name: head.name }, comments: 'no' } };
    spec(t).given([created, rejected]).when(sign(interviewee)).thenRejects('baseline-rejected');
    const signed: BaselineEvent = { type: 'BaselineSigned', data: { baselineId: B1, name: 'Specification 1.0', baselineHash: HASH, requirements: [], supersedes: [] } };
    spec(t).given([created, signed]).when(sign(interviewee, 'reviewed')).thenRejects('baseline-already-signed');
  });
  t.test('rejects an unknown baseline', async (t) => {
    spec(t).given([]).when(sign(interviewee)).thenRejects('not-found');
  });
});

t.test('RejectBaseline', async (t) => {
  t.test('a signatory rejects with comments', async (t) => {
    spec(t)
      .given([created, signedOff(interviewee)])
      .when(reject(head))
      .then([{ type: 'BaselineRejected', data: { baselineId: B1, rejectedBy: { id: head.id, name: head.name }, comments: 'The reports are missing' } }]);
  });
  t.test('only a signatory rejects', async (t) => {
    spec(t).given([created]).when(reject(pm)).thenRejects('not-a-signatory');
  });
  t.test('a rejected baseline is not rejected again, a signed one not at all', async (t) => {
    const rejected: BaselineEvent = { type: 'BaselineRejected', data: { baselineId: B1, rejectedBy: { id: head.id, name: head.name }, comments: 'no' } };
    spec(t).given([created, rejected]).when(reject(interviewee)).thenRejects('baseline-rejected');
    const signed: BaselineEvent = { type: 'BaselineSigned', data: { baselineId: B1, name: 'Specification 1.0', baselineHash: HASH, requirements: [], supersedes: [] } };
    spec(t).given([created, signed]).when(reject(interviewee)).thenRejects('baseline-already-signed');
  });
});
