/**
 * The anchoring with the roles apart, against the real servers: the publisher role anchors under
 * its lease and keeps the anchors in MongoDB, where an api process of its own verifies against them
 * – and catches the log rolled back behind them; two publisher processes hand the anchoring over
 * cleanly and publish each anchor once.
 */
import t from 'tap';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createSigner } from 'fast-jwt';
import { IntegrationEvent, type IntegrationEventOfType } from '../../contracts/index.js';
import { ANCHOR_STORE_FILE, ANCHORS_COLLECTION, MongoAnchorStore } from '../../infra/proof/anchors.js';
import { checkSignature, generateSigningKey, ProofSigner } from '../../infra/proof/signing.js';
import { verifyEngagement } from '../../infra/proof/verify.js';
import { skip, stack, TAKEOVER_MS, waitFor } from '../support/role-stack.js';
import { appendAll, scenario } from '../kafka/support/scenario.js';
import { TopicReader } from '../kafka/support/kafka.js';

type Anchored = IntegrationEventOfType<'engagement.history-anchored'>;
type Verification = { verified: boolean; head: string; anchor: { head: string; position: string; signature: string } | null; firstBreak?: object };

/** Every process of a deployment signs with the key from its configuration, whichever machine it runs on. */
const signingKey = async () => {
  const key = await generateSigningKey('proof-roles-test');
  return { env: { PROOF_SIGNING_KEY: JSON.stringify(key), PROOF_ANCHOR_INTERVAL: '1s' }, jwks: (await ProofSigner.fromJwks(key)).jwks };
};

t.test('with the roles apart, the api verifies against the anchors the publisher role made, and catches a rolled-back log', { skip }, async (t) => {
  const s = await stack(t, (await signingKey()).env);
  const sign = createSigner({ key: s.env['AUTH_JWT_SECRET']!, algorithm: 'HS256', expiresIn: 600_000 });
  const pm = { authorization: `Bearer ${sign({ sub: 'u-pat', name: 'Pat Lee', roles: ['pm'] })}`, 'content-type': 'application/json' };
  const pmo = { authorization: `Bearer ${sign({ sub: 'u-audit', name: 'Auditor', roles: ['pmo'] })}` };
  await s.start('projector');
  const publisher = await s.start('publisher');
  let api = await s.start('api');
  await waitFor(async () => (await s.holder('anchoring')) === publisher.pid, 'the publisher role to take the anchoring lease');

  const post = async (path: string, body: object) => {
    const response = await fetch(`${api.base}${path}`, { method: 'POST', headers: pm, body: JSON.stringify(body) });
    t.ok(response.status < 300, `${path} → ${response.status}`);
    return (await response.json()) as { id: string; position: string };
  };
  const verification = (position?: string) =>
    fetch(`${api.base}/engagements/${engagement.id}/verification`, { headers: { ...pmo, ...(position && { 'x-min-position': position }) } }).then(
      (response) => response.json() as Promise<Verification>,
    );
  // Waits on the anchors in MongoDB: verifications are rate limited, as reads of a whole history.
  const kept = new MongoAnchorStore(s.store.database);
  const engagement = await post('/engagements', { name: 'CRM for Acme', client: 'Acme', sponsor: { name: 'Zhang San', title: 'CEO' } });
  const anchored = await waitFor(() => kept.latest(engagement.id), 'the first anchor');
  const first = await verification(engagement.position);
  t.equal(first.anchor?.head, anchored.head, 'the api process reads the anchor the publisher role made');
  t.match(first, { verified: true, anchor: { signature: 'valid' } }, 'the anchor the publisher role made verifies in the api process');
  t.notOk(existsSync(join(s.dataDir, ANCHOR_STORE_FILE)), 'kept in MongoDB, not in a DATA_DIR');
  t.equal(await s.store.database.collection<{ _id: string }>(ANCHORS_COLLECTION).countDocuments({ _id: engagement.id }), 1, 'one document for the engagement');

  // An older copy of the log, taken while it runs, then a goal, anchored too.
  const older = join(s.dataDir, 'older.sqlite3');
  const live = new Database(join(s.dataDir, 'events.sqlite3'), { readonly: true });
  await live.backup(older);
  live.close();
  const goal = await post(`/engagements/${engagement.id}/goals`, { text: 'Quotes answered within a day' });
  await waitFor(async () => BigInt((await kept.latest(engagement.id))!.position) >= BigInt(goal.position), 'the anchor of the goal');
  t.match(await verification(goal.position), { verified: true, anchor: { signature: 'valid' } }, 'the goal anchored and verified');

  // Every role stopped, the older copy put back with its head record agreeing, as a careful restore would.
  for (const role of s.roles) await role.stop();
  const restored = new Database(older, { readonly: true });
  await restored.backup(join(s.dataDir, 'events.sqlite3'));
  restored.close();
  for (const file of ['events-head.sqlite3', 'events-head.sqlite3-wal', 'events-head.sqlite3-shm']) rmSync(join(s.dataDir, file), { force: true });
  api = await s.start('api');
  const rolledBack = await verification();
  t.match(rolledBack, { verified: false, firstBreak: { streamId: `engagement-${engagement.id}`, reason: 'behind-anchor' } }, 'a new api process sees the goal the anchor saw is missing');
});

t.test('two publisher processes hand the anchoring over cleanly: every engagement anchored, each anchor once', { skip }, async (t) => {
  const key = await signingKey();
  const s = await stack(t, key.env);
  await appendAll(s.log, scenario(2, 4));
  const first = await s.start('publisher');
  await waitFor(async () => (await s.holder('anchoring')) === first.pid, 'the first publisher to take the anchoring lease');
  const second = await s.start('publisher');
  const reader = new TopicReader(s.topic);
  t.teardown(() => reader.stop());
  await reader.start();
  const anchorsOnTopic = () => reader.messages.map((message) => JSON.parse(message.value) as IntegrationEvent).filter((event): event is Anchored => event.type === 'engagement.history-anchored');
  await reader.until(() => anchorsOnTopic().length >= 2, 60_000);

  const appending = appendAll(s.log, scenario(3, 6));
  await new Promise((resolve) => setTimeout(resolve, 300));
  await first.stop();
  await waitFor(async () => (await s.holder('anchoring')) === second.pid, 'the standby to take the anchoring over', TAKEOVER_MS);
  await appending;

  const engagements = new Set<string>();
  for await (const event of s.log.readAll()) engagements.add(event.engagementId);
  const heads = new Map<string, string>();
  for (const id of engagements) heads.set(id, (await verifyEngagement(id, s.log.readEngagementAsStored(id))).head);
  const kept = new MongoAnchorStore(s.store.database);
  await waitFor(async () => {
    for (const [id, head] of heads) if ((await kept.latest(id))?.head !== head) return false;
    return true;
  }, 'every engagement anchored at its head');
  await reader.until(() => [...heads].every(([id, head]) => anchorsOnTopic().some((event) => event.engagementId === id && event.data.anchor.head === head)), 30_000);
  await new Promise((resolve) => setTimeout(resolve, 2_000)); // anything sent twice would show up now

  const anchors = anchorsOnTopic();
  t.equal(new Set(anchors.map((event) => event.id)).size, anchors.length, `${anchors.length} anchors on the topic, none twice`);
  t.equal(new Set(anchors.map((event) => `${event.engagementId} ${event.data.anchor.head}`)).size, anchors.length, 'no history anchored twice at the same head');
  for (const event of anchors) t.match(await checkSignature(event.data.anchor, key.jwks), { valid: true }, `anchor of ${event.engagementId} at ${event.data.anchor.position} signed`);
});
