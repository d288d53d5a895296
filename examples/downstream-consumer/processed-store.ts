/**
 * The consumer's own record, in one SQLite file: the ids of the events it has processed (to drop
 * redeliveries) and the messages it parked because they broke the contract. Your handler's writes
 * to the same database happen in the same transaction as the id's record, so an event's effect
 * is applied exactly once even though Kafka delivers it at least once.
 */
import Database from 'better-sqlite3';

export type MessageOrigin = { topic: string; partition: number; offset: string };

export class ProcessedStore {
  readonly db: Database.Database;
  readonly #has: Database.Statement<[string], { one: number }>;
  readonly #record: Database.Statement<[string, string, string, string, number, string, string]>;
  readonly #park: Database.Statement<[string, number, string, string | null, string, string | null, string]>;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    // FULL: a recorded id survives a power cut, so a committed offset never outlives its record.
    this.db.pragma('synchronous = FULL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS processed_events (
        event_id      TEXT PRIMARY KEY,
        type          TEXT NOT NULL,
        engagement_id TEXT NOT NULL,
        topic         TEXT NOT NULL,
        partition     INTEGER NOT NULL,
        "offset"      TEXT NOT NULL,
        processed_at  TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS parked_messages (
        topic       TEXT NOT NULL,
        partition   INTEGER NOT NULL,
        "offset"    TEXT NOT NULL,
        event_id    TEXT,
        reason      TEXT NOT NULL,
        value       TEXT,
        parked_at   TEXT NOT NULL,
        PRIMARY KEY (topic, partition, "offset")
      );`);
    this.#has = this.db.prepare('SELECT 1 AS one FROM processed_events WHERE event_id = ?');
    this.#record = this.db.prepare(
      'INSERT INTO processed_events (event_id, type, engagement_id, topic, partition, "offset", processed_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.#park = this.db.prepare(
      'INSERT OR IGNORE INTO parked_messages (topic, partition, "offset", event_id, reason, value, parked_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
  }

  isProcessed(eventId: string): boolean {
    return this.#has.get(eventId) !== undefined;
  }

  /**
   * Runs `apply` and records the id in one transaction; false (and nothing applied) when the id
   * was recorded already.
   */
  processOnce(event: { id: string; type: string; engagementId: string }, origin: MessageOrigin, apply: () => void): boolean {
    return this.db.transaction(() => {
      if (this.isProcessed(event.id)) return false;
      apply();
      this.#record.run(event.id, event.type, event.engagementId, origin.topic, origin.partition, origin.offset, new Date().toISOString());
      return true;
    })();
  }

  /** Keeps a message that cannot be processed, for a person to look at; the consumer moves on. */
  park(origin: MessageOrigin, eventId: string | undefined, reason: string, value: string | undefined): void {
    this.#park.run(origin.topic, origin.partition, origin.offset, eventId ?? null, reason, value ?? null, new Date().toISOString());
  }

  parked(): { eventId: string | null; reason: string; offset: string; partition: number }[] {
    return this.db
      .prepare('SELECT event_id AS eventId, reason, "offset" AS offset, partition FROM parked_messages ORDER BY parked_at')
      .all() as { eventId: string | null; reason: string; offset: string; partition: number }[];
  }

  /** Ids can be forgotten once older than the topic's retention: no redelivery can bring them back. */
  forgetProcessedBefore(instant: Date): number {
    return this.db.prepare('DELETE FROM processed_events WHERE processed_at < ?').run(instant.toISOString()).changes;
  }

  close(): void {
    this.db.close();
  }
}
