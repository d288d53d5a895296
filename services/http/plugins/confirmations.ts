/**
 * Confirmation links and receipts.
 *
 * - A consultant issues a link for the summary version awaiting confirmation; the answer shows its
 *   token once (the log keeps only the SHA-256 of the secret), and – with SMTP configured and an
 *   email address given – the link goes out by email in the interviewee's language.
 * - The link holder needs no account: `/confirmations/:token…` are public, the token is the
 *   credential, judged on the log like every command (single use, expiring, revocable, bound to the
 *   interview, the version and its hash).
 * - Receipts: what was confirmed, by whom, when and how, as a versioned JSON document, with the
 *   chain head it was part of and the service's signature (`infra/proof/signing.ts`), so the
 *   interviewee holds a witness of the history that anyone can check offline with the JWKS.
 *
 * A token is `<interviewId>.<linkId>.<secret>`: the link id (a UUID) and the secret (base64url) hold
 * no dot, so the token is read from the right and an interview id may hold dots.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  FindingSection,
  Frequency,
  Instant,
  InterviewMethod,
  InterviewTopic,
  IssueConfirmationLinkBody,
  LinkLanguage,
  Pain,
  RequestSummaryRevisionByLinkBody,
  SummaryHash,
  SummaryVersion,
  type Actor,
} from '../../../contracts/index.js';
import { judge, presentedLink, usableLink, type ConfirmationLinkState, type InterviewState } from '../../../domain/index.js';
import type { ReadModelStore } from '../../../infra/read-models/port.js';
import type { EventStore } from '../../../infra/event-store/port.js';
import type { EngagementDocument, InterviewDocument } from '../../../projections/index.js';
import type { CommandBus } from '../../commands/command-bus.js';
import type { IdempotencyStore } from '../../../infra/idempotency/store.js';
import { COMMANDS } from '../../commands/specs/index.js';
import { idSource } from '../../commands/ids.js';
import type { Mailer } from '../../mail/confirmation-mail.js';
import type { CatchUp, ReadYourWrites } from '../../queries/read-your-writes.js';
import { accessNote, requireAccess } from '../auth.js';
import { fail } from '../problem.js';
import type { ProofSigner } from '../../../infra/proof/signing.js';
import { verifyEngagement } from '../../../infra/proof/verify.js';
import { readInterview, readOwnWritesHook } from '../query-routes.js';
import { commandAnswer, CorrelationId, IdempotencyKey, IdParams, MinPosition, ProblemSchema } from '../schemas.js';

export type ConfirmationRouteDeps = {
  bus: CommandBus;
  readModels: ReadModelStore;
  readYourWrites: ReadYourWrites;
  /** Read models still folding the log after a start (in memory). */
  catchUp?: CatchUp;
  /** Its head tells a position no command has answered yet from one the read models still lack; receipts name the chain head. */
  eventStore: Pick<EventStore, 'headPosition' | 'readEngagementAsStored'>;
  signer: ProofSigner;
  clock: () => Date;
  /** Sends links by email; none: the consultant copies the link. */
  mailer?: Mailer;
  /** The URL browsers reach the service at; else the request's own origin. */
  publicUrl?: string;
  /** Where an Idempotency-Key was first used, and the secret ids are derived with (see commands/ids.ts). */
  idempotency: IdempotencyStore;
  idSecret: string;
  minPositionWaitMs?: number;
};

export const RECEIPT_VERSION = 1;

const SECRET_BYTES = 32;
const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

type Presented = { interviewId: string; linkId: string; tokenHash: string };

/** The parts of a token, or "not a valid link". */
export const parseToken = (token: string): Presented => {
  const parts = token.split('.');
  const secret = parts.pop();
  const linkId = parts.pop();
  const interviewId = parts.join('.');
  if (!secret || !linkId || !interviewId || !/^[A-Za-z0-9_-]{43}$/.test(secret)) {
    return fail('link-invalid', 'this confirmation link is not valid; check that it was copied completely');
  }
  return { interviewId, linkId, tokenHash: sha256(secret) };
};

