/**
 * The proof of the history, over HTTP: the public keys (JWKS) anyone checks signatures with, the
 * verification of an engagement's chained history, and its signed audit export – the last two for
 * pmo and admin, the auditors (docs/domain.md, "Proof of the history").
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Instant } from '../../../contracts/index.js';
import type { EventStore } from '../../../infra/event-store/port.js';
import type { Filter, ReadModelStore } from '../../../infra/read-models/port.js';
import { anchoredHead } from '../../../infra/proof/anchoring.js';
import { ANCHOR_VERSION, type AnchorStore } from '../../../infra/proof/anchors.js';
import { checkSignature, type ProofSigner } from '../../../infra/proof/signing.js';
import { verifyEngagement } from '../../../infra/proof/verify.js';
import type { AuditEntry } from '../../../projections/index.js';
import { buildAuditExport, EXPORT_VERSION } from '../../proof/audit-export.js';
import { accessNote } from '../auth.js';
import { fail } from '../problem.js';
import { engagementPermission, READ_MODELS, readOwnWritesHook } from '../query-routes.js';
import type { CatchUp, ReadYourWrites } from '../../queries/read-your-writes.js';
import { AuditEntrySchema } from '../read-model-schemas.js';
import { CorrelationId, IdParams, MinPosition, ProblemSchema } from '../schemas.js';

export type ProofRouteDeps = {
  eventStore: EventStore;
  readModels: ReadModelStore;
  /** The team that decides who may verify is read from the read models: X-Min-Position waits for them. */
  readYourWrites: ReadYourWrites;
  catchUp?: CatchUp;
  minPositionWaitMs?: number;
  anchors: AnchorStore;
  signer: ProofSigner;
  clock: () => Date;
};

export const JWKS_PATH = '/.well-known/jwks.json';

const Digest = z.string().regex(/^[0-9a-f]{64}$/);
const Headers = z.looseObject({ 'x-correlation-id': CorrelationId.optional(), 'x-min-position': MinPosition.optional() });

const FirstBreak = z
  .object({
    streamId: z.string(),
    revision: z.number().int().min(0),
    eventId: z.string().optional().describe('Absent when the event is missing (deleted, or cut off after the last anchor)'),
    reason: z
      .enum(['digest-mismatch', 'proof-missing', 'personal-data-uncommitted', 'revision-gap', 'behind-anchor', 'anchor-mismatch'])
      .describe(
        'digest-mismatch: the event was changed, moved or forged; proof-missing: an event without a digest after chained ones; ' +
          'personal-data-uncommitted: a personal field neither salted nor erased; revision-gap: an event is missing before this revision; ' +
          'behind-anchor: the stream ends before the revision its last anchor saw (a rolled-back or cut log); ' +
          'anchor-mismatch: the stream differs from what its last anchor saw at that revision (history rewritten)',
      ),
  })
  .describe('The first broken event in log order');

const VerificationSchema = z
  .object({
    verified: z.boolean(),
    events: z.number().int().min(0).describe("Events of the engagement read from the log"),
    head: Digest.describe('The engagement head: SHA-256 over the heads of its streams as far as they verify'),
    firstBreak: FirstBreak.optional(),
    anchor: z
      .object({
        position: z.string(),
        anchoredAt: z.string(),
        head: Digest,
        signature: z.enum(['valid', 'invalid']).describe('An anchor whose signature fails is not compared, and the history does not verify'),
      })
      .nullable()
      .describe('The last anchor the log was compared with; null when the engagement was never anchored'),
  })
  .meta({
    examples: [
      { verified: true, events: 42, head: '5f0c7a4e1d9b3c2a8e6f4d1b0a9c8e7f6d5c4b3a2918f7e6d5c4b3a29180f7e6', anchor: null },
      {
        verified: false,
        events: 41,
        head: '0a9c8e7f6d5c4b3a2918f7e6d5c4b3a29180f7e65f0c7a4e1d9b3c2a8e6f4d1b',
        firstBreak: { streamId: 'interview-int-sales-lead', revision: 7, eventId: '0195a7e2-51c4-7d8e-9a0b-1c2d3e4f5a6b', reason: 'digest-mismatch' },
        anchor: null,
      },
    ],
  });

