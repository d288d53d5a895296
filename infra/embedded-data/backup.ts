/**
 * A consistent copy of the embedded store's data, taken while the service runs: the event log
 * through SQLite's online backup API, and beside it the stores that depend on it – the answers of
 * idempotent requests, the snapshots, the publisher's checkpoint (`consumers.sqlite3`, and the file an
 * earlier version kept).
 *
 * The backup is one SQLite file: the log's own tables, plus `backup_info` (what, when, up to which
 * position) and `backup_files` (the side stores, each a consistent image of its file). The side
 * stores are copied first and the log last, so the copy of the log holds at least every write the
 * copied side stores witnessed; side stores behind their log are harmless (a retried request runs
 * again and is recognised by its event ids, a snapshot is older, the publisher republishes).
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { SQLITE_EVENT_STORE_FILE } from '../event-store/index.js';
import { CHECKPOINTS_DIRECTORY } from '../publisher/file-checkpoint-store.js';
import { SNAPSHOTS_FILE } from '../snapshots/store.js';
import { CONSUMERS_FILE } from '../consumer/sqlite-consumer-store.js';
import { IDEMPOTENCY_FILE } from '../idempotency/store.js';

export const BACKUP_FORMAT = 'crm-discovery-backup/1';

/** The side stores a backup carries, by their path in DATA_DIR. */
export const SIDE_DATABASES = [IDEMPOTENCY_FILE, SNAPSHOTS_FILE, CONSUMERS_FILE] as const;

export type BackupSummary = { file: string; logHead: string; events: number; sideFiles: string[]; bytes: number };

export const backupDataDir = async (dataDir: string, file: string, progress: (line: string) => void): Promise<BackupSummary> => {
  const logFile = join(dataDir, SQLITE_EVENT_STORE_FILE);
  if (!existsSync(logFile)) throw new Error(`there is no event log at ${logFile}: check DATA_DIR`);
  if (existsSync(file)) throw new Error(`${file} exists already: name a new file, or delete the old one first`);

  const sideFiles = new Map<string, Buffer>();
  for (const name of SIDE_DATABASES) {
    const path = join(dataDir, name);
    if (!existsSync(path)) continue;
    const db = new Database(path, { fileMustExist: true, timeout: 5_000 });
    try {
      sideFiles.set(name, db.serialize());
    } finally {
      db.close();
    }
  }
  const checkpointDir = join(dataDir, CHECKPOINTS_DIRECTORY);
  if (existsSync(checkpointDir)) {
    for (const name of await readdir(checkpointDir)) {
      // Saved by rename over the old file: what is read is one whole checkpoint.
      if (name.endsWith('.json')) sideFiles.set(`${CHECKPOINTS_DIRECTORY}/${name}`, await readFile(join(checkpointDir, name)));
    }
  }
  progress(`copied ${[...sideFiles.keys()].join(', ') || 'no side stores'}`);

  const partial = join(dirname(file), `.${Date.now()}.${process.pid}.backup-partial`);
  try {
    const source = new Database(logFile, { fileMustExist: true, timeout: 5_000 });
    try {
      const copied = await source.backup(partial, { progress: pageProgress('event log', progress) });
      progress(`event log: all ${copied.totalPages} pages copied`);
    } finally {
      source.close();
    }

    const copy = new Database(partial);
    let summary: Omit<BackupSummary, 'bytes' | 'file'>;
    try {
      copy.pragma('journal_mode = DELETE');
      const { head, events } = copy.prepare('SELECT coalesce(max(position), 0) AS head, count(*) AS events FROM events').get() as {
        head: number;
        events: number;
      };
      copy.exec(`CREATE TABLE backup_info (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
                 CREATE TABLE backup_files (name TEXT PRIMARY KEY, content BLOB NOT NULL) STRICT;`);
      const info = copy.prepare('INSERT INTO backup_info VALUES (?, ?)');
      const put = copy.prepare('INSERT INTO backup_files VALUES (?, ?)');
      copy.transaction(() => {
        info.run('format', BACKUP_FORMAT);
        info.run('createdAt', new Date().toISOString());
        info.run('logHead', String(head));
        info.run('dataDir', dataDir);
        for (const [name, content] of sideFiles) put.run(name, content);
      })();
      const check = copy.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new Error(`the copy failed its integrity check: ${String(check)}`);
      summary = { logHead: String(head), events, sideFiles: [...sideFiles.keys()] };
    } finally {
      copy.close();
    }
    const handle = await open(partial, 'r+');
    let bytes: number;
    try {
      await handle.sync();
      bytes = (await handle.stat()).size;
    } finally {
      await handle.close();
    }
    await rename(partial, file);
    await syncDirectory(dirname(file));
    return { file, ...summary, bytes };
  } catch (error) {
    await rm(partial, { force: true });
    await rm(`${partial}-journal`, { force: true });
    throw error;
  }
};

/**
 * Copies in one step: SQLite starts a stepwise copy over whenever another connection commits
 * between two steps, which under steady writes may be forever. One step is one read transaction,
 * which in WAL mode does not hold writers up; it blocks only this process, the CLI's.
 */
export const pageProgress = (what: string, progress: (line: string) => void) => ({ totalPages }: { totalPages: number }) => {
  progress(`${what}: copying ${totalPages} pages`);
  return 0x7fffffff;
};

export const syncDirectory = async (directory: string): Promise<void> => {
  if (process.platform === 'win32') return;
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
};
