import t, { type Test } from 'tap';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { InMemoryEventStore, type TamperableEntry } from '../../infra/event-store/in-memory.js';
import { anchorEngagement } from '../../infra/proof/anchoring.js';
import { InMemoryAnchorStore } from '../../infra/proof/anchors.js';
import { generateSigningKey, ProofSigner, type Jwks } from '../../infra/proof/signing.js';
import type { SignedAuditExport } from '../../services/proof/audit-export.js';
import { verifyOffline } from '../../services/proof/offline-verify.js';
import { discovery, testApp, users } from '../support/http.js';

/** An engagement with a confirmed summary, on an app with its own key and anchors. */
const confirmedEngagement = async (t: Test, signer?: ProofSigner) => {
  const store = new InMemoryEventStore();
  const anchors = new InMemoryAnchorStore();
  const { app } = await testApp({ store, anchors, ...(signer ? { signer } : {}) });
  let closed = false;
  t.teardown(() => (closed ? undefined : app.close()));
  const d = discovery(app);
  const { engagementId, interviewId, findingId } = await d.awaitingConfirmation();
  const confirmed = await d.confirm(interviewId, 1);
  const captured = await d.capture(engagementId, [{ interviewId, findingId }]);
  const get = (url: string, headers: Record<string, string> = users.pmo) =>
    app.inject({ method: 'GET', url, headers: { ...headers, 'x-min-position': captured.position } });
  const close = async () => {
    closed = true;
    await app.close();
  };
  return { app, d, store, anchors, engagementId, interviewId, findingId, confirmed, get, close };
};

t.test('the verification of an engagement’s history: pmo and admin only, the first break named', async (t) => {
  const { store, engagementId, interviewId, get } = await confirmedEngagement(t);
  const verified = await get(`/engagements/${engagementId}/verification`);
  t.equal(verified.statusCode, 200);
  t.match(verified.json(), { verified: true, events: Number, head: /^[0-9a-f]{64}$/, anchor: null });
  t.notOk('firstBreak' in verified.json(), 'no break');
  t.equal((await get(`/engagements/${engagementId}/verification`, users.admin)).statusCode, 200, 'admin verifies too');
  t.match((await get(`/engagements/${engagementId}/verification`, users.pm)).json(), { status: 403, code: 'forbidden' }, 'not the team being audited');
  t.match((await get('/engagements/nope/verification')).json(), { status: 404, code: 'not-found' });

  const stream = `interview-${interviewId}`;
  let edited = '';
  store.tamper((log) => {
    const entry = log.find((e) => e.streamId === stream && e.serialized.type === 'FindingRecorded')!;
    edited = entry.serialized.eventId;
    entry.serialized = { ...entry.serialized, data: entry.serialized.data.replace('phone', 'email') };
  });
  const broken = (await get(`/engagements/${engagementId}/verification`)).json();
  t.match(broken, { verified: false, firstBreak: { streamId: stream, eventId: edited, reason: 'digest-mismatch' } }, 'an edited finding is named');
});

t.test('a log rolled back behind the last anchor does not verify', async (t) => {
  const signer = await ProofSigner.fromJwks(await generateSigningKey('k-anchor'));
  const { d, store, anchors, engagementId, interviewId, findingId, get } = await confirmedEngagement(t, signer);
  let copy: TamperableEntry[] = [];
  store.tamper((log) => (copy = log.map((entry) => ({ ...entry }))));
  const later = await d.capture(engagementId, [{ interviewId, findingId }]);
  const anchored = await anchorEngagement({ store, anchors, signer }, engagementId);
  await anchors.keep(anchored.anchor!);
  t.match((await get(`/engagements/${engagementId}/verification`)).json(), { verified: true, anchor: { head: anchored.anchor!.head, signature: 'valid' } });

  store.tamper((log) => void log.splice(0, log.length, ...copy));
  const result = (await get(`/engagements/${engagementId}/verification`)).json();
  t.match(result, { verified: false, firstBreak: { streamId: `requirement-${later.id}`, revision: 0, reason: 'behind-anchor' } }, 'the requirement captured after the copy is missing, and the anchor says so');
});