const TokenParams = z.strictObject({ token: z.string().min(1).max(400).describe('The confirmation link token: <interviewId>.<linkId>.<secret>') });
const answerOf = (type: 'IssueConfirmationLink' | 'ConfirmSummaryByLink' | 'RequestSummaryRevisionByLink', extra: z.ZodRawShape, example: object) =>
  commandAnswer(COMMANDS[type].answer, extra, example);
const IssuedLink = answerOf(
  'IssueConfirmationLink',
  {
    token: z.string().nullable().describe('The link token, given once; null when a retry with the same Idempotency-Key names the link again'),
    url: z.string().nullable().describe('The confirmation page for the interviewee; null on a retry, as token'),
    emailed: z.boolean().describe('Whether the link went out by email'),
    emailError: z.string().optional().describe('Why the email could not be sent, when it could not'),
  },
  {
    token: '0195a7e2-51c4-7d8e-9a0b-000000000011.0195a7e2-51c4-7d8e-9a0b-000000000601.kT3vQm9ZrX2wYb7cN4pL8sD1fG6hJ0aE5uI2oR9tWxQ',
    url: 'https://crm.example.com/c/0195a7e2-51c4-7d8e-9a0b-000000000011.0195a7e2-51c4-7d8e-9a0b-000000000601.kT3vQm9ZrX2wYb7cN4pL8sD1fG6hJ0aE5uI2oR9tWxQ',
    emailed: true,
  },
);
const answeredAt = { at: Instant.describe('When the answer was recorded') };
const AT_EXAMPLE = { at: '2026-03-06T09:30:00.000Z' };
/** Beyond what a route's declaration implies (problem-responses.ts): the link's and the interview's own rules. */
const problems = { 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema, 410: ProblemSchema };
const LinkHeaders = z.looseObject({
  'idempotency-key': IdempotencyKey.optional(),
  'x-min-position': MinPosition.optional(),
  'x-correlation-id': CorrelationId.optional(),
});

/** A finding as a summary cites it, for the interviewee and in the receipt. */
const CitedFinding = z.object({ findingId: z.string(), section: FindingSection, text: z.string(), pain: Pain.optional(), frequency: Frequency.optional() });
const SummaryInterview = z.object({ id: z.string(), scheduledAt: Instant, conductedAt: Instant.optional(), method: InterviewMethod, topics: z.array(InterviewTopic) });
const Interviewee = z.object({ name: z.string(), department: z.string(), position: z.string() });

/** What a confirmation link shows the interviewee (GET /confirmations/:token). */
const LinkView = z.object({
  interview: SummaryInterview,
  interviewee: Interviewee,
  summary: z.object({ summaryVersion: SummaryVersion, summaryHash: SummaryHash, text: z.string(), findings: z.array(CitedFinding) }),
  link: z.object({
    linkId: z.string(),
    state: z.enum(['issued', 'revoked', 'used']),
    expiresAt: Instant,
    issuedBy: z.object({ name: z.string() }),
    language: LinkLanguage.optional(),
  }),
  answer: z
    .discriminatedUnion('kind', [
      z.object({ kind: z.literal('confirmed'), at: Instant }),
      z.object({ kind: z.literal('revision-requested'), at: Instant, comments: z.string() }),
    ])
    .nullable()
    .describe('What was answered through this link, if anything'),
});