/*
 * An array of three rather than a tuple: the schema transform writes a tuple in draft-07 form
 * (`items` as a list), which is not a schema object in OpenAPI 3.1.
 */
const StreamHead = z
  .array(z.union([z.string(), z.number().int().min(0)]))
  .length(3)
  .describe("Where a stream's verified part ends: [stream id, revision, digest of the event at that revision]");

const SignedAnchor = z
  .object({
    anchorVersion: z.literal(ANCHOR_VERSION),
    kind: z.literal('engagement-history-anchor'),
    engagementId: z.string(),
    head: Digest,
    events: z.number().int().min(0),
    streams: z.array(StreamHead).describe('Sorted by stream'),
    position: z.string().describe('The log position up to which the history was read'),
    anchoredAt: z.string(),
    signature: z.string().describe('JWS (EdDSA) with detached payload'),
  })
  .describe('A signed anchor: the engagement head at a log position');

const ExportedEvent = z
  .object({
    streamId: z.string(),
    revision: z.number().int().min(0),
    eventId: z.string(),
    type: z.string(),
    // As stored, byte for byte what the digests cover: a verifier recomputes them from these values.
    data: z.unknown().describe("The event's data as stored (personal fields as their commitments): any JSON value, its shape is the event type's"),
    metadata: z
      .unknown()
      .describe('The event\'s stored metadata, as stored: any JSON value the digest covers, with its `proof` ({ v, digest, salt? }) once chained'),
    position: z.string().describe('The event\'s position in the global log'),
  })
  .describe('An event of the engagement as stored');

const Counted = z.object({ count: z.number().int().min(0), sha256: Digest });

const SignedAuditExport = z
  .object({
    exportVersion: z.literal(EXPORT_VERSION),
    kind: z.literal('engagement-audit-export'),
    engagementId: z.string(),
    generatedAt: z.string(),
    range: z.object({ from: z.string().optional(), to: z.string().optional() }).describe('The instants the entries were chosen by'),
    entries: z.array(AuditEntrySchema),
    csv: z.string().describe('The entries as CSV (the columns of the CSV export)'),
    chain: z.object({
      algorithm: z.string(),
      head: Digest,
      verified: z.boolean(),
      firstBreak: FirstBreak.optional(),
      events: z.array(ExportedEvent),
    }),
    anchors: z.array(SignedAnchor).describe('The latest signed anchor, which the chain must reach; empty when never anchored'),
    manifest: z
      .object({ entries: Counted, csv: z.object({ sha256: Digest }), chain: z.object({ events: z.number().int().min(0), sha256: Digest }), anchors: Counted })
      .describe('The SHA-256 of each part: of its RFC 8785 canonical JSON, of the CSV\'s UTF-8 bytes'),
    signature: z.string().describe('JWS (EdDSA, Ed25519) with detached payload over the canonical JSON of the document without `signature`'),
  })
  .describe('The signed audit export');

const ExportQuery = z.strictObject({
  from: Instant.optional().describe('Audit entries at or after this instant'),
  to: Instant.optional().describe('Audit entries at or before this instant'),
});

const Jwk = z.object({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: z.string(), kid: z.string(), alg: z.literal('EdDSA'), use: z.literal('sig') });

