// Conversions between stored events / positions and the protobuf wire messages.
import { pb, type ReadReqOptions, type ReadResp, type RecordedEvent, type UUID } from './proto.js';
import type { StoredEvent } from './store.js';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** How event ids are written back, as requested by `ReadReq.Options.uuid_option`. */
export type UuidFormat = 'string' | 'structured';

export function uuidFormatOf(options: ReadReqOptions): UuidFormat {
  return options.getUuidOption()?.hasStructured() ? 'structured' : 'string';
}

/** Canonical lower-case UUID string from either wire form; undefined if absent or malformed. */
export function parseUuid(uuid: UUID | undefined): string | undefined {
  if (!uuid) return undefined;
  if (uuid.hasStructured()) {
    const structured = uuid.getStructured();
    if (!structured) return undefined;
    const hex =
      BigInt.asUintN(64, BigInt(structured.getMostSignificantBits())).toString(16).padStart(16, '0') +
      BigInt.asUintN(64, BigInt(structured.getLeastSignificantBits())).toString(16).padStart(16, '0');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  const text = uuid.getString().toLowerCase();
  return UUID_PATTERN.test(text) ? text : undefined;
}

export function encodeUuid(id: string, format: UuidFormat): UUID {
  const uuid = new pb.UUID();
  if (format === 'string') return uuid.setString(id);
  const hex = id.replaceAll('-', '');
  const structured = new pb.UUID.Structured()
    .setMostSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(0, 16)}`)).toString())
    .setLeastSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(16)}`)).toString());
  return uuid.setStructured(structured);
}

export function streamIdentifier(streamName: string): InstanceType<typeof pb.StreamIdentifier> {
  return new pb.StreamIdentifier().setStreamName(Buffer.from(streamName, 'utf8'));
}

export function streamNameOf(identifier: InstanceType<typeof pb.StreamIdentifier> | undefined): string | undefined {
  if (!identifier) return undefined;
  return Buffer.from(identifier.getStreamName_asU8()).toString('utf8');
}

function recordedEvent(event: StoredEvent, uuidFormat: UuidFormat): RecordedEvent {
  const recorded = new pb.ReadResp.ReadEvent.RecordedEvent()
    .setId(encodeUuid(event.id, uuidFormat))
    .setStreamIdentifier(streamIdentifier(event.streamName))
    .setStreamRevision(event.revision.toString())
    .setCommitPosition(event.position.toString())
    .setPreparePosition(event.position.toString())
    .setData(event.data)
    .setCustomMetadata(event.customMetadata);
  recorded
    .getMetadataMap()
    .set('type', event.type)
    .set('content-type', event.contentType)
    .set('created', event.created.toString());
  return recorded;
}

/** `ReadResp{event}` carrying the event (no link: links are never resolved here). */
export function eventResp(event: StoredEvent, uuidFormat: UuidFormat): ReadResp {
  const readEvent = new pb.ReadResp.ReadEvent()
    .setEvent(recordedEvent(event, uuidFormat))
    .setCommitPosition(event.position.toString());
  return new pb.ReadResp().setEvent(readEvent);
}

export function confirmationResp(subscriptionId: string): ReadResp {
  return new pb.ReadResp().setConfirmation(
    new pb.ReadResp.SubscriptionConfirmation().setSubscriptionId(subscriptionId),
  );
}

export function caughtUpResp(): ReadResp {
  return new pb.ReadResp().setCaughtUp(new pb.ReadResp.CaughtUp());
}

export function checkpointResp(position: bigint): ReadResp {
  return new pb.ReadResp().setCheckpoint(
    new pb.ReadResp.Checkpoint().setCommitPosition(position.toString()).setPreparePosition(position.toString()),
  );
}

export function streamNotFoundResp(streamName: string): ReadResp {
  return new pb.ReadResp().setStreamNotFound(
    new pb.ReadResp.StreamNotFound().setStreamIdentifier(streamIdentifier(streamName)),
  );
}
