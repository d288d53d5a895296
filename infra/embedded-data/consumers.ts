/**
 * The log consumers' checkpoints and leases of the embedded default (`DATA_DIR/consumers.sqlite3`),
 * with the publisher's checkpoint file an earlier version kept in `DATA_DIR/checkpoints/` carried
 * over on the first start – so that an upgrade does not publish the whole history to Kafka again –
 * and renamed aside.
 */
import type { Logger } from 'pino';
import { adoptCheckpoint, type Checkpointer } from '../consumer/checkpointer.js';
import { SqliteConsumerStore } from '../consumer/sqlite-consumer-store.js';
import { DEFAULT_CHECKPOINT_NAME } from '../publisher/publisher.js';
import { openFileCheckpointStore } from '../publisher/file-checkpoint-store.js';

export const openConsumerStore = async (dataDir: string, logger?: Logger): Promise<SqliteConsumerStore> => {
  const store = SqliteConsumerStore.open(dataDir);
  try {
    await carryOverCheckpointFile(dataDir, store.checkpointer(), logger);
    return store;
  } catch (error) {
    store.close();
    throw error;
  }
};

/** Moves `DATA_DIR/checkpoints/kafka-publisher.json` into `to` unless `to` already has that checkpoint. */
export const carryOverCheckpointFile = async (dataDir: string, to: Checkpointer, logger?: Logger): Promise<void> => {
  const files = await openFileCheckpointStore(dataDir);
  const adopted = await adoptCheckpoint(files, to, DEFAULT_CHECKPOINT_NAME);
  await files.retire(DEFAULT_CHECKPOINT_NAME);
  if (adopted !== undefined) logger?.info({ checkpoint: DEFAULT_CHECKPOINT_NAME, position: adopted }, 'carried the checkpoint file in DATA_DIR over');
};
