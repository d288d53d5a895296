import t from 'tap';
import type { BaselineEvent, DomainEvent } from '../../contracts/index.js';
import { auditTrail, baselineDocument } from '../../projections/index.js';
import { E1, frozenRequirement, interviewee, pm, R1 } from '../support/fixtures.js';
import { eventLog, fold, minute } from '../support/projection-spec.js';

const HASH = 'a'.repeat(64);
const head = { id: 'u-wang', name: 'Wang Fang', roles: ['stakeholder' as const] };
const frozen = frozenRequirement;
const created = (baselineId: string): BaselineEvent => ({
  type: 'BaselineCreated',
  data: {
    baselineId,
    engagementId: E1,
    name: `Specification ${baselineId}`,
    signatories: [
      { userId: interviewee.id, name: interviewee.name, role: 'stakeholder' },
      { userId: head.id, name: head.name, role: 'stakeholder' },
    ],
    requirements: [frozen],
    baselineHash: HASH,
  },
});
const signedOff = (baselineId: string, actor: { id: string; name: string }, meaning: 'approved' | 'reviewed', authenticatedAt: string): BaselineEvent => ({
  type: 'BaselineSignedOff',
  data: { baselineId, signer: { id: actor.id, name: actor.name }, meaning, baselineHash: HASH, authenticatedAt },
});
const signed = (baselineId: string, supersedes: string[] = []): BaselineEvent => ({
  type: 'BaselineSigned',
  data: { baselineId, name: `Specification ${baselineId}`, baselineHash: HASH, requirements: [{ requirementId: R1, version: 2 }], supersedes },
});
const approvedChange: DomainEvent = { type: 'ChangeRequestApproved', data: { requirementId: R1, changeRequestId: 'cr-1', reason: 'agreed', suspectBaselineIds: ['bl-1'] } };

t.test('a baseline signed by every signatory, then made suspect by an approved change, until a newer one is signed', async (t) => {
  const log = eventLog();
  const events = [
    log.record(created('bl-1'), { actor: pm }),
    log.record(signedOff('bl-1', interviewee, 'reviewed', minute(1)), { actor: interviewee }),
    log.record(signedOff('bl-1', interviewee, 'approved', minute(2)), { actor: interviewee }),
    log.record(signedOff('bl-1', head, 'approved', minute(3)), { actor: head }),
    log.record(signed('bl-1'), { actor: head }),
  ];
  const afterSigning = fold(baselineDocument, events).get('bl-1')!;
  t.match(afterSigning, {
    id: 'bl-1',
    engagementId: E1,
    status: 'signed',
    signedAt: minute(5),
    baselineHash: HASH,
    createdBy: pm,
    requirements: [frozen],
    suspect: false,
    version: 4,
    rejection: null,
  });
  t.strictSame(afterSigning.signatories, [
    {
      userId: interviewee.id,
      name: interviewee.name,
      role: 'stakeholder',
      approved: true,
      signOffs: [
        { meaning: 'reviewed', at: minute(2), baselineHash: HASH, authenticatedAt: minute(1) },
        { meaning: 'approved', at: minute(3), baselineHash: HASH, authenticatedAt: minute(2) },
      ],
    },
    { userId: head.id, name: head.name, role: 'stakeholder', approved: true, signOffs: [{ meaning: 'approved', at: minute(4), baselineHash: HASH, authenticatedAt: minute(3) }] },
  ]);

  const suspect = [...events, log.record(approvedChange, { actor: pm })];
  const marked = fold(baselineDocument, suspect).get('bl-1')!;
  t.equal(marked.suspect, true, 'suspect after the approved change');
  t.strictSame(marked.suspectBecause, [{ changeRequestId: 'cr-1', requirementId: R1, frozenVersion: 2, at: minute(6), by: pm }], 'the link change request → baseline');
  t.equal(marked.version, 4, 'another stream’s event leaves the baseline’s version');

  const superseding = [
    ...suspect,
    log.record(created('bl-2'), { actor: pm }),
    log.record(signedOff('bl-2', interviewee, 'approved', minute(8)), { actor: interviewee }),
    log.record(signedOff('bl-2', head, 'approved', minute(9)), { actor: head }),
    log.record(signed('bl-2', ['bl-1']), { actor: head }),
  ];
  const documents = fold(baselineDocument, superseding);
  t.match(documents.get('bl-1'), { suspect: false, supersededBy: 'bl-2', status: 'signed' }, 'a newer signed baseline ends the suspect mark');
  t.equal(documents.get('bl-1')!.suspectBecause.length, 1, 'the link stays in its history');
  t.match(documents.get('bl-2'), { status: 'signed', supersedes: ['bl-1'], supersededBy: null, suspect: false });
});

t.test('a rejected baseline records who rejected it, when and why', async (t) => {
  const log = eventLog();
  const events = [
    log.record(created('bl-1'), { actor: pm }),
    log.record({ type: 'BaselineRejected', data: { baselineId: 'bl-1', rejectedBy: { id: head.id, name: head.name }, comments: 'The reports are missing' } }, { actor: head }),
  ];
  t.match(fold(baselineDocument, events).get('bl-1'), { status: 'rejected', rejection: { by: head, at: minute(2), comments: 'The reports are missing' }, version: 1 });
});

t.test('events for a baseline never created leave no document', async (t) => {
  const log = eventLog();
  t.strictSame([...fold(baselineDocument, [log.record(signedOff('bl-9', head, 'approved', minute(0))), log.record(approvedChange)]).keys()], []);
});

t.test('the audit trail: baselines and change requests are subjects of their own, with hashes and links', async (t) => {
  const log = eventLog();
  const entries = fold(auditTrail, [
    log.record(created('bl-1'), { actor: pm }),
    log.record(signedOff('bl-1', interviewee, 'approved', minute(1)), { actor: interviewee }),
    log.record(signed('bl-1', ['bl-0']), { actor: interviewee }),
    log.record(approvedChange, { actor: pm }),
  ]);
  const [create, signOff, sign, approve] = [...entries.values()];
  t.match(create, { action: 'baseline-created', subject: { type: 'baseline', id: 'bl-1' }, baselineHash: HASH, relatedIds: ['bl-1', R1] });
  t.match(signOff, { action: 'baseline-signed-off', baselineHash: HASH, changes: { [`sign-off ${interviewee.id}`]: { from: null, to: { meaning: 'approved', authenticatedAt: minute(1) } } } });
  t.match(sign, { action: 'baseline-signed', changes: { status: { from: 'awaiting-signatures', to: 'signed' }, supersedes: { from: null, to: ['bl-0'] } }, relatedIds: ['bl-1', 'bl-0'] });
  t.match(approve, { action: 'change-request-approved', subject: { type: 'change-request', id: 'cr-1' }, relatedIds: ['cr-1', R1, 'bl-1'], reason: 'agreed' });
});
