/**
 * Puts a backup made by `backup.ts` in place of the embedded store's data, with the service
 * stopped: the log and every side store together, so that none of them is ahead of the restored
 * log. The files it replaces are moved aside into `DATA_DIR/replaced-<time>/`, never deleted –
 * the read models among them, which the next start folds from the restored log.
 *
 * Positions handed out after the backup was taken (they may have reached clients and Kafka) are
 * read from the data being replaced and kept from ever being handed out again.
 */
import Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, open, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { headWitnessFileOf, LogHeadWitness, openSqliteEventStore, SQLITE_EVENT_STORE_FILE } from '../event-store/index.js';
import { CONSUMERS_FILE } from '../consumer/sqlite-consumer-store.js';
import { READ_MODELS_FILE } from '../read-models/sqlite.js';
import { CHECKPOINTS_DIRECTORY } from '../publisher/file-checkpoint-store.js';
import { DEFAULT_CHECKPOINT_NAME } from '../publisher/publisher.js';
import { SqliteSnapshotStore } from '../snapshots/store.js';
import { SqliteIdempotencyStore } from '../idempotency/store.js';
import { BACKUP_FORMAT, pageProgress, SIDE_DATABASES, syncDirectory } from './backup.js';
import { reconcileSideStores, type Report } from './integrity.js';

export type RestoreSummary = {
  logHead: string;
  createdAt: string;
  movedAside: string | undefined;
  /** New events take positions after this one. */
  nextAfter: string;
  restoredFiles: string[];
};

/** Throws unless no process has the log in DATA_DIR open: a restore or a repair needs the service stopped. */
export const ensureStopped = (dataDir: string): void => {
  const logFile = join(dataDir, SQLITE_EVENT_STORE_FILE);
  if (!existsSync(logFile)) return;
  const db = new Database(logFile, { fileMustExist: true, timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE; COMMIT');
  } catch (error) {
    throw new Error(`a process has ${logFile} open (${(error as { code?: string }).code ?? String(error)}): stop the service first`, {
      cause: error,
    });
  } finally {
    db.close();
  }
};

export const restoreDataDir = async (dataDir: string, file: string, progress: (line: string) => void, report: Report): Promise<RestoreSummary> => {
  if (!existsSync(file)) throw new Error(`there is no backup at ${file}`);
  const backup = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const info = readInfo(backup, file);
    const check = backup.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(`the backup ${file} is damaged (${String(check)}): take an older one`);
    const files = backup.prepare('SELECT name, content FROM backup_files').all() as Array<{ name: string; content: Buffer }>;
    progress(`backup of ${info.get('createdAt')} from ${info.get('dataDir')}: log up to position ${info.get('logHead')}`);

    await mkdir(dataDir, { recursive: true });
    ensureStopped(dataDir);
    const seen = positionsSeen(dataDir);
    const movedAside = await moveAside(dataDir);
    if (movedAside) progress(`moved the data it replaces to ${movedAside}`);

    const logFile = join(dataDir, SQLITE_EVENT_STORE_FILE);
    const copied = await backup.backup(logFile, { progress: pageProgress('event log', progress) });
    progress(`event log: all ${copied.totalPages} pages copied`);
    const log = new Database(logFile, { fileMustExist: true });
    try {
      log.exec('DROP TABLE backup_info; DROP TABLE backup_files;');
      log.pragma('journal_mode = WAL');
    } finally {
      log.close();
    }
    for (const { name, content } of files) await writeDurably(join(dataDir, name), content);
    progress(`restored ${[SQLITE_EVENT_STORE_FILE, ...files.map((f) => f.name)].join(', ')}`);

    const store = await openSqliteEventStore(dataDir);
    const idempotency = new SqliteIdempotencyStore(dataDir);
    const snapshots = new SqliteSnapshotStore(dataDir);
    try {
      if (seen > store.opened.nextAfter) store.reservePositionsThrough(seen);
      // Proof that the restored stores agree with the restored log: refuses otherwise.
      await reconcileSideStores({ dataDir, store, idempotency, snapshots, report });
      const nextAfter = seen > store.opened.nextAfter ? seen : store.opened.nextAfter;
      return {
        logHead: String(store.opened.logHead),
        createdAt: info.get('createdAt') ?? 'unknown',
        movedAside,
        nextAfter: String(nextAfter),
        restoredFiles: [SQLITE_EVENT_STORE_FILE, ...files.map((f) => f.name)],
      };
    } finally {
      snapshots.close();
      idempotency.close();
      await store.close();
    }
  } finally {
    backup.close();
  }
};

