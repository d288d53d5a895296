/**
 * Snapshots of stream states, so that the first command on a long stream after a restart reads the
 * events after the snapshot instead of the whole stream. A snapshot is a cache, never a source of
 * truth: it is kept in its own file, may be deleted at any time, and is ignored when it was taken
 * with another shape of state (`SNAPSHOT_SCHEMA`) – the stream is then folded from its start.
 * A snapshot of a revision the log does not have (the log was restored from an older copy, or lost
 * its last commits) is dropped with a warning, and the stream is folded from the log.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';

/** Bump when any aggregate's state shape changes: older snapshots are then ignored. */
export const SNAPSHOT_SCHEMA = 3;
/** How many events a stream grows past its last snapshot before it gets a new one. */
export const SNAPSHOT_EVERY = 200;

export type Snapshot = { revision: number; state: unknown };

export interface SnapshotStore {
  load(stream: string): Snapshot | undefined;
  save(stream: string, snapshot: Snapshot): void;
  /** Drops the snapshot of `stream`, saying why. */
  discard(stream: string, why: string): void;
  close(): void;
}

export const SNAPSHOTS_FILE = 'snapshots.sqlite3';

export class InMemorySnapshotStore implements SnapshotStore {
  private readonly snapshots = new Map<string, string>();
  load(stream: string) {
    const found = this.snapshots.get(stream);
    return found === undefined ? undefined : (JSON.parse(found) as Snapshot);
  }
  save(stream: string, snapshot: Snapshot) {
    this.snapshots.set(stream, JSON.stringify(snapshot));
  }
  discard(stream: string) {
    this.snapshots.delete(stream);
  }
  close() {}
}

export class SqliteSnapshotStore implements SnapshotStore {
  private readonly db: Database.Database;
  private readonly select: Database.Statement<[string, number]>;
  private readonly upsert: Database.Statement<[string, number, number, string]>;
  private readonly remove: Database.Statement<[string]>;

  constructor(dataDir: string, private readonly logger?: Logger) {
    mkdirSync(dataDir, { recursive: true });
    this.db = new Database(join(dataDir, SNAPSHOTS_FILE));
    this.db.pragma('journal_mode = WAL');
    // A lost snapshot costs a longer fold, nothing else: no fsync per write.
    this.db.pragma('synchronous = OFF');
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS snapshots (stream TEXT PRIMARY KEY, schema INTEGER NOT NULL, revision INTEGER NOT NULL, state TEXT NOT NULL) WITHOUT ROWID',
    );
    this.select = this.db.prepare('SELECT revision, state FROM snapshots WHERE stream = ? AND schema = ?');
    this.upsert = this.db.prepare('INSERT OR REPLACE INTO snapshots (stream, schema, revision, state) VALUES (?, ?, ?, ?)');
    this.remove = this.db.prepare('DELETE FROM snapshots WHERE stream = ?');
  }

  /** Every stream with a snapshot, and the revision it was taken at. */
  revisions(): Array<{ stream: string; revision: number }> {
    return this.db.prepare('SELECT stream, revision FROM snapshots WHERE schema = ?').all(SNAPSHOT_SCHEMA) as Array<{ stream: string; revision: number }>;
  }

  load(stream: string): Snapshot | undefined {
    try {
      const row = this.select.get(stream, SNAPSHOT_SCHEMA) as { revision: number; state: string } | undefined;
      return row ? { revision: row.revision, state: JSON.parse(row.state) } : undefined;
    } catch {
      return undefined;
    }
  }

  save(stream: string, snapshot: Snapshot): void {
    try {
      this.upsert.run(stream, SNAPSHOT_SCHEMA, snapshot.revision, JSON.stringify(snapshot.state));
    } catch {
      // A snapshot that cannot be written is only a missed shortcut.
    }
  }

  discard(stream: string, why: string): void {
    this.logger?.warn({ stream, file: this.db.name }, `dropping the snapshot of ${stream}: ${why}`);
    this.remove.run(stream);
  }

  close(): void {
    this.db.close();
  }
}
