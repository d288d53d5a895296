/**
 * Checkpoints as small JSON files, for the embedded mode (`DATA_DIR/checkpoints/<name>.json`). A
 * save writes a temporary file, flushes it to disk and renames it over the old one, so that a
 * crash leaves either the old or the new checkpoint, never a torn one.
 */
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointStoreError, type Checkpointer } from '../consumer/checkpointer.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export class FileCheckpointStore implements Checkpointer {
  #temporaries = 0;

  private constructor(readonly directory: string) {}

  /** Opens the store in `directory`, creating it as needed. */
  static async open(directory: string): Promise<FileCheckpointStore> {
    try {
      await mkdir(directory, { recursive: true });
    } catch (error) {
      throw new CheckpointStoreError(`cannot create the checkpoint directory ${directory}: ${String(error)}`, { cause: error });
    }
    return new FileCheckpointStore(directory);
  }

  async load(name: string): Promise<string | undefined> {
    const file = this.#file(name);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new CheckpointStoreError(`cannot read the checkpoint ${file}: ${String(error)}`, { cause: error });
    }
    const position = parseCheckpoint(text);
    // Starting over from the beginning would republish everything: a damaged file stops the consumer instead.
    if (position === undefined) throw new CheckpointStoreError(`the checkpoint ${file} is damaged: ${JSON.stringify(text.slice(0, 200))}`);
    return position;
  }

  async save(name: string, position: string): Promise<void> {
    const file = this.#file(name);
    const temporary = `${file}.${process.pid}.${++this.#temporaries}.tmp`;
    try {
      const handle = await open(temporary, 'w');
      try {
        await handle.writeFile(`${JSON.stringify({ position, savedAt: new Date().toISOString() })}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, file);
      await this.#syncDirectory();
    } catch (error) {
      await rm(temporary, { force: true }).catch(() => {});
      throw new CheckpointStoreError(`cannot save the checkpoint ${file}: ${String(error)}`, { cause: error });
    }
  }

  /** Renames the file aside once its position lives elsewhere, so that nothing reads it again. */
  async retire(name: string): Promise<void> {
    const file = this.#file(name);
    try {
      await rename(file, `${file}.migrated`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new CheckpointStoreError(`cannot rename ${file}: ${String(error)}`, { cause: error });
    }
  }

  #file(name: string): string {
    if (!NAME.test(name)) throw new CheckpointStoreError(`not a checkpoint name: ${JSON.stringify(name)}`);
    return join(this.directory, `${name}.json`);
  }

  /** Makes the rename itself durable. */
  async #syncDirectory(): Promise<void> {
    if (process.platform === 'win32') return; // directories cannot be opened for fsync there
    const handle = await open(this.directory, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
}

const parseCheckpoint = (text: string): string | undefined => {
  try {
    const parsed = JSON.parse(text) as { position?: unknown };
    return typeof parsed.position === 'string' && parsed.position.length > 0 ? parsed.position : undefined;
  } catch {
    return undefined;
  }
};

export const CHECKPOINTS_DIRECTORY = 'checkpoints';

/** The checkpoint store of the embedded mode: `dataDir/checkpoints`. */
export const openFileCheckpointStore = (dataDir: string): Promise<FileCheckpointStore> =>
  FileCheckpointStore.open(join(dataDir, CHECKPOINTS_DIRECTORY));
