/**
 * The Kafka publisher: forwards the log's public events, at least once and in order per
 * engagement, with its checkpoint stores, status and metrics; and the AsyncAPI file writer.
 */
export { createPublisher, type CreatePublisherOptions } from './create-publisher.js';
export {
  EventPublisher,
  DEFAULT_CHECKPOINT_NAME,
  type EventPublisherOptions,
  type PublisherState,
  type PublisherStatus,
} from './publisher.js';
export { FileCheckpointStore, openFileCheckpointStore, CHECKPOINTS_DIRECTORY } from './file-checkpoint-store.js';
export { toOutgoingMessage } from './outgoing-message.js';
export type { ErrorStage } from './metrics.js';