t.test('the public keys are served as a JWKS, without signing in', async (t) => {
  const { app } = await testApp();
  t.teardown(() => app.close());
  const response = await app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
  t.equal(response.statusCode, 200);
  t.match(response.json(), { keys: [{ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig', kid: String, x: String }] });
  t.notOk(JSON.stringify(response.json()).includes('"d"'), 'no private part');
});

t.test('the signed audit export verifies offline after the server is gone; a tampered copy does not', async (t) => {
  const { engagementId, get, close } = await confirmedEngagement(t);
  const jwks = (await get('/.well-known/jwks.json')).json() as Jwks;
  const response = await get(`/engagements/${engagementId}/audit/export`);
  t.equal(response.statusCode, 200);
  t.match(response.headers['content-disposition'], /attachment; filename="audit-.*\.signed\.json"/);
  t.match((await get(`/engagements/${engagementId}/audit/export`, users.consultant)).json(), { status: 403 }, 'pmo and admin only');
  const file = response.body;
  await close();

  const document = JSON.parse(file) as SignedAuditExport;
  t.ok(document.entries.length > 0 && document.csv.startsWith('eventId,position,at'), 'entries and their CSV');
  const scheduled = document.chain.events.find((e) => e.type === 'InterviewScheduled')!;
  t.match(scheduled.data, { interviewee: { erased: /^[0-9a-f]{64}$/ } }, 'the chain holds the interviewee only as a commitment');
  t.notOk(scheduled.metadata.proof?.salt, 'without the salt that would let it be guessed back');
  const report = await verifyOffline(document, jwks);
  t.ok(report.ok, 'every check passes', { checks: report.checks });
  t.ok(report.checks.some((c) => c.what.startsWith('chain') && c.ok), 'the chain is recomputed');

  const edited = structuredClone(document);
  edited.entries[0]!.reason = 'nobody asked';
  const failed = await verifyOffline(edited, jwks);
  t.equal(failed.ok, false);
  t.strictSame(failed.checks.filter((c) => !c.ok).map((c) => c.what), ['signature of the export', 'manifest: entries', 'csv: the entries as CSV']);

  const forged = structuredClone(document);
  const event = forged.chain.events.find((e) => e.type === 'FindingRecorded')!;
  (event.data as { text: string }).text = 'quotes are approved by email';
  const chainReport = await verifyOffline(forged, jwks);
  t.match(chainReport.checks.find((c) => c.what.startsWith('chain: every')), { ok: false, detail: new RegExp(`event ${event.eventId}\\): digest-mismatch`) });

  const range = await confirmedEngagement(t);
  const empty = (await range.get(`/engagements/${range.engagementId}/audit/export?from=2000-01-01T00:00:00Z&to=2000-01-02T00:00:00Z`)).json() as SignedAuditExport;
  t.same([empty.entries.length, empty.range], [0, { from: '2000-01-01T00:00:00Z', to: '2000-01-02T00:00:00Z' }], 'a time range keeps only its entries');
  t.match(await verifyOffline(empty, (await range.get('/.well-known/jwks.json')).json() as Jwks), { ok: true }, 'and the whole chain still verifies');
});

t.test('a receipt is signed with the chain head and still verifies with the JWKS after its key was rotated out', async (t) => {
  const oldKey = await generateSigningKey('k-2026-01');
  const before = await confirmedEngagement(t, await ProofSigner.fromJwks(oldKey));
  const receipt = (await before.get(`/interviews/${before.interviewId}/summary/receipt`, users.interviewee)).json();
  t.match(receipt, {
    kind: 'interview-summary-confirmation',
    summary: { version: 1 },
    chain: { engagementHead: /^[0-9a-f]{64}$/, verified: true, interviewStream: { streamId: `interview-${before.interviewId}` } },
    signature: /^[\w-]+\.\.[\w-]+$/,
  });
  await before.close();

  const { d: _d, ...oldPublic } = oldKey;
  const rotated = await ProofSigner.fromJwks(await generateSigningKey('k-2026-02'), [oldPublic]);
  const after = await confirmedEngagement(t, rotated);
  const jwks = (await after.get('/.well-known/jwks.json')).json() as Jwks;
  t.strictSame(jwks.keys.map((key) => key.kid), ['k-2026-02', 'k-2026-01'], 'the retired key is still published');
  await after.close();
  const report = await verifyOffline(receipt, jwks);
  t.ok(report.ok, 'the old receipt verifies', { checks: report.checks });
  t.match(report.checks[0], { detail: 'signed with key k-2026-01' });
  t.match(await verifyOffline({ ...receipt, confirmation: { ...receipt.confirmation, at: '2026-01-01T00:00:00Z' } }, jwks), { ok: false }, 'a changed receipt does not');
});

t.test('verifications and signed exports are rate limited per user', async (t) => {
  const { app } = await testApp({ expensiveReads: { max: 1, windowMs: 60_000 } });
  t.teardown(() => app.close());
  const { id } = await discovery(app).startEngagement();
  const get = (url: string) => app.inject({ method: 'GET', url, headers: users.pmo });
  t.equal((await get(`/engagements/${id}/audit/export`)).statusCode, 200);
  t.match((await get(`/engagements/${id}/verification`)).json(), { status: 429, code: 'too-many-requests' });
});

t.test('the signed export, anchored, is exactly what the OpenAPI document says of it', async (t) => {
  const signer = await ProofSigner.fromJwks(await generateSigningKey('k-export'));
  const { app, store, anchors, engagementId, get } = await confirmedEngagement(t, signer);
  const anchored = await anchorEngagement({ store, anchors, signer }, engagementId);
  await anchors.keep(anchored.anchor!);
  const openapi = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
  const schema = openapi.paths['/engagements/{id}/audit/export'].get.responses['200'].content['application/json'].schema;
  const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
  const document = (await get(`/engagements/${engagementId}/audit/export`)).json() as SignedAuditExport;
  t.equal(document.anchors.length, 1, 'the export carries the anchor');
  t.ok(validate(document), 'every field is documented, and of its documented type', { errors: validate.errors });
  t.notOk(validate({ ...document, comment: 'added later' }), 'a field the document does not name is refused');
});