const Person = z.object({ id: z.string(), name: z.string() });
const ReceiptSchema = z.object({
  receiptVersion: z.literal(RECEIPT_VERSION),
  kind: z.literal('interview-summary-confirmation'),
  generatedAt: Instant,
  interview: SummaryInterview.extend({ engagementId: z.string() }),
  interviewee: Interviewee,
  summary: z.object({ version: SummaryVersion, hash: SummaryHash, hashAlgorithm: z.literal('sha-256'), text: z.string(), findings: z.array(CitedFinding) }),
  confirmation: z.object({
    by: Person,
    at: Instant,
    via: z.discriminatedUnion('method', [
      z.object({ method: z.literal('signed-in') }),
      z.object({ method: z.literal('link'), linkId: z.string(), issuedBy: Person }),
      z.object({ method: z.literal('unrecorded') }),
    ]),
  }),
});
type Receipt = z.infer<typeof ReceiptSchema>;
const Digest = z.string().regex(/^[0-9a-f]{64}$/);
/** The receipt as sent: with the chain it belongs to when it was issued, and signed. */
const SignedReceiptSchema = ReceiptSchema.extend({
  chain: z.object({
    engagementHead: Digest.describe("The engagement head: SHA-256 over the heads of the engagement's streams"),
    events: z.number().int().min(0),
    verified: z.boolean().describe('Whether the history verified when the receipt was issued'),
    interviewStream: z.object({ streamId: z.string(), revision: z.number().int().min(0), digest: Digest }).optional(),
  }),
  signature: z.string().describe('JWS (EdDSA) with a detached payload over the RFC 8785 canonical JSON of the receipt without it'),
});

/** What was confirmed: interview, interviewee, version, hash, text, cited findings, who, when and how. */
export const receiptOf = (doc: InterviewDocument, generatedAt: string): Receipt | undefined => {
  const confirmation = doc.confirmation;
  if (!confirmation) return undefined;
  const summary = doc.summaries.find((s) => s.summaryVersion === confirmation.summaryVersion);
  if (!summary) return undefined;
  const via = confirmation.via;
  const issuer = via?.method === 'link' ? doc.links?.find((l) => l.linkId === via.linkId)?.issuedBy : undefined;
  return {
    receiptVersion: RECEIPT_VERSION,
    kind: 'interview-summary-confirmation',
    generatedAt,
    interview: {
      id: doc.id,
      engagementId: doc.engagementId,
      scheduledAt: doc.scheduledAt,
      ...(doc.conductedAt === undefined ? {} : { conductedAt: doc.conductedAt }),
      method: doc.method,
      topics: [...doc.topics],
    },
    interviewee: { name: doc.interviewee.name, department: doc.interviewee.department, position: doc.interviewee.position },
    summary: {
      version: summary.summaryVersion,
      hash: confirmation.summaryHash,
      hashAlgorithm: 'sha-256',
      text: summary.text,
      findings: citedFindings(doc, summary.findingIds),
    },
    confirmation: {
      by: { id: confirmation.confirmedBy, name: confirmation.confirmedByName },
      at: confirmation.confirmedAt,
      via:
        via === undefined
          ? { method: 'unrecorded' }
          : via.method === 'signed-in'
            ? { method: 'signed-in' }
            : { method: 'link', linkId: via.linkId, issuedBy: { id: via.issuedBy, name: issuer?.name ?? via.issuedBy } },
    },
  };
};

const citedFindings = (doc: InterviewDocument, findingIds: readonly string[]) =>
  findingIds.flatMap((id) => {
    const finding = doc.findings.find((f) => f.findingId === id);
    if (!finding) return [];
    const { section, text, pain, frequency } = finding;
    return [{ findingId: id, section, text, ...(pain === undefined ? {} : { pain }), ...(frequency === undefined ? {} : { frequency }) }];
  });

/** The interviewee as the link holder acts: their user id if the interview names one, else the link; no roles. */
const linkHolder = (state: InterviewState, linkId: string): Actor =>
  state.status === 'none'
    ? { id: `link:${linkId}`, name: '', roles: [] }
    : { id: state.interviewee.userId ?? `link:${linkId}`, name: state.interviewee.name, roles: [] };

