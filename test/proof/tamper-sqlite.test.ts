import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { openSqliteEventStore, SQLITE_EVENT_STORE_FILE } from '../../infra/event-store/index.js';
import { tamperSuite } from './tamper.js';

type Row = { position: number; event_id: string; stream_id: string; revision: number; type: string; engagement_id: string; data: string; metadata: string };

tamperSuite(t, 'SqliteEventStore', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tamper-sqlite-'));
  const store = await openSqliteEventStore(dir);
  // What a DBA has: the file, opened with the SQLite library, beside the running service.
  const file = new Database(join(dir, SQLITE_EVENT_STORE_FILE));
  const row = (streamId: string, revision: number) =>
    file.prepare<[string, number], Row>('SELECT * FROM events WHERE stream_id = ? AND revision = ?').get(streamId, revision)!;
  const insertRow = file.prepare<Row>(
    'INSERT INTO events (position, event_id, stream_id, revision, type, engagement_id, data, metadata) VALUES (@position, @event_id, @stream_id, @revision, @type, @engagement_id, @data, @metadata)',
  );
  return {
    store,
    close: async () => {
      file.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
    tampering: {
      editByte: async (streamId, revision) => {
        const { position, data } = row(streamId, revision);
        file.prepare('UPDATE events SET data = ? WHERE position = ?').run(data.replace('quotes', 'quotez'), position);
      },
      remove: async (streamId, revision) => void file.prepare('DELETE FROM events WHERE stream_id = ? AND revision = ?').run(streamId, revision),
      swap: async (streamId, a, b) =>
        file.transaction(() => {
          const [first, second] = [row(streamId, a), row(streamId, b)];
          const update = file.prepare('UPDATE events SET event_id = ?, type = ?, data = ?, metadata = ? WHERE position = ?');
          update.run(`swapping-${first.event_id}`, first.type, first.data, first.metadata, first.position);
          update.run(first.event_id, first.type, first.data, first.metadata, second.position);
          update.run(second.event_id, second.type, second.data, second.metadata, first.position);
        })(),
      insert: async (forged) =>
        file.transaction(() => {
          const later = file
            .prepare<[string, number], Row>('SELECT * FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision DESC')
            .all(forged.streamId, forged.revision);
          for (const event of later) file.prepare('UPDATE events SET revision = revision + 1 WHERE position = ?').run(event.position);
          const before = file
            .prepare<[string, number], { position: number }>('SELECT position FROM events WHERE stream_id = ? AND revision < ? ORDER BY revision DESC LIMIT 1')
            .get(forged.streamId, forged.revision)!.position;
          const moving = file.prepare<[number], { position: number }>('SELECT position FROM events WHERE position > ? ORDER BY position DESC').all(before);
          for (const { position } of moving) file.prepare('UPDATE events SET position = position + 1 WHERE position = ?').run(position);
          insertRow.run({
            position: before + 1,
            event_id: forged.eventId,
            stream_id: forged.streamId,
            revision: forged.revision,
            type: forged.type,
            engagement_id: String(forged.metadata.engagementId),
            data: JSON.stringify(forged.data),
            metadata: JSON.stringify(forged.metadata),
          });
        })(),
      snapshot: async () => {
        const copy = file.prepare<[], Row>('SELECT * FROM events ORDER BY position').all();
        return async () =>
          file.transaction(() => {
            file.prepare('DELETE FROM events').run();
            for (const event of copy) insertRow.run(event);
          })();
      },
    },
  };
});
