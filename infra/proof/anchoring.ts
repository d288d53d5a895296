/**
 * The anchoring: follows the log (a processor on the log consumer) to learn which engagements
 * changed, and every interval anchors those due (`dueForAnchoring`): verifies the engagement's history, signs its head, keeps
 * the anchor and publishes it as `engagement.history-anchored`. A history that does not verify is
 * never anchored – an anchor vouches for what it names – and is reported instead.
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { SPEC_VERSION, type IntegrationEventOfType } from '../../contracts/index.js';
import type { Checkpointer } from '../consumer/checkpointer.js';
import { LogConsumer, type Batch, type ConsumerState, type Processor } from '../consumer/consumer.js';
import type { Fence } from '../consumer/lease.js';
import type { BackoffPolicy } from '../consumer/retry.js';
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

export type AnchoringOptions = Omit<AnchoringDeps, 'logger'> & {
  logger: Logger;
  checkpoints: Checkpointer;
  /** How long an engagement that changed may wait for its anchor (`PROOF_ANCHOR_INTERVAL`). */
  intervalMs: number;
  /** The lease term it runs under when several processes may run it: checked before every anchor is handed out. */
  fence?: Fence;
  /** At most this many engagements anchored in one round; the rest follow at once after it. */
  roundLimit?: number;
  backoff?: Partial<BackoffPolicy>;
};

export const ANCHORING_CHECKPOINT_NAME = 'anchoring';

/**
 * The anchoring as a processor on a log consumer of its own (verifying whole histories must not
 * hold up the read models or Kafka): each batch tells it which engagements changed; a round
 * anchors those due (`dueForAnchoring`) once `intervalMs` has passed since the last one – at the
 * next batch, or when the log stays quiet, at the end of the interval. Its checkpoint passes a
 * position only once every engagement changed up to there is anchored (or reported as broken),
 * so a process that takes over anchors what was left; what an anchor already covers is not due.
 */
export class Anchoring implements Processor {
  readonly name = ANCHORING_CHECKPOINT_NAME;
  readonly #options: AnchoringOptions;
  readonly #consumer: LogConsumer;
  readonly #clock: () => number;
  /** Engagement id → the position of its latest event seen in the log, while not anchored. */
  readonly #touched = new Map<string, string>();
  #through: string | undefined;
  #saved: string | undefined;
  #lastRound = 0;
  /** The last round left engagements due: the next one runs without waiting for the interval. */
  #cutShort = false;
  #timer: NodeJS.Timeout | undefined;
  /** Rounds and batches one at a time: a round on the timer never overlaps a batch. */
  #work: Promise<unknown> = Promise.resolve();
  #open = false;

  constructor(options: AnchoringOptions) {
    this.#options = options;
    this.#clock = () => (options.clock?.() ?? new Date()).getTime();
    this.#consumer = new LogConsumer({
      eventStore: options.store,
      processors: [this],
      logger: options.logger,
      ...(options.backoff && { backoff: options.backoff }),
    });
  }

  get state(): ConsumerState {
    return this.#consumer.state;
  }

  /** Follows the log in the background. */
  start(): void {
    this.#consumer.start();
  }

  /** Stops after the batch or round in hand; what is not anchored yet is left to the next holder. */
  async stop(): Promise<void> {
    await this.#consumer.stop();
  }

  running(): boolean {
    return true;
  }

  async open(): Promise<string | undefined> {
    const stored = await this.#options.checkpoints.load(this.name);
    this.#touched.clear();
    this.#through = stored;
    this.#saved = stored;
    // A process taking over waits an interval too, as the one before it would have.
    this.#lastRound = this.#clock();
    this.#open = true;
    return stored;
  }

  async handle(batch: Batch): Promise<void> {
    await this.#exclusive(async () => {
      for (const event of batch.events) this.#touched.set(event.engagementId, event.position);
      if (batch.through !== undefined) this.#through = batch.through;
      if (this.#cutShort || this.#clock() - this.#lastRound >= this.#options.intervalMs) await this.#roundAndSave();
      this.#schedule();
    });
  }

  async close(): Promise<void> {
    this.#open = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#work.catch(() => undefined);
  }

  /** Anchors up to `limit` engagements due now; answers those anchored. */
  async round(limit = this.#options.roundLimit ?? 100): Promise<SignedAnchor[]> {
    this.#lastRound = this.#clock();
    const anchoredAt = new Map<string, string>();
    for (const engagementId of this.#touched.keys()) {
      const latest = await this.#options.anchors.latest(engagementId);
      if (latest) anchoredAt.set(engagementId, latest.position);
    }
    const due = dueForAnchoring(this.#touched, anchoredAt, Number.POSITIVE_INFINITY);
    // Changes an anchor already covers (made by an earlier holder) wait for nothing.
    const waiting = new Set(due);
    for (const engagementId of [...this.#touched.keys()]) if (!waiting.has(engagementId)) this.#touched.delete(engagementId);
    this.#cutShort = due.length > limit;
    const anchored: SignedAnchor[] = [];
    for (const engagementId of due.slice(0, limit)) {
      const { anchor, verification } = await anchorEngagement(this.#options, engagementId);
      if (!anchor) {
        this.#options.logger.error({ engagementId, firstBreak: verification.firstBreak }, 'the history of an engagement does not verify; it is not anchored');
        this.#touched.delete(engagementId);
        continue;
      }
      this.#options.fence?.check();
      // Published before it is kept: an anchor kept but never published would never be sent again.
      await this.#options.publish(anchoredEvent(anchor));
      await this.#options.anchors.keep(anchor);
      this.#touched.delete(engagementId);
      anchored.push(anchor);
    }
    return anchored;
  }

  async #roundAndSave(): Promise<void> {
    const anchored = await this.round();
    if (anchored.length > 0) this.#options.logger.info({ anchored: anchored.length }, 'anchored engagement histories');
    if (this.#touched.size === 0 && this.#through !== undefined && this.#through !== this.#saved) {
      await this.#options.checkpoints.save(this.name, this.#through);
      this.#saved = this.#through;
    }
  }

  /** A round at the end of the interval for what is still waiting, in case no batch comes before. */
  #schedule(): void {
    if (!this.#open || this.#timer !== undefined || this.#touched.size === 0) return;
    const waitMs = this.#cutShort ? 0 : Math.max(0, this.#lastRound + this.#options.intervalMs - this.#clock());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#exclusive(async () => {
        if (!this.#open) return;
        try {
          await this.#roundAndSave();
        } catch (error) {
          this.#options.logger.warn({ err: error }, 'anchoring failed; trying again at the end of the next interval');
          this.#lastRound = this.#clock();
        }
        this.#schedule();
      });
    }, waitMs);
    this.#timer.unref();
  }

  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#work.then(work);
    this.#work = next.catch(() => undefined);
    return next;
  }
}
