/**
 * The anchoring loop: follows the log to learn which engagements changed, and every interval
 * anchors those due (`dueForAnchoring`): verifies the engagement's history, signs its head, keeps
 * the anchor and publishes it as `engagement.history-anchored`. A history that does not verify is
 * never anchored – an anchor vouches for what it names – and is reported instead.
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { SPEC_VERSION, type IntegrationEventOfType } from '../../contracts/index.js';
import type { EventStore } from '../event-store/port.js';
import { ANCHOR_VERSION, dueForAnchoring, type Anchor, type AnchorStore, type SignedAnchor } from './anchors.js';
import type { ProofSigner } from './signing.js';
import { verifyEngagement, type AnchoredHead, type Verification } from './verify.js';

export type AnchoringDeps = {
  store: EventStore;
  anchors: AnchorStore;
  signer: ProofSigner;
  /** Hands an anchor to the witnesses (the Kafka topic); resolves once they have it. */
  publish: (event: IntegrationEventOfType<'engagement.history-anchored'>) => Promise<void>;
  clock?: () => Date;
  logger?: Pick<Logger, 'info' | 'error' | 'warn'>;
};

/** A signed anchor of the engagement's history now, if it verifies (against its last anchor too); not yet kept. */
export const anchorEngagement = async (
  deps: Pick<AnchoringDeps, 'store' | 'anchors' | 'signer' | 'clock'>,
  engagementId: string,
): Promise<{ anchor?: SignedAnchor; verification: Verification }> => {
  const position = (await deps.store.headPosition()) ?? '0';
  const previous = await deps.anchors.latest(engagementId);
  const verification = await verifyEngagement(engagementId, deps.store.readEngagementAsStored(engagementId), previous && anchoredHead(previous));
  if (!verification.verified) return { verification };
  const anchor = await deps.signer.sign<Anchor>({
    anchorVersion: ANCHOR_VERSION,
    kind: 'engagement-history-anchor',
    engagementId,
    head: verification.head,
    events: verification.events,
    streams: verification.streams,
    position,
    anchoredAt: (deps.clock?.() ?? new Date()).toISOString(),
  });
  return { anchor, verification };
};

export const anchoredHead = (anchor: SignedAnchor): AnchoredHead => ({
  engagementId: anchor.engagementId,
  head: anchor.head,
  events: anchor.events,
  streams: anchor.streams,
});

/** A UUID derived from the anchor, so that a redelivered anchor keeps its event id. */
const anchorEventId = (anchor: SignedAnchor): string => {
  const hex = createHash('sha256').update(`${anchor.engagementId}\n${anchor.head}\n${anchor.position}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

export const anchoredEvent = (anchor: SignedAnchor): IntegrationEventOfType<'engagement.history-anchored'> => {
  const causation = `anchor-${anchor.engagementId}-${anchor.position}`;
  return {
    specVersion: SPEC_VERSION,
    id: anchorEventId(anchor),
    type: 'engagement.history-anchored',
    schemaVersion: 1,
    occurredAt: anchor.anchoredAt,
    engagementId: anchor.engagementId,
    subject: { type: 'engagement', id: anchor.engagementId },
    actor: { id: 'service:anchoring', name: 'Anchoring' },
    correlationId: causation,
    causationId: causation,
    data: { anchor: { ...anchor, streams: anchor.streams.map(([streamId, revision, digest]): [string, number, string] => [streamId, revision, digest]) } },
  };
};

export class Anchoring {
  readonly #deps: AnchoringDeps;
  /** Engagement id → the position of its latest event seen in the log. */
  readonly #touched = new Map<string, string>();
  #after: string | undefined;

  constructor(deps: AnchoringDeps) {
    this.#deps = deps;
  }

  /** Reads the log since the last round and anchors up to `limit` engagements; answers those anchored. */
  async round(limit = 100): Promise<SignedAnchor[]> {
    for await (const event of this.#deps.store.readAll({ start: this.#after === undefined ? 'start' : { after: this.#after } })) {
      this.#touched.set(event.engagementId, event.position);
      this.#after = event.position;
    }
    const anchoredAt = new Map<string, string>();
    for (const engagementId of this.#touched.keys()) {
      const latest = await this.#deps.anchors.latest(engagementId);
      if (latest) anchoredAt.set(engagementId, latest.position);
    }
    const anchored: SignedAnchor[] = [];
    for (const engagementId of dueForAnchoring(this.#touched, anchoredAt, limit)) {
      const { anchor, verification } = await anchorEngagement(this.#deps, engagementId);
      if (!anchor) {
        this.#deps.logger?.error({ engagementId, firstBreak: verification.firstBreak }, 'the history of an engagement does not verify; it is not anchored');
        this.#touched.delete(engagementId);
        continue;
      }
      // Published before it is kept: an anchor kept but never published would never be sent again.
      await this.#deps.publish(anchoredEvent(anchor));
      await this.#deps.anchors.keep(anchor);
      this.#touched.delete(engagementId);
      anchored.push(anchor);
    }
    return anchored;
  }

  /** Runs a round every `intervalMs` until the returned stop is called; a failed round is logged and retried next time. */
  start(intervalMs: number): () => Promise<void> {
    let stopped = false;
    let running: Promise<unknown> = Promise.resolve();
    const timer = setInterval(() => {
      running = running.then(async () => {
        if (stopped) return;
        try {
          const anchored = await this.round();
          if (anchored.length > 0) this.#deps.logger?.info({ anchored: anchored.length }, 'anchored engagement histories');
        } catch (error) {
          this.#deps.logger?.warn({ err: error }, 'anchoring failed; trying again in the next round');
        }
      });
    }, intervalMs);
    timer.unref();
    return async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    };
  }
}
