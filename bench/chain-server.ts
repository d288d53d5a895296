/**
 * The HTTP API on the embedded log with the chain (CHAIN=on) or without it (CHAIN=off), for
 * `bench/proof.ts` to compare commands/s over HTTP in one run; with READ_SIDE=off, without its read
 * side – no projector, no read models folding – for `bench/commands.ts` (COMMAND_PATH=1) to show
 * what the command path alone delivers. A benchmark's fixture, not a way to run the service: the
 * service has no switch that turns the chain or the read side off.
 *
 *   DATA_DIR=<dir> CHAIN=off node --import tsx bench/chain-server.ts
 *
 * It composes what a command goes through in the service – token check, validation, idempotency,
 * the command bus, the SQLite log with its group commit and syncs, the projector folding the events
 * into the read models – on in-memory read models and idempotency answers, and prints its address.
 * Unlike `npm start` it logs nothing and keeps no read models in SQLite.
 */
import { pino } from 'pino';
import { openSqliteEventStore } from '../infra/event-store/index.js';
import { serializeEvent, type Sealing } from '../infra/event-store/serialization.js';
import { InMemoryIdempotencyStore } from '../infra/idempotency/store.js';
import { createTokenVerifier } from '../infra/identity/index.js';
import { InMemoryReadModelStore } from '../infra/read-models/index.js';
import { buildApp } from '../services/http/app.js';
import { createMetrics } from '../services/http/metrics.js';
import { startProjector } from '../services/wiring/read-side.js';
import { BENCH_SECRET } from './support.js';

/** The same events as the chain stores, without their proofs: what the log held before the chain. */
const unchained: Sealing = (_stream, _firstRevision, _prev, envelopes) => ({ serialized: envelopes.map(serializeEvent), last: '' });

const dataDir = process.env['DATA_DIR'];
if (!dataDir) throw new Error('DATA_DIR names the directory of the log');
const store = await openSqliteEventStore(dataDir, process.env['CHAIN'] === 'off' ? { sealing: unchained } : {});
const readModels = new InMemoryReadModelStore({ freezeDocuments: false });
const metrics = createMetrics();
const readSide =
  process.env['READ_SIDE'] === 'off'
    ? undefined
    : await startProjector({ eventStore: store, readModels, logger: pino({ level: 'silent' }), registry: metrics.registry });
const app = await buildApp({
  store,
  idempotency: new InMemoryIdempotencyStore(),
  readModels,
  identity: createTokenVerifier({ secret: BENCH_SECRET, claims: { roles: 'roles', name: 'name' }, maxTokenAgeSeconds: 12 * 3600 }),
  // Without a read side nothing is waited for: commands do not wait on the read models anyway.
  readYourWrites: readSide?.readYourWrites ?? { waitFor: async () => {} },
  readinessChecks: readSide ? [readSide.check] : [],
  ...(readSide ? { projector: readSide.projector } : {}),
  metrics,
});
const address = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`serving on ${address}\n`);
process.once('SIGTERM', () => {
  void (async () => {
    await app.close();
    await readSide?.projector.stop();
    await store.close();
    process.exit(0);
  })();
});