export const registerProofRoutes = (app: FastifyInstance, deps: ProofRouteDeps) => {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const permitted = engagementPermission(deps.readModels);
  const readOwnWrites = readOwnWritesHook(deps);

  typed.get(JWKS_PATH, {
    schema: {
      operationId: 'GetSigningKeys',
      tags: ['proof'],
      summary: 'The public keys that verify anchors, receipts and audit exports (JWKS); public',
      description:
        'The active key first, then retired keys that still verify what they signed. Signatures are JWS (EdDSA, Ed25519) with a detached payload ' +
        'over the RFC 8785 canonical JSON of the document without its `signature`; `npm run verify -- <file> --jwks <this URL>` checks a file offline.',
      response: { 200: z.object({ keys: z.array(Jwk) }) },
    },
    handler: async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=300');
      return deps.signer.jwks as never;
    },
  });

  typed.get('/engagements/:id/verification', {
    onRequest: app.authenticate,
    preHandler: readOwnWrites,
    schema: {
      operationId: 'VerifyHistory',
      tags: ['proof'],
      summary: "Verifies the engagement's chained history against its last anchor and names the first broken event",
      description: `${accessNote('audit-proof')} Reads every event of the engagement as stored; rate limited with the exports.`,
      security: [{ bearerAuth: [] }],
      params: IdParams,
      headers: Headers,
      response: { 200: VerificationSchema, 404: ProblemSchema, 429: ProblemSchema },
    },
    handler: async (request) => {
      const { id } = request.params;
      await permitted(request, 'audit-proof', id, `engagement ${id}`);
      const anchor = await deps.anchors.latest(id);
      const signature = anchor ? (await checkSignature(anchor, deps.signer.jwks)).valid : false;
      const trusted = anchor && signature ? anchor : undefined;
      const result = await verifyEngagement(id, deps.eventStore.readEngagementAsStored(id), trusted && anchoredHead(trusted));
      if (result.events === 0) return fail('not-found', `engagement ${id} has no history`);
      return {
        verified: result.verified && (anchor === undefined || signature),
        events: result.events,
        head: result.head,
        ...(result.firstBreak ? { firstBreak: result.firstBreak } : {}),
        anchor: anchor ? { position: anchor.position, anchoredAt: anchor.anchoredAt, head: anchor.head, signature: signature ? ('valid' as const) : ('invalid' as const) } : null,
      };
    },
  });

  typed.get('/engagements/:id/audit/export', {
    onRequest: app.authenticate,
    preHandler: readOwnWrites,
    schema: {
      operationId: 'ExportSignedAuditTrail',
      tags: ['proof'],
      summary: 'The signed audit export: entries, their CSV, the chain, the last anchor, a manifest and a signature, as one JSON file',
      description:
        `${accessNote('audit-proof')} Rate limited per user like the CSV export. The file verifies offline with ` +
        '`npm run verify -- <file> --jwks <JWKS file or URL>`; `jq -r .csv` gives the CSV.',
      security: [{ bearerAuth: [] }],
      params: IdParams,
      headers: Headers,
      querystring: ExportQuery,
      response: {
        200: {
          description: 'A JSON document `{ exportVersion, kind, engagementId, generatedAt, range, entries, csv, chain, anchors, manifest, signature }`, sent as a download',
          content: { 'application/json': { schema: SignedAuditExport } },
        },
        404: ProblemSchema,
        429: ProblemSchema,
      },
    },
    handler: async (request, reply) => {
      const { id } = request.params;
      await permitted(request, 'audit-proof', id, `engagement ${id}`);
      const { from, to } = request.query;
      const filter: Record<string, Filter[string]> = { engagementId: id };
      if (from || to) filter['at'] = { ...(from ? { $gte: new Date(from).toISOString() } : {}), ...(to ? { $lte: new Date(to).toISOString() } : {}) };
      const entries: AuditEntry[] = [];
      for await (const entry of deps.readModels.collection<AuditEntry>(READ_MODELS.audit).find(filter, { sort: [['position', 1]] })) entries.push(entry);
      const anchor = await deps.anchors.latest(id);
      const document = await buildAuditExport({
        engagementId: id,
        range: { ...(from ? { from } : {}), ...(to ? { to } : {}) },
        entries,
        stored: deps.eventStore.readEngagementAsStored(id),
        anchor,
        signer: deps.signer,
        now: deps.clock(),
      });
      const stamp = document.generatedAt.replace(/[:.]/g, '-');
      return reply
        .header('content-disposition', `attachment; filename="audit-${id}-${stamp}.signed.json"`)
        .type('application/json; charset=utf-8')
        .send(JSON.stringify(document) as never);
    },
  });
};