const readInfo = (backup: Database.Database, file: string): Map<string, string> => {
  let rows: Array<{ key: string; value: string }>;
  try {
    rows = backup.prepare('SELECT key, value FROM backup_info').all() as Array<{ key: string; value: string }>;
  } catch (error) {
    throw new Error(`${file} is not a backup made by \`npm run backup\` (${String(error)})`, { cause: error });
  }
  const info = new Map(rows.map((row) => [row.key, row.value]));
  if (info.get('format') !== BACKUP_FORMAT) {
    throw new Error(`${file} is a backup of format ${info.get('format') ?? 'unknown'}; this build restores ${BACKUP_FORMAT}`);
  }
  return info;
};

/** The highest position the data in place has handed out or seen, as far as any of its stores tells. */
const positionsSeen = (dataDir: string): bigint => {
  const seen: bigint[] = [0n];
  const logFile = join(dataDir, SQLITE_EVENT_STORE_FILE);
  const witnessFile = headWitnessFileOf(logFile);
  const attempt = (read: () => void) => {
    try {
      read();
    } catch {
      // Damaged data names no positions; the other stores may.
    }
  };
  if (existsSync(witnessFile)) {
    attempt(() => {
      const witness = new LogHeadWitness(witnessFile);
      try {
        const head = witness.read();
        seen.push(head.issued, head.acknowledged);
      } finally {
        witness.close();
      }
    });
  }
  if (existsSync(logFile)) {
    attempt(() => {
      const db = new Database(logFile, { fileMustExist: true });
      try {
        const row = db.prepare("SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0), coalesce((SELECT max(position) FROM events), 0)) AS seen").get() as { seen: number };
        seen.push(BigInt(row.seen));
      } finally {
        db.close();
      }
    });
  }
  if (existsSync(join(dataDir, SIDE_DATABASES[0]))) {
    attempt(() => {
      const idempotency = new SqliteIdempotencyStore(dataDir);
      try {
        seen.push(idempotency.answersPast(0n).highest ?? 0n);
      } finally {
        idempotency.close();
      }
    });
  }
  if (existsSync(join(dataDir, CONSUMERS_FILE))) {
    attempt(() => {
      const db = new Database(join(dataDir, CONSUMERS_FILE), { readonly: true, fileMustExist: true });
      try {
        const row = db.prepare('SELECT position FROM checkpoints WHERE name = ?').get(DEFAULT_CHECKPOINT_NAME) as { position: string | null } | undefined;
        if (row?.position) seen.push(BigInt(row.position));
      } finally {
        db.close();
      }
    });
  }
  const checkpoint = join(dataDir, CHECKPOINTS_DIRECTORY, `${DEFAULT_CHECKPOINT_NAME}.json`);
  if (existsSync(checkpoint)) {
    attempt(() => {
      const text = readFileSync(checkpoint, 'utf8');
      const position = (JSON.parse(text) as { position?: unknown }).position;
      if (typeof position === 'string' && /^\d+$/.test(position)) seen.push(BigInt(position));
    });
  }
  return seen.reduce((a, b) => (a > b ? a : b));
};

/** Moves every store file of DATA_DIR into a fresh `replaced-<time>` folder; answers it, or undefined when there was nothing. */
const moveAside = async (dataDir: string): Promise<string | undefined> => {
  const logFile = SQLITE_EVENT_STORE_FILE;
  // The read models are not in a backup: folded from the restored log, they cannot belong to another.
  const databases = [logFile, headWitnessFileOf(logFile), ...SIDE_DATABASES, READ_MODELS_FILE];
  const names = [...databases.flatMap((name) => [name, `${name}-wal`, `${name}-shm`]), CHECKPOINTS_DIRECTORY];
  const present = names.filter((name) => existsSync(join(dataDir, name)));
  if (present.length === 0) return undefined;
  const aside = join(dataDir, `replaced-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  await mkdir(aside);
  for (const name of present) await rename(join(dataDir, name), join(aside, name));
  await syncDirectory(dataDir);
  return aside;
};

const writeDurably = async (file: string, content: Buffer): Promise<void> => {
  await mkdir(dirname(file), { recursive: true });
  const handle = await open(file, 'wx');
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await syncDirectory(dirname(file));
};
