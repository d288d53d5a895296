// Streams.Append (client streaming): one `options` message, then proposed messages.
import type { sendUnaryData, ServerReadableStream } from '@grpc/grpc-js';
import { invalidArgument, maximumAppendSizeExceeded, missingRequiredMetadata } from './errors.js';
import { pb, type AppendReq, type AppendReqOptions, type AppendResp } from './proto.js';
import type { AppendOutcome, EventLog, ExpectedRevision, ProposedEvent } from './store.js';
import { parseUuid, streamNameOf } from './wire.js';

/** EventStoreDB's default `MaxAppendSize` (1 MiB). */
export const DEFAULT_MAX_APPEND_SIZE = 1024 * 1024;

type Rejection = ReturnType<typeof invalidArgument>;

export function appendHandler(log: EventLog, maxAppendSize = DEFAULT_MAX_APPEND_SIZE) {
  return (call: ServerReadableStream<AppendReq, AppendResp>, callback: sendUnaryData<AppendResp>): void => {
    const messages: AppendReq[] = [];
    let failed = false;
    call.on('data', (message: AppendReq) => messages.push(message));
    call.on('error', () => {
      failed = true; // client cancelled or the transport broke: nothing is written
    });
    call.on('end', () => {
      if (failed || call.cancelled) return;
      let result: ReturnType<typeof handleAppend>;
      try {
        result = handleAppend(log, messages, maxAppendSize);
      } catch (error) {
        result = { rejection: invalidArgument(`Malformed append: ${String(error)}`) };
      }
      if ('rejection' in result) callback(result.rejection);
      else callback(null, result.response);
    });
  };
}

function handleAppend(
  log: EventLog,
  messages: readonly AppendReq[],
  maxAppendSize: number,
): { response: AppendResp } | { rejection: Rejection } {
  const [header, ...rest] = messages;
  const options = header?.getOptions();
  if (!options) return { rejection: invalidArgument('The first AppendReq must carry options') };
  const streamName = streamNameOf(options.getStreamIdentifier());
  if (streamName === undefined) return { rejection: invalidArgument('AppendReq.options.stream_identifier is required') };
  const expected = expectedRevisionOf(options);
  if (!expected) return { rejection: invalidArgument('AppendReq.options has no expected stream revision') };

  const events: ProposedEvent[] = [];
  let size = 0;
  for (const message of rest) {
    const proposed = message.getProposedMessage();
    if (!proposed) return { rejection: invalidArgument('Only proposed messages may follow the AppendReq options') };
    const metadata = proposed.getMetadataMap();
    const type = metadata.get('type');
    const contentType = metadata.get('content-type');
    const missing = [type === undefined ? 'type' : undefined, contentType === undefined ? 'content-type' : undefined];
    if (type === undefined || contentType === undefined) {
      return { rejection: missingRequiredMetadata(missing.filter((m): m is string => m !== undefined)) };
    }
    const id = parseUuid(proposed.getId());
    if (id === undefined) return { rejection: invalidArgument('Proposed message id must be a UUID') };
    const data = proposed.getData_asU8();
    const customMetadata = proposed.getCustomMetadata_asU8();
    size += data.byteLength + customMetadata.byteLength + Buffer.byteLength(type);
    if (size > maxAppendSize) return { rejection: maximumAppendSizeExceeded(maxAppendSize) };
    events.push({ id, type, contentType, data, customMetadata });
  }

  return { response: toResponse(log.append(streamName, expected, events), expected) };
}

function expectedRevisionOf(options: AppendReqOptions): ExpectedRevision | undefined {
  if (options.hasRevision()) return { kind: 'revision', revision: BigInt(options.getRevision()) };
  if (options.hasNoStream()) return { kind: 'no_stream' };
  if (options.hasStreamExists()) return { kind: 'stream_exists' };
  if (options.hasAny()) return { kind: 'any' };
  return undefined;
}

function toResponse(outcome: AppendOutcome, expected: ExpectedRevision): AppendResp {
  const response = new pb.AppendResp();
  if (outcome.ok) {
    const success = new pb.AppendResp.Success();
    if (outcome.currentRevision === undefined) success.setNoStream(new pb.Empty());
    else success.setCurrentRevision(outcome.currentRevision.toString());
    if (outcome.position === undefined) success.setNoPosition(new pb.Empty());
    else {
      const position = outcome.position.toString();
      success.setPosition(new pb.AppendResp.Position().setCommitPosition(position).setPreparePosition(position));
    }
    return response.setSuccess(success);
  }

  // Current servers fill both the 20.6.0-era fields and the newer ones.
  const wrong = new pb.AppendResp.WrongExpectedVersion();
  if (outcome.currentRevision === undefined) {
    wrong.setCurrentNoStream(new pb.Empty()).setNoStream2060(new pb.Empty());
  } else {
    wrong.setCurrentRevision(outcome.currentRevision.toString());
    wrong.setCurrentRevision2060(Number(outcome.currentRevision));
  }
  switch (expected.kind) {
    case 'any':
      wrong.setExpectedAny(new pb.Empty()).setAny2060(new pb.Empty());
      break;
    case 'stream_exists':
      wrong.setExpectedStreamExists(new pb.Empty()).setStreamExists2060(new pb.Empty());
      break;
    case 'no_stream':
      wrong.setExpectedNoStream(new pb.Empty()); // the 20.6.0 oneof has no `no_stream` case
      break;
    case 'revision':
      wrong.setExpectedRevision(expected.revision.toString());
      wrong.setExpectedRevision2060(Number(expected.revision));
      break;
  }
  return response.setWrongExpectedVersion(wrong);
}
