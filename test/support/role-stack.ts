/**
 * The built role processes against the real servers (MongoDB for read models, checkpoints, leases
 * and anchors; Kafka), sharing one embedded log in a DATA_DIR of the test's own (so that no other
 * suite's events mix in), each run with a database and a topic of its own.
 */
import type { Test } from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { openSqliteEventStore, type SqliteEventStore } from '../../infra/event-store/index.js';
import { MongoReadModelStore } from '../../infra/read-models/index.js';
import { startRole, type RoleProcess } from './service-process.js';
import { deleteTopic } from '../kafka/support/kafka.js';

const { MONGO_URL, KAFKA_BROKERS } = process.env;
const missing = ['MONGO_URL', 'KAFKA_BROKERS'].filter((variable) => !process.env[variable]);
export const skip = missing.length > 0 && process.env['REQUIRE_INFRA'] !== '1' && `${missing.join(', ')} not set`;

/** Short terms, so the test runs in seconds; production defaults are in README.md, "Operations". */
export const LEASE = { CONSUMER_LEASE_TTL_MS: '2000', CONSUMER_LEASE_RENEW_MS: '500', CONSUMER_LEASE_ACQUIRE_MS: '300' };
/** The documented failover time – TTL + ACQUIRE – and room for a busy machine to notice. */
export const TAKEOVER_MS = 2_000 + 300 + 3_000;

export const waitFor = async <T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 60_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

export type Stack = {
  dataDir: string;
  mongoUrl: string;
  topic: string;
  log: SqliteEventStore;
  store: MongoReadModelStore;
  env: Record<string, string | undefined>;
  roles: RoleProcess[];
  start(role: 'api' | 'projector' | 'publisher', extra?: Record<string, string>): Promise<RoleProcess>;
  /** The pid of the lease's holder, from its holder name (host:pid:nonce), while its term runs. */
  holder(group: string): Promise<number | undefined>;
};

export const stack = async (t: Test, extraEnv: Record<string, string> = {}): Promise<Stack> => {
  const run = randomUUID().slice(0, 8);
  const dataDir = mkdtempSync(join(tmpdir(), 'crm-failover-'));
  const dbName = `crm_failover_${run}`;
  const mongoUrl = `${MONGO_URL!.replace(/\/[^/]*$/, '')}/${dbName}`;
  const topic = `test.failover.${run}`;
  const log = await openSqliteEventStore(dataDir);
  const store = await MongoReadModelStore.open(mongoUrl);
  const env = { DATA_DIR: dataDir, MONGO_URL: mongoUrl, KAFKA_BROKERS, KAFKA_TOPIC: topic, AUTH_JWT_SECRET: 'failover-secret-failover-secret-0123456', IDS_SECRET: `ids-${run}-0123456789abcdef0123456789`, ...LEASE, ...extraEnv };
  const roles: RoleProcess[] = [];
  t.teardown(async () => {
    if (!t.passing()) for (const role of roles) t.comment(`${role.pid}:\n${role.log().slice(-3_000)}`);
    for (const role of roles) await role.stop().catch(() => undefined);
    await log.close();
    await store.database.dropDatabase().catch(() => undefined);
    await store.close();
    await deleteTopic(topic).catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  });
  return {
    dataDir,
    mongoUrl,
    topic,
    log,
    store,
    env,
    roles,
    start: async (role, extra = {}) => {
      const started = await startRole(role, { ...env, ...extra });
      roles.push(started);
      return started;
    },
    holder: async (group) => {
      const lease = await store.database.collection<{ _id: string; holder: string; expiresAt: number }>('consumer_leases').findOne({ _id: group });
      if (lease === null || lease.expiresAt <= Date.now()) return undefined;
      return Number(lease.holder.split(':').at(-2));
    },
  };
};

