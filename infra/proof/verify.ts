/**
 * Verifying an engagement's chained history: every stream of the engagement is followed from its
 * first event (`StreamChain`), the engagement head is computed over the stream heads, and the
 * result is compared with the last anchor a witness outside the database holds, which catches what
 * no chain can show on its own: a log rolled back to an older copy, or a stream's last events cut.
 *
 * The first break is the broken event earliest in the log; a stream that ends before the anchor
 * says it reached is reported at the first missing revision, after every break found in the log.
 */
import { engagementHead, StreamChain, type BreakReason, type ChainedEvent } from '../event-store/chain.js';

/** What an anchor says about an engagement: its head and where each of its streams stood. */
export type AnchoredHead = {
  engagementId: string;
  head: string;
  events: number;
  /** `[streamId, revision, digest]`, sorted by stream. */
  streams: ReadonlyArray<readonly [string, number, string]>;
};

export type FirstBreak = { streamId: string; revision: number; eventId?: string; reason: BreakReason };

export type Verification = {
  verified: boolean;
  /** Events read. */
  events: number;
  /** The engagement head over the stream heads as far as they verified. */
  head: string;
  /** Where each stream's verified part ends, sorted by stream: what an anchor records. */
  streams: Array<[string, number, string]>;
  firstBreak?: FirstBreak;
};

type Located = FirstBreak & { order: number };

/** Follows an engagement's stored events (in log order) and the anchors' claims about them. */
export class EngagementVerifier {
  readonly #chains = new Map<string, StreamChain>();
  readonly #anchored: Map<string, { revision: number; digest: string }>;
  readonly #digestsAtAnchor = new Map<string, string>();
  #events = 0;
  #chainStarted = false;
  #first: Located | undefined;

  constructor(
    readonly engagementId: string,
    readonly anchor?: AnchoredHead,
  ) {
    this.#anchored = new Map((anchor?.streams ?? []).map(([streamId, revision, digest]) => [streamId, { revision, digest }]));
  }

  /** Takes the next stored event of the engagement, in log order. */
  next(event: ChainedEvent): void {
    const order = this.#events++;
    let chain = this.#chains.get(event.streamId);
    if (!chain) {
      chain = new StreamChain(event.streamId);
      this.#chains.set(event.streamId, chain);
    }
    const broken = chain.next(event, this.#chainStarted);
    // Once started, no later event needs asking: a stored text verified by its bytes is never parsed.
    if (!this.#chainStarted && event.metadata.proof) this.#chainStarted = true;
    if (broken) this.#note({ streamId: event.streamId, ...broken, order });
    const anchored = this.#anchored.get(event.streamId);
    if (!broken && !chain.broken && anchored?.revision === event.revision) this.#digestsAtAnchor.set(event.streamId, chain.head.digest);
  }

  result(): Verification {
    for (const [streamId, anchored] of this.#anchored) {
      const chain = this.#chains.get(streamId);
      if (chain?.broken) continue;
      const reached = chain?.head.revision ?? -1;
      if (reached < anchored.revision) {
        this.#note({ streamId, revision: reached + 1, reason: 'behind-anchor', order: Number.MAX_SAFE_INTEGER });
      } else if (this.#digestsAtAnchor.get(streamId) !== anchored.digest) {
        this.#note({ streamId, revision: anchored.revision, reason: 'anchor-mismatch', order: Number.MAX_SAFE_INTEGER - 1 });
      }
    }
    const heads = new Map([...this.#chains].filter(([, chain]) => chain.head.revision >= 0).map(([streamId, chain]) => [streamId, chain.head]));
    const streams = [...heads].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([streamId, head]): [string, number, string] => [streamId, head.revision, head.digest]);
    const first = this.#first;
    return {
      verified: first === undefined,
      events: this.#events,
      head: engagementHead(this.engagementId, heads),
      streams,
      ...(first ? { firstBreak: { streamId: first.streamId, revision: first.revision, ...(first.eventId ? { eventId: first.eventId } : {}), reason: first.reason } } : {}),
    };
  }

  #note(found: Located): void {
    if (!this.#first || found.order < this.#first.order) this.#first = found;
  }
}

/** Verifies an engagement's stored events, in pages in log order, against its last anchor if there is one. */
export const verifyEngagement = async (
  engagementId: string,
  pages: AsyncIterable<readonly ChainedEvent[]>,
  anchor?: AnchoredHead,
): Promise<Verification> => {
  const verifier = new EngagementVerifier(engagementId, anchor);
  for await (const page of pages) for (const event of page) verifier.next(event);
  return verifier.result();
};
