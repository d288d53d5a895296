import type { BaselineEvent, FrozenRequirement, Signatory, SignOffMeaning } from '../../contracts/index.js';

export const BASELINE_STATUSES = ['awaiting-signatures', 'signed', 'rejected'] as const;
export type BaselineStatus = (typeof BASELINE_STATUSES)[number];

export type BaselineState =
  | { status: 'none' }
  | {
      status: BaselineStatus;
      baselineId: string;
      engagementId: string;
      name: string;
      baselineHash: string;
      signatories: readonly Signatory[];
      requirements: readonly FrozenRequirement[];
      /** The meanings each signatory has signed with, by user id. */
      signedOff: Readonly<Record<string, readonly SignOffMeaning[]>>;
      /** The baselines this one replaced when it was signed. */
      supersedes: readonly string[];
    };

export type ExistingBaseline = Exclude<BaselineState, { status: 'none' }>;

export const initialBaselineState = (): BaselineState => ({ status: 'none' });

export const evolveBaseline = (state: BaselineState, event: BaselineEvent): BaselineState => {
  if (event.type === 'BaselineCreated') {
    const { baselineId, engagementId, name, baselineHash, signatories, requirements } = event.data;
    return { status: 'awaiting-signatures', baselineId, engagementId, name, baselineHash, signatories, requirements, signedOff: {}, supersedes: [] };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'BaselineSignedOff': {
      const { signer, meaning } = event.data;
      return { ...state, signedOff: { ...state.signedOff, [signer.id]: [...(state.signedOff[signer.id] ?? []), meaning] } };
    }
    case 'BaselineSigned':
      return { ...state, status: 'signed', supersedes: event.data.supersedes };
    case 'BaselineRejected':
      return { ...state, status: 'rejected' };
  }
};

/**
 * The signed baselines still in force: signed, and not superseded by a baseline signed after them
 * (docs/domain.md#baselines). A requirement in one of these changes only through a change request.
 */
export const baselinesInForce = (baselines: readonly BaselineState[]): ExistingBaseline[] => {
  const signed = baselines.filter((b): b is ExistingBaseline => b.status === 'signed');
  const superseded = new Set(signed.flatMap((b) => b.supersedes));
  return signed.filter((b) => !superseded.has(b.baselineId));
};
