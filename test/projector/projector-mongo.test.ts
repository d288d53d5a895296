/**
 * The projector scenarios where the store matters (catch-up and live, redelivery, a crash between
 * write and checkpoint, rebuild and swap) against the MongoDB-wire test server; skipped when
 * MONGO_URL is not set (npm run infra:up; set -a; . .infra/env; set +a).
 */
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { MongoClient } from 'mongodb';
import { MongoReadModelStore } from '../../infra/read-models/index.js';
import { projectorScenarios } from './scenarios.js';

const mongoUrl = process.env['MONGO_URL'];

t.test('against MongoDB', { skip: !mongoUrl && 'MONGO_URL not set' }, async (t) => {
  const url = mongoUrl!;
  projectorScenarios(t, 'MongoDB', async () => {
    const dbName = `projector_test_${randomUUID().slice(0, 8)}`;
    const store = await MongoReadModelStore.open(url, { dbName, serverSelectionTimeoutMS: 5_000 });
    return {
      store,
      close: async () => {
        const client = await MongoClient.connect(url);
        await client.db(dbName).dropDatabase().catch(() => undefined);
        await client.close();
        await store.close();
      },
    };
  });
});
