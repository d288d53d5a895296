/**
 * The file of the kept read models (`read-models.sqlite3`): how a connection to it is opened, its
 * schema, and the one transaction that writes a batch of documents with their checkpoints. The
 * store's own connection (`sqlite.ts`) and the writer's thread (`sqlite-writer-thread.ts`) both open
 * it from here.
 */
import Database from 'better-sqlite3';

const SCHEMA = `
  -- Rows in the order they were first written (the rowid), found by the index: ids are random
  -- (event ids, UUIDs), and a table ordered by them would take every new document in a random page.
  CREATE TABLE IF NOT EXISTS documents (
    collection   TEXT NOT NULL,
    id           TEXT NOT NULL,
    -- The last applied position in the order-preserving form of position-key.ts; NULL document: deleted.
    position_key TEXT NOT NULL,
    document     TEXT
  ) STRICT;
  CREATE UNIQUE INDEX IF NOT EXISTS documents_by_id ON documents (collection, id);
  CREATE TABLE IF NOT EXISTS checkpoints (
    projection   TEXT PRIMARY KEY,
    position_key TEXT,
    fence        INTEGER
  ) STRICT;
  CREATE TABLE IF NOT EXISTS facts (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) STRICT;
  -- The collections a rebuild is filling: found without scanning every document.
  CREATE TABLE IF NOT EXISTS staging (
    collection TEXT PRIMARY KEY,
    name       TEXT NOT NULL
  ) STRICT;
`;

/** The highest position any document write carried, kept with the writes so that the start need not scan the documents. */
export const HIGHEST_WRITTEN = 'highestWritten';

export const SAVE_FENCE = `INSERT INTO checkpoints (projection, fence) VALUES (?, ?) ON CONFLICT (projection) DO UPDATE SET fence = excluded.fence`;

/** Opens (and creates) the file: WAL, so that the store reads while the writer writes. */
export const openReadModelsFile = (file: string): Database.Database => {
  const db = new Database(file, { timeout: 5_000 });
  try {
    db.pragma('journal_mode = WAL');
    // Losing the last commits in a power cut loses nothing that matters: they are folded from the log again.
    db.pragma('synchronous = NORMAL');
    // A catch-up writes every document of the log's history: the pages of the index stay in memory, and the log is
    // copied into the file in fewer, larger steps.
    db.pragma('cache_size = -65536');
    db.pragma('wal_autocheckpoint = 8192');
    db.exec(SCHEMA);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
};

/** Documents and checkpoints that go to the file together; documents already serialized (`null`: deleted). */
export type WriteBatch = {
  documents: Array<[collection: string, id: string, positionKey: string, document: string | null]>;
  /** The highest position key among the documents ('' if none). */
  highest: string;
  checkpoints: Array<[projection: string, positionKey: string, fence: number | null]>;
};

/**
 * The transaction that writes a batch. A document is replaced only by a write of a later position,
 * so a batch delivered again (after a crash between documents and checkpoint) changes nothing twice.
 */
export const batchWriter = (db: Database.Database): ((batch: WriteBatch) => void) => {
  const upsert = db.prepare<[string, string, string, string | null]>(
    `INSERT INTO documents (collection, id, position_key, document) VALUES (?, ?, ?, ?)
     ON CONFLICT (collection, id) DO UPDATE SET position_key = excluded.position_key, document = excluded.document
     WHERE documents.position_key < excluded.position_key`,
  );
  const raiseHighest = db.prepare<[string, string]>(
    `INSERT INTO facts (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE excluded.value > facts.value`,
  );
  const saveFence = db.prepare<[string, number]>(SAVE_FENCE);
  const saveCheckpoint = db.prepare<[string, string]>(
    `INSERT INTO checkpoints (projection, position_key) VALUES (?, ?) ON CONFLICT (projection) DO UPDATE SET position_key = excluded.position_key`,
  );
  return db.transaction((batch: WriteBatch) => {
    for (const [collection, id, key, document] of batch.documents) upsert.run(collection, id, key, document);
    if (batch.highest !== '') raiseHighest.run(HIGHEST_WRITTEN, batch.highest);
    for (const [projection, key, fence] of batch.checkpoints) {
      if (fence !== null) saveFence.run(projection, fence);
      saveCheckpoint.run(projection, key);
    }
  });
};
