/**
 * The chained history: every stored event carries, in its metadata, a digest that commits to its
 * stream, revision, id, type, data and metadata as stored, and to the digest of the event before
 * it in the same stream. Editing, deleting, inserting or reordering an event of a stream changes
 * a digest that a later event (or a witness outside the database: an anchor, a receipt, a signed
 * export) has already committed to. See docs/architecture.md, "The chained history".
 *
 * The digest is SHA-256 over the RFC 8785 (JSON Canonicalization Scheme) text of
 * `{ v, streamId, revision, eventId, type, data, metadata, prev }`, hex-encoded, so that anyone can
 * recompute it from the stored JSON in any language – the canonical form does not depend on how
 * a store or driver formats JSON. It is computed over what was stored, before upcasting.
 *
 * Personal data: the fields listed in `PERSONAL_FIELDS` enter the digest only through a salted
 * commitment, SHA-256 over the canonical `[salt, field, value]`, with a random salt per event kept
 * in the event's proof. Erasing a person's data replaces each such value with
 * `{ "erased": <its commitment> }` and removes the salt: the digest is unchanged, and what was
 * erased cannot be guessed back from the commitment without the salt.
 *
 * Events stored before the chain existed carry no proof: a stream's leading events without one are
 * chained all the same (their digests are computed, not stored), and the first event appended
 * after them commits to their digests through `prev`. An event without a proof after one with a
 * proof – in its stream, or anywhere in its engagement before it in log order – is a break.
 */
import { hash, randomBytes } from 'node:crypto';
import { canonicalJson, jsonString } from './canonical-json.js';

/** The version of the digest's input; a later scheme gets a new number and its own branch here. */
export const CHAIN_VERSION = 1;

/** The `prev` of a stream's first event. */
export const GENESIS = '0'.repeat(64);

/** What an event's metadata carries for the chain. */
export type EventProof = {
  v: number;
  digest: string;
  /** Hex salt of the commitments to the event's personal fields; gone once they are erased. */
  salt?: string;
};

/** Top-level data fields that hold a person's personal data, by event type. */
export const PERSONAL_FIELDS: Readonly<Record<string, readonly string[]>> = {
  InterviewScheduled: ['interviewee'],
  InterviewConducted: ['attendees'],
};

/** An event as the chain sees it: as stored, with its place in its stream. */
export type ChainedEvent = {
  streamId: string;
  revision: number;
  eventId: string;
  type: string;
  data: unknown;
  /** The stored metadata, including its `proof` when it has one. */
  metadata: { proof?: EventProof } & Record<string, unknown>;
  /**
   * The data and metadata exactly as the store keeps them, when it keeps JSON text: verification
   * then hashes them as they are (`storedDigest`). A copy made by spreading does not carry it, so
   * an event changed after reading is always checked in full.
   */
  readonly storedText?: StoredText;
};

/** An event's bodies as stored JSON text. */
export type StoredText = { readonly data: string; readonly metadata: string };

// One-shot hashing: a Hash object per event costs more than hashing the event's few hundred bytes.
const sha256 = (text: string): string => hash('sha256', text, 'hex');

const canonical = canonicalJson;

const isErased = (value: unknown): value is { erased: string } =>
  typeof value === 'object' && value !== null && Object.keys(value).length === 1 && typeof (value as { erased?: unknown }).erased === 'string';

/** The commitment to one personal field's value. */
export const personalCommitment = (salt: string, field: string, value: unknown): string => sha256(canonical([salt, field, value]));

/**
 * The data as the digest sees it: personal fields replaced by their commitments (taken from an
 * erasure marker when the value was erased). Undefined when a personal field can be neither
 * committed to nor taken from a marker (its salt is missing).
 */
const committedData = (type: string, data: unknown, salt: string | undefined): unknown => {
  const fields = PERSONAL_FIELDS[type];
  if (!fields || typeof data !== 'object' || data === null) return data;
  const committed: Record<string, unknown> = { ...(data as Record<string, unknown>) };
  for (const field of fields) {
    if (!(field in committed) || committed[field] === undefined) continue;
    const value = committed[field];
    if (isErased(value)) committed[field] = { commitment: value.erased };
    else if (salt !== undefined) committed[field] = { commitment: personalCommitment(salt, field, value) };
    else return undefined;
  }
  return committed;
};

/**
 * `event` with its personal data erased: each personal field replaced by `{ erased: <commitment> }`
 * and the salt dropped. Its digest is unchanged, so the chain still verifies; this is what an
 * erasure writes in place of the values, and what an archive holds instead of them.
 */
export const withPersonalDataErased = <E extends ChainedEvent>(event: E): E => {
  const fields = PERSONAL_FIELDS[event.type];
  const proof = event.metadata.proof;
  if (!fields || !proof?.salt || typeof event.data !== 'object' || event.data === null) return event;
  const data: Record<string, unknown> = { ...(event.data as Record<string, unknown>) };
  for (const field of fields) {
    if (data[field] !== undefined && !isErased(data[field])) data[field] = { erased: personalCommitment(proof.salt, field, data[field]) };
  }
  const { salt: _salt, ...kept } = proof;
  return { ...event, data, metadata: { ...event.metadata, proof: kept } };
};