export const registerConfirmationRoutes = (app: FastifyInstance, deps: ConfirmationRouteDeps) => {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const engagements = deps.readModels.collection<EngagementDocument>('engagements');

  const readOwnWrites = readOwnWritesHook(deps);
  const document = async (interviewId: string): Promise<InterviewDocument> =>
    (await readInterview(deps.readModels, interviewId)) ?? fail('unavailable', 'this interview is not readable yet; try again in a moment', {}, { 'retry-after': '1' });
  const baseUrl = (request: FastifyRequest) => (deps.publicUrl ?? `${request.protocol}://${request.host}`).replace(/\/+$/, '');
  const idsFor = async (scope: string, request: FastifyRequest) => {
    const key = request.headers['idempotency-key'];
    if (typeof key !== 'string') return idSource(undefined, deps.idSecret);
    return idSource({ userId: scope, key, firstUsedAt: await deps.idempotency.firstUse(scope, key, deps.clock().getTime()) }, deps.idSecret);
  };

  typed.post('/interviews/:id/confirmation-links', {
    onRequest: [app.authenticate, requireAccess('run-interviews')],
    schema: {
      tags: ['interviews'],
      summary: 'Issue a confirmation link for the summary version awaiting confirmation (single use, expiring, revocable)',
      description:
        `${accessNote('run-interviews')} The answer carries the link's token and URL once: the service keeps only the hash of its secret. ` +
        'With SMTP configured and an email given, the link is emailed in `language` (else English); `emailed` tells whether it went out. ' +
        'Retried with the same Idempotency-Key, the answer names the link without its token (revoke it and issue another if it was lost).',
      operationId: 'IssueConfirmationLink',
      security: [{ bearerAuth: [] }],
      params: IdParams,
      headers: LinkHeaders,
      body: IssueConfirmationLinkBody.meta({ examples: [{ validForDays: 7, email: 'li.na@acme.com', language: 'zh-CN' }] }),
      response: { 200: IssuedLink, ...problems },
    },
    handler: async (request) => {
      const interviewId = request.params.id;
      const ids = await idsFor(request.user.id, request);
      const secret = randomBytes(SECRET_BYTES).toString('base64url');
      const linkId = ids.resource('confirmation-link');
      const now = deps.clock().toISOString();
      const outcome = await deps.bus.execute(
        'IssueConfirmationLink',
        { ...request.body, interviewId, linkId, tokenHash: sha256(secret) },
        { actor: request.user, now, correlationId: request.id, causationId: ids.resource('command'), ids },
      );
      const answer = { id: outcome.id, version: outcome.version, position: outcome.position, ...outcome.answer };
      if (outcome.replayed) return { ...answer, token: null, url: null, emailed: false };
      const token = `${interviewId}.${linkId}.${secret}`;
      const url = `${baseUrl(request)}/c/${encodeURIComponent(token)}`;
      let emailed = false;
      let emailError: string | undefined;
      const { email, language } = request.body;
      if (email !== undefined && deps.mailer) {
        const state = await deps.bus.interview(interviewId);
        try {
          await deps.mailer.send({
            to: email,
            language: language ?? 'en',
            url,
            intervieweeName: state.status === 'none' ? '' : state.interviewee.name,
            issuerName: request.user.name,
            summaryVersion: outcome.answer['summaryVersion'] as number,
            expiresAt: outcome.answer['expiresAt'] as string,
          });
          emailed = true;
        } catch (error) {
          request.log.warn({ err: error }, 'confirmation link email not sent');
          emailError = 'the email could not be sent; copy the link and hand it over yourself';
        }
      }
      return { ...answer, token, url, emailed, ...(emailError ? { emailError } : {}) };
    },
  });

  /** The link behind a token, as the log has it; problems for a token that matches none. */
  const linkOf = async (token: string) => {
    const presented = parseToken(token);
    const state = await deps.bus.interview(presented.interviewId);
    const link: ConfirmationLinkState = presentedLink(state, presented);
    return { presented, state, link };
  };

  typed.get('/confirmations/:token', {
    preHandler: readOwnWrites,
    schema: {
      operationId: 'GetConfirmationLink',
      tags: ['confirmations'],
      summary: 'What a confirmation link shows: the interview, the interviewee, the summary version sent, its hash, cited findings, expiry and issuer',
      description:
        'Public: the link is the credential. A used link answers what was answered through it; a revoked, expired or outdated link answers 410 naming the issuer to ask for a new one.',
      params: TokenParams,
      headers: LinkHeaders,
      response: { 200: LinkView, ...problems },
    },
    handler: async (request) => {
      const { presented, state, link } = await linkOf(request.params.token);
      if (link.state !== 'used') usableLink(state, presented, deps.clock().toISOString());
      const doc = await document(presented.interviewId);
      const summary = doc.summaries.find((s) => s.summaryVersion === link.summaryVersion);
      if (!summary) return fail('unavailable', 'this summary is not readable yet; try again in a moment', {}, { 'retry-after': '1' });
      const language = doc.links?.find((l) => l.linkId === link.linkId)?.language;
      const confirmed = doc.confirmation?.via?.method === 'link' && doc.confirmation.via.linkId === link.linkId ? doc.confirmation : undefined;
      const revision = summary.revisionRequested?.via?.method === 'link' && summary.revisionRequested.via.linkId === link.linkId ? summary.revisionRequested : undefined;
      return {
        interview: { id: doc.id, scheduledAt: doc.scheduledAt, ...(doc.conductedAt ? { conductedAt: doc.conductedAt } : {}), method: doc.method, topics: doc.topics },
        interviewee: { name: doc.interviewee.name, department: doc.interviewee.department, position: doc.interviewee.position },
        summary: { summaryVersion: summary.summaryVersion, summaryHash: link.summaryHash, text: summary.text, findings: citedFindings(doc, summary.findingIds) },
        link: {
          linkId: link.linkId,
          state: link.state,
          expiresAt: link.expiresAt,
          issuedBy: { name: link.issuedBy.name },
          ...(language === undefined ? {} : { language }),
        },
        answer: confirmed
          ? { kind: 'confirmed' as const, at: confirmed.confirmedAt }
          : revision
            ? { kind: 'revision-requested' as const, at: revision.at, comments: revision.comments }
            : null,
      };
    },
  });

  const answerByLink = async (request: FastifyRequest, token: string, comments: string | undefined) => {
    const { presented, state } = await linkOf(token);
    const actor = linkHolder(state, presented.linkId);
    const ids = await idsFor(`link:${presented.linkId}`, request);
    const now = deps.clock().toISOString();
    const context = { actor, now, correlationId: request.id, causationId: ids.resource('command'), ids };
    const outcome =
      comments === undefined
        ? await deps.bus.execute('ConfirmSummaryByLink', presented, context)
        : await deps.bus.execute('RequestSummaryRevisionByLink', { ...presented, comments }, context);
    return { id: outcome.id, version: outcome.version, position: outcome.position, ...outcome.answer, at: now };
  };

  typed.post('/confirmations/:token/confirm', {
    schema: {
      tags: ['confirmations'],
      summary: 'Confirm the summary version the link was issued for (single use)',
      description: 'Public: the link is the credential. Used, expired, revoked or outdated links answer 410 naming whom to ask.',
      operationId: 'ConfirmSummaryByLink',
      params: TokenParams,
      headers: LinkHeaders,
      body: z.strictObject({}).optional(),
      response: { 200: answerOf('ConfirmSummaryByLink', answeredAt, AT_EXAMPLE), ...problems },
    },
    handler: async (request) => answerByLink(request, request.params.token, undefined),
  });

  typed.post('/confirmations/:token/request-revision', {
    schema: {
      tags: ['confirmations'],
      summary: 'Ask for a revision of the summary version the link was issued for, with comments (single use)',
      description: 'Public: the link is the credential. Used, expired, revoked or outdated links answer 410 naming whom to ask.',
      operationId: 'RequestSummaryRevisionByLink',
      params: TokenParams,
      headers: LinkHeaders,
      body: RequestSummaryRevisionByLinkBody.meta({ examples: [{ comments: 'The pipeline report is compiled monthly, not weekly' }] }),
      response: { 200: answerOf('RequestSummaryRevisionByLink', answeredAt, AT_EXAMPLE), ...problems },
    },
    handler: async (request) => answerByLink(request, request.params.token, request.body.comments),
  });

  const receiptSchema = (summary: string, description: string) => ({
    tags: ['confirmations'],
    summary,
    description: `${description} A JSON document \`{ receiptVersion: ${RECEIPT_VERSION}, kind, generatedAt, interview, interviewee, summary: { version, hash, text, findings }, confirmation: { by, at, via }, chain: { engagementHead, events, verified, interviewStream }, signature }\`, sent as a download. \`signature\` is a JWS (EdDSA) with a detached payload over the RFC 8785 canonical JSON of the receipt without it; the keys are at /.well-known/jwks.json.`,
    headers: LinkHeaders,
    response: { 200: SignedReceiptSchema, ...problems, 429: ProblemSchema },
  });
  /**
   * The receipt with the chain it belongs to – the engagement head and the interview stream's head
   * when it was issued – and signed; `npm run verify -- <receipt>` checks it offline.
   */
  const sendReceipt = async (reply: import('fastify').FastifyReply, receipt: Receipt) => {
    const { engagementId, id } = receipt.interview;
    const chain = await verifyEngagement(engagementId, deps.eventStore.readEngagementAsStored(engagementId));
    const stream = chain.streams.find(([streamId]) => streamId === `interview-${id}`);
    const signed = await deps.signer.sign({
      ...receipt,
      chain: {
        engagementHead: chain.head,
        events: chain.events,
        verified: chain.verified,
        ...(stream ? { interviewStream: { streamId: stream[0], revision: stream[1], digest: stream[2] } } : {}),
      },
    });
    return reply
      .header('content-disposition', `attachment; filename="receipt-${receipt.interview.id}-v${receipt.summary.version}.json"`)
      .header('cache-control', 'no-store')
      .send(signed);
  };

  typed.get('/confirmations/:token/receipt', {
    preHandler: readOwnWrites,
    schema: {
      ...receiptSchema('The receipt of a confirmation made through this link', 'Public: the link is the credential, once it has been used to confirm.'),
      operationId: 'GetReceiptByLink',
      params: TokenParams,
    },
    handler: async (request, reply) => {
      const { presented, link } = await linkOf(request.params.token);
      const doc = await readInterview(deps.readModels, presented.interviewId);
      const via = doc?.confirmation?.via;
      const receipt = doc && via?.method === 'link' && via.linkId === link.linkId ? receiptOf(doc, deps.clock().toISOString()) : undefined;
      if (!receipt) return fail('not-found', 'nothing has been confirmed through this link yet, so there is no receipt');
      return sendReceipt(reply, receipt);
    },
  });

  typed.get('/interviews/:id/summary/receipt', {
    onRequest: app.authenticate,
    preHandler: readOwnWrites,
    schema: {
      ...receiptSchema('The receipt of the confirmed summary', accessNote('read-interview')),
      operationId: 'GetSummaryReceipt',
      security: [{ bearerAuth: [] }],
      params: IdParams,
    },
    handler: async (request, reply) => {
      const { id } = request.params;
      const doc = (await readInterview(deps.readModels, id)) ?? fail('not-found', `interview ${id} does not exist`);
      const engagement = await engagements.get(doc.engagementId);
      const team = engagement ? Object.fromEntries((engagement.team ?? []).map((m) => [m.userId, { role: m.role }])) : undefined;
      const verdict = judge('read-interview', request.user, { team, intervieweeId: doc.interviewee.userId });
      if (!verdict.allowed) return verdict.code === 'not-found' ? fail('not-found', `interview ${id} does not exist`) : fail('forbidden', verdict.reason);
      const receipt = receiptOf(doc, deps.clock().toISOString());
      if (!receipt) return fail('not-found', `the summary of interview ${id} is not confirmed yet, so there is no receipt`);
      return sendReceipt(reply, receipt);
    },
  });
};
