/**
 * `GET /baselines/:id` and `GET /engagements/:id/baselines`: a baseline (docs/domain.md#baselines)
 * with what it froze, its signatories and each one's sign-offs, a rejection, and the marks other
 * streams put on it: superseded by a baseline signed later, and suspect since a change request
 * approved after signing changed a requirement it holds – shown until a newer baseline is signed.
 */
import type { Actor, DomainEvent, EventOfType, FrozenRequirement, RecordedEvent, SignOffMeaning } from '../contracts/index.js';
import { actorOf, defineProjection, documentBase, existing, type Update } from './define.js';
import type { ReadDocument } from './projection.js';

export type SignOff = { meaning: SignOffMeaning; at: string; baselineHash: string; authenticatedAt: string };

export type BaselineSignatory = {
  userId: string;
  name: string;
  role: string;
  /** True once they signed as `approved`. */
  approved: boolean;
  signOffs: SignOff[];
};

/** A change approved after signing, which makes the baseline suspect: change request → baseline. */
export type SuspectMark = { changeRequestId: string; requirementId: string; frozenVersion: number | null; at: string; by: Actor };

export type BaselineDocument = ReadDocument & {
  baselineId: string;
  name: string;
  status: 'awaiting-signatures' | 'signed' | 'rejected';
  baselineHash: string;
  createdAt: string;
  createdBy: Actor;
  requirements: FrozenRequirement[];
  signatories: BaselineSignatory[];
  rejection: { by: Actor; at: string; comments: string } | null;
  signedAt: string | null;
  supersedes: string[];
  supersededBy: string | null;
  /** True while a change approved after signing is not followed by a newer signed baseline. */
  suspect: boolean;
  suspectBecause: SuspectMark[];
  /** The baseline stream's revision and time of its last event. */
  version: number;
  updatedAt: string;
};

/** An update by an event of the baseline's own stream, whose revision is the document's version. */
const own = <E extends DomainEvent>(update: (document: BaselineDocument, event: RecordedEvent<E>) => BaselineDocument): Update<BaselineDocument, E> =>
  existing<BaselineDocument, E>((document, event) => ({ ...update(document, event), version: event.revision, updatedAt: event.occurredAt }));

const created: Update<BaselineDocument, EventOfType<'BaselineCreated'>> = (document, event, id) =>
  document ?? {
    ...documentBase(event, id),
    baselineId: event.data.baselineId,
    name: event.data.name,
    status: 'awaiting-signatures',
    baselineHash: event.data.baselineHash,
    createdAt: event.occurredAt,
    createdBy: actorOf(event),
    requirements: structuredClone(event.data.requirements),
    signatories: event.data.signatories.map((s) => ({ userId: s.userId, name: s.name, role: s.role, approved: false, signOffs: [] })),
    rejection: null,
    signedAt: null,
    supersedes: [],
    supersededBy: null,
    suspect: false,
    suspectBecause: [],
    version: event.revision,
    updatedAt: event.occurredAt,
  };

export const baselineDocument = defineProjection<BaselineDocument>({
  name: 'baselines',
  route: (event) => {
    switch (event.type) {
      case 'BaselineSigned':
        return [event.data.baselineId, ...event.data.supersedes];
      case 'ChangeRequestApproved':
        return event.data.suspectBaselineIds;
      default:
        return [(event.data as { baselineId: string }).baselineId];
    }
  },
  on: {
    BaselineCreated: created,
    BaselineSignedOff: own<EventOfType<'BaselineSignedOff'>>((document, event) => {
      const { signer, meaning, baselineHash, authenticatedAt } = event.data;
      const signOff: SignOff = { meaning, at: event.occurredAt, baselineHash, authenticatedAt };
      return {
        ...document,
        signatories: document.signatories.map((s) =>
          s.userId === signer.id ? { ...s, approved: s.approved || meaning === 'approved', signOffs: [...s.signOffs, signOff] } : s,
        ),
      };
    }),
    BaselineSigned: existing((document, event, id) =>
      id === event.data.baselineId
        ? { ...document, status: 'signed', signedAt: event.occurredAt, supersedes: [...event.data.supersedes], version: event.revision, updatedAt: event.occurredAt }
        : { ...document, supersededBy: event.data.baselineId, suspect: false },
    ),
    BaselineRejected: own<EventOfType<'BaselineRejected'>>((document, event) => ({
      ...document,
      status: 'rejected',
      rejection: { by: actorOf(event), at: event.occurredAt, comments: event.data.comments },
    })),
    ChangeRequestApproved: existing((document, event) => ({
      ...document,
      suspect: document.supersededBy === null,
      suspectBecause: [
        ...document.suspectBecause,
        {
          changeRequestId: event.data.changeRequestId,
          requirementId: event.data.requirementId,
          frozenVersion: document.requirements.find((r) => r.requirementId === event.data.requirementId)?.version ?? null,
          at: event.occurredAt,
          by: actorOf(event),
        },
      ],
    })),
  },
});