/**
 * The digest over the canonical texts of an event's parts. The canonical text of the digest's
 * input object is these parts in RFC 8785's key order (data, eventId, metadata, prev, revision,
 * streamId, type, v), so it is assembled here from texts that are already canonical instead of
 * canonicalising the whole object again: `dataText` and `metadataText` must be canonical (the
 * metadata without its proof).
 */
export const digestOfTexts = (streamId: string, revision: number, eventId: string, type: string, dataText: string, metadataText: string, prev: string): string =>
  sha256(
    `{"data":${dataText},"eventId":${jsonString(eventId)},"metadata":${metadataText},"prev":${jsonString(prev)},"revision":${revision},"streamId":${jsonString(streamId)},"type":${jsonString(type)},"v":${CHAIN_VERSION}}`,
  );

/** The digest of `event` following `prev`, or undefined when its personal data cannot be committed to. */
export const chainDigest = (event: ChainedEvent, prev: string): string | undefined => {
  const { proof, ...metadata } = event.metadata;
  const data = committedData(event.type, event.data, proof?.salt);
  if (data === undefined) return undefined;
  return digestOfTexts(event.streamId, event.revision, event.eventId, event.type, canonical(data), canonical(metadata), prev);
};

/** An event sealed into the chain, with its bodies as the canonical text they are stored as. */
export type SealedText = { eventId: string; type: string; data: string; metadata: string; proof: EventProof };

/**
 * The metadata text as stored: the canonical text of the metadata without its proof, with the
 * proof written last. Verification can then take the canonical text back by cutting the proof off
 * (`storedDigest`) instead of parsing and canonicalising the metadata.
 */
const withProofText = (metadataText: string, proof: EventProof): string =>
  // Digest and salt are hex: nothing in them for JSON to escape.
  `${metadataText.length > 2 ? `${metadataText.slice(0, -1)},` : '{'}"proof":{"v":${proof.v},"digest":"${proof.digest}"${proof.salt ? `,"salt":"${proof.salt}"` : ''}}}`;

/**
 * Seals a batch appended to `streamId` from `firstRevision` on, after an event whose digest is
 * `prev`, and writes each event's bodies once: the data's canonical text and the metadata's, the
 * same texts the digest is computed over. Answers the events to store and the last digest.
 */
export const sealTexts = (
  streamId: string,
  firstRevision: number,
  prev: string,
  events: ReadonlyArray<Omit<ChainedEvent, 'streamId' | 'revision'>>,
): { sealed: SealedText[]; last: string } => {
  let last = prev;
  const sealed = events.map((event, i): SealedText => {
    const salt = PERSONAL_FIELDS[event.type] ? randomBytes(16).toString('hex') : undefined;
    const dataText = canonical(event.data);
    const metadataText = canonical(event.metadata.proof === undefined ? event.metadata : withoutProof(event.metadata));
    const digestedData = salt === undefined ? dataText : canonical(committedData(event.type, event.data, salt));
    const digest = digestOfTexts(streamId, firstRevision + i, event.eventId, event.type, digestedData, metadataText, last);
    last = digest;
    const proof: EventProof = { v: CHAIN_VERSION, digest, ...(salt ? { salt } : {}) };
    return { eventId: event.eventId, type: event.type, data: dataText, metadata: withProofText(metadataText, proof), proof };
  });
  return { sealed, last };
};

/**
 * The proofs of a batch appended to `streamId` from `firstRevision` on, after an event whose digest
 * is `prev`: each event's metadata gains its proof. Answers the sealed events and the last digest.
 */
export const sealBatch = <E extends Omit<ChainedEvent, 'streamId' | 'revision'>>(
  streamId: string,
  firstRevision: number,
  prev: string,
  events: readonly E[],
): { sealed: E[]; last: string } => {
  const { sealed, last } = sealTexts(streamId, firstRevision, prev, events);
  return { sealed: events.map((event, i) => ({ ...event, metadata: { ...withoutProof(event.metadata), proof: sealed[i]!.proof } })), last };
};

const withoutProof = <M extends { proof?: EventProof }>(metadata: M): Omit<M, 'proof'> => {
  const { proof: _ignored, ...rest } = metadata;
  return rest;
};

/** The tail `withProofText` writes for an event without personal data: `,"proof":{"v":1,"digest":"<64 hex>"}}`. */
const PROOF_HEAD = `,"proof":{"v":${CHAIN_VERSION},"digest":"`;
const PROOF_TAIL = '"}}';
const PROOF_TEXT_LENGTH = PROOF_HEAD.length + 64 + PROOF_TAIL.length;

/** What follows the data and the metadata in the digest's input; neither may hold its own. */
const EVENT_ID_SEPARATOR = ',"eventId":';
const PREV_SEPARATOR = ',"prev":"';

/**
 * The fast path of verification, over the bodies exactly as stored: when the metadata text ends in
 * the proof as `withProofText` writes it, the digest is recomputed over the stored data text and
 * the metadata text without that tail, hashed as they are – no parsing, no canonicalising. Answers
 * the digest when it equals the stored one; undefined sends the event to the full check.
 *
 * Why a match proves what the full check proves: the hashed text equals the canonical text the
 * digest was made over (SHA-256 is collision resistant), and the stored parts sit in it at the
 * places of the original parts – eventId, type and streamId are JSON string literals, which end at
 * their first unescaped quote, and the data and metadata texts are refused when they contain the
 * separator that follows them (`,"eventId":`, `,"prev":"`), so no boundary can have moved. Each
 * stored body is therefore the canonical text of the body that was digested, byte for byte.
 * Events with personal fields are digested over commitments, not over their stored data: they
 * always take the full check.
 */
export const storedDigest = (event: Pick<ChainedEvent, 'streamId' | 'revision' | 'eventId' | 'type'>, text: StoredText, prev: string): string | undefined => {
  if (PERSONAL_FIELDS[event.type]) return undefined;
  const stored = text.metadata;
  const cut = stored.length - PROOF_TEXT_LENGTH;
  if (cut < 2 || !stored.startsWith(PROOF_HEAD, cut) || !stored.endsWith(PROOF_TAIL)) return undefined;
  // Searched in the whole stored text, forwards (the engine's fast search): the proof's tail holds
  // neither separator, and none can straddle the cut, since the tail starts with a comma and the
  // separators hold no comma but their first character.
  if (text.data.includes(EVENT_ID_SEPARATOR) || stored.includes(EVENT_ID_SEPARATOR) || stored.includes(PREV_SEPARATOR)) {
    return undefined;
  }
  const digest = stored.slice(cut + PROOF_HEAD.length, stored.length - PROOF_TAIL.length);
  return digestOfTexts(event.streamId, event.revision, event.eventId, event.type, text.data, `${stored.slice(0, cut)}}`, prev) === digest ? digest : undefined;
};

/** Why an event breaks its stream's chain. */
export type BreakReason =
  | 'digest-mismatch'
  | 'proof-missing'
  | 'personal-data-uncommitted'
  | 'revision-gap'
  | 'behind-anchor'
  | 'anchor-mismatch';

/** Follows one stream's chain event by event; stops judging at its first break. */
export class StreamChain {
  #prev = GENESIS;
  #expected = 0;
  #chained = false;
  #broken: { revision: number; eventId?: string; reason: BreakReason } | undefined;
  #events = 0;

  constructor(readonly streamId: string) {}

  /**
   * Takes the stream's next stored event; answers the break it found, if any. `chainStarted`: an
   * earlier event of the same engagement (in log order) carried a proof, so this one can no longer
   * be from before the chain existed.
   */
  next(event: ChainedEvent, chainStarted = false): { revision: number; eventId?: string; reason: BreakReason } | undefined {
    this.#events++;
    if (this.#broken) return undefined;
    if (event.revision !== this.#expected) return this.#fail(event, 'revision-gap', Math.min(event.revision, this.#expected));
    const text = event.storedText;
    const verified = text && storedDigest(event, text, this.#prev);
    if (verified !== undefined) {
      this.#chained = true;
      this.#prev = verified;
      this.#expected++;
      return undefined;
    }
    const proof = event.metadata.proof;
    if (!proof) {
      if (this.#chained || chainStarted) return this.#fail(event, 'proof-missing');
    } else {
      this.#chained = true;
    }
    const digest = chainDigest(event, this.#prev);
    if (digest === undefined) return this.#fail(event, 'personal-data-uncommitted');
    if (proof && proof.digest !== digest) return this.#fail(event, 'digest-mismatch');
    this.#prev = digest;
    this.#expected++;
    return undefined;
  }

  #fail(event: ChainedEvent, reason: BreakReason, revision = event.revision) {
    this.#broken = { revision, ...(revision === event.revision ? { eventId: event.eventId } : {}), reason };
    return this.#broken;
  }

  get broken() {
    return this.#broken;
  }

  /** The digest of the last event that verified, and its revision (-1: none). */
  get head(): { revision: number; digest: string } {
    return { revision: this.#expected - 1, digest: this.#prev };
  }

  get events(): number {
    return this.#events;
  }
}

/**
 * The `prev` of the next event appended to a stream whose events are `events`: the stored digest
 * of its last event, or, for events stored before the chain existed, the digest computed over them.
 */
export const prevOfNext = (last: ChainedEvent | undefined, all: () => Iterable<ChainedEvent>): string => {
  if (!last) return GENESIS;
  if (last.metadata.proof) return last.metadata.proof.digest;
  let prev = GENESIS;
  for (const event of all()) prev = event.metadata.proof?.digest ?? chainDigest(event, prev) ?? prev;
  return prev;
};

/** The stream heads of one engagement, sorted by stream, and the digest over them. */
export const engagementHead = (engagementId: string, heads: ReadonlyMap<string, { revision: number; digest: string }>): string =>
  sha256(
    canonical({
      v: CHAIN_VERSION,
      engagementId,
      streams: [...heads.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([streamId, head]) => [streamId, head.revision, head.digest]),
    }),
  );
