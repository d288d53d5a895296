/**
 * `buildApp(deps)` assembles the HTTP service from its ports; tests build it with in-memory
 * adapters and drive it with `app.inject`, production with the configured adapters.
 */
import fastifySwagger from '@fastify/swagger';
import { randomBytes } from 'node:crypto';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyBaseLogger } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { asyncApiDocument, type AsyncApiDocument } from '../../contracts/index.js';
import type { EventStore } from '../../infra/event-store/port.js';
import type { IdentityVerifier } from '../../infra/identity/index.js';
import type { Projector } from '../../infra/projector/projector.js';
import type { ReadModelStore } from '../../infra/read-models/port.js';
import { registerAdminRoutes } from './plugins/admin.js';
import type { CatchUp, ReadYourWrites } from '../queries/read-your-writes.js';
import { CommandBus } from '../commands/command-bus.js';
import type { SnapshotStore } from '../../infra/snapshots/store.js';
import type { IdempotencyStore } from '../../infra/idempotency/store.js';
import { authPlugin } from './auth.js';
import { browserSessionPlugin, type BrowserSignIn } from './browser-session.js';
import { registerWebApp, type WebPage } from './plugins/web-app.js';
import { closeAfterEarlyAnswers, DEFAULT_CONNECTION_LIMITS, serverWithLimits, type ConnectionLimits } from './connection-limits.js';
import { registerConfirmationRoutes } from './plugins/confirmations.js';
import type { Mailer } from '../mail/confirmation-mail.js';
import { answerClientError, answerError, registerErrorHandling } from './errors.js';
import { parseJsonBodiesStrictly } from './json-body.js';
import { documentProblems } from './problem-responses.js';
import { withLinks } from './openapi-links.js';
import { DEFAULT_EXPENSIVE_READ_LIMITS, limitExpensiveReads, type ExpensiveReadLimits } from './expensive-reads.js';
import { registerOperations, type ReadinessCheck } from './plugins/operations.js';
import { createMetrics, type Metrics } from './metrics.js';
import { registerProofRoutes } from './plugins/proof.js';
import { InMemoryAnchorStore, type AnchorStore } from '../../infra/proof/anchors.js';
import { generateSigningKey, ProofSigner } from '../../infra/proof/signing.js';
import { CORRELATION_ID } from './schemas.js';
import { KeyedQueue } from '../commands/keyed-queue.js';
import { newUuidV7 } from '../commands/ids.js';
import { registerAudit } from './plugins/audit.js';
import { registerBaselines } from './plugins/baselines.js';
import { registerEngagements } from './plugins/engagements.js';
import { registerInterviews } from './plugins/interviews.js';
import { registerRequirements } from './plugins/requirements.js';
import type { ResourceDeps, ResourcePlugin } from './plugins/resource.js';

/** The resources of the API, each a plugin registering its commands and queries. */
const RESOURCES: ResourcePlugin[] = [registerEngagements, registerInterviews, registerRequirements, registerBaselines, registerAudit];

export type AppDeps = {
  store: EventStore;
  idempotency: IdempotencyStore;
  readModels: ReadModelStore;
  readYourWrites: ReadYourWrites;
  /** Read models still folding the log after a start (in memory): queries wait for them, or answer 503. */
  catchUp?: CatchUp;
  /** The projector running in this process, if any: admins may rebuild its read models. */
  projector?: Projector;
  /** Snapshots of stream states, so a long stream is not folded from its start after a restart. */
  snapshots?: SnapshotStore;
  /** The metrics of the process (projector and publisher register theirs in the same registry). */
  metrics?: Metrics;
  /** Verifies bearer tokens: the organisation's identity provider, or HS256 on the embedded default. */
  identity: IdentityVerifier;
  /** Signing in from a browser (session cookie); none: bearer tokens only. */
  signIn?: BrowserSignIn;
  /** The built web app (dist/web), served at `/`. */
  webRoot?: string;
  /** The secret ids of idempotent commands are derived with (see commands/ids.ts); random per app when not given. */
  idSecret?: string;
  /** A pino logger; none logs nothing (tests). */
  logger?: FastifyBaseLogger;
  clock?: () => Date;
  /** Further readiness checks (projector, publisher) beside the event store's. */
  readinessChecks?: ReadinessCheck[];
  bodyLimit?: number;
  /** Socket timeouts and the connection cap of the listening server (DEFAULT_CONNECTION_LIMITS). */
  connectionLimits?: Partial<ConnectionLimits>;
  /** Per-user rate limit of audit CSV exports and backlog asOf reads (DEFAULT_EXPENSIVE_READ_LIMITS). */
  expensiveReads?: Partial<ExpensiveReadLimits>;
  /** The Kafka topic the AsyncAPI document at /asyncapi.json describes. */
  kafkaTopic?: string;
  /** How long a query with X-Min-Position waits for the read models (default 5 s). */
  minPositionWaitMs?: number;
  version?: string;
  /** Emails confirmation links (SMTP_URL); none: consultants copy them. */
  mailer?: Mailer;
  /** The URL browsers reach the service at (PUBLIC_URL), for the links in emails. */
  publicUrl?: string;
  /** Signs anchors, receipts and audit exports; none: a key generated for this app alone (tests). */
  signer?: ProofSigner;
  /** The last anchors of each engagement; none: kept in memory. */
  anchors?: AnchorStore;
  /** The font of the specification's PDF (DOCUMENT_FONT); the default is Noto Sans CJK. */
  documentFont?: string;
};

export const buildApp = async (deps: AppDeps) => {
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    bodyLimit: deps.bodyLimit ?? 1024 * 1024,
    serverFactory: serverWithLimits({ ...DEFAULT_CONNECTION_LIMITS, ...deps.connectionLimits }),
    // A confirmation link's token (interview id, link id, secret) is longer than fastify's default 100;
    // above the longest path parameter the schemas allow (400), so those answer 400 and only absurd
    // lengths 414.
    routerOptions: { maxParamLength: 1_000 },
    frameworkErrors: answerError,
    clientErrorHandler: answerClientError,
    logController: new LogController({ requestIdLogLabel: 'correlationId' }),
    genReqId: (request) => {
      const given = request.headers['x-correlation-id'];
      return typeof given === 'string' && CORRELATION_ID.test(given) ? given : newUuidV7();
    },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  documentProblems(app);
  // Commands are JSON only: anything else is answered 415, not parsed as text.
  app.removeContentTypeParser('text/plain');
  parseJsonBodiesStrictly(app);

  const metrics = deps.metrics ?? createMetrics();
  const clock = deps.clock ?? (() => new Date());
  const bus = new CommandBus(deps.store, deps.snapshots ? { snapshots: deps.snapshots } : {});
  const signer = deps.signer ?? (await ProofSigner.fromJwks(await generateSigningKey('ephemeral')));
  const anchors = deps.anchors ?? new InMemoryAnchorStore();

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-correlation-id', request.id);
  });
  // A command without a body (e.g. /summary/send) is an empty object, so schemas stay strict.
  app.addHook('preValidation', async (request) => {
    if (request.method === 'POST' && request.body === undefined) request.body = {};
  });
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  let webPage: WebPage | undefined;
  registerErrorHandling(app, () => webPage);
  closeAfterEarlyAnswers(app);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'CRM requirements discovery',
        version: deps.version ?? '0.1.0',
        description:
          'Interviews, findings, confirmed summaries, 20/80-prioritized requirements and phase gates, kept as an auditable event history. ' +
          'Errors are RFC 9457 problems whose `code` is stable.',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      tags: [
        { name: 'engagements', description: 'Engagements, readiness and phases' },
        { name: 'interviews', description: 'Interviews, findings and summaries' },
        { name: 'confirmations', description: 'Confirmation links (the link is the credential) and receipts of confirmed summaries' },
        { name: 'requirements', description: 'Requirements and their 20/80 priority' },
        { name: 'proof', description: 'The provable history: verification of the chained history, the signed audit export and the public keys (JWKS)' },
        { name: 'baselines', description: 'The requirement specification: baselines signed off, and change after sign-off' },
        { name: 'operations', description: 'Health, metrics and documents' },
        { name: 'sign-in', description: 'The web app’s session: signing in and out from a browser' },
      ],
    },
    transform: jsonSchemaTransform,
    transformObject: withLinks as never,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  await app.register(authPlugin, { identity: deps.identity });
  if (deps.signIn) await app.register(browserSessionPlugin, { signIn: deps.signIn, identity: deps.identity });
  if (deps.webRoot) webPage = await registerWebApp(app, deps.webRoot);
  await limitExpensiveReads(app, { ...DEFAULT_EXPENSIVE_READ_LIMITS, ...deps.expensiveReads });

  registerOperations(app, {
    metrics,
    checks: [
      { name: 'eventStore', check: () => deps.store.ping() },
      { name: 'readModelStore', check: () => deps.readModels.ping() },
      ...(deps.readinessChecks ?? []),
    ],
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  // Built at the first request, as the OpenAPI document is: generating its JSON Schemas would delay every start.
  let asyncApi: AsyncApiDocument | undefined;
  app.get('/asyncapi.json', { schema: { hide: true } }, async () => (asyncApi ??= asyncApiDocument(deps.kafkaTopic)));
  const idSecret = deps.idSecret ?? randomBytes(32).toString('base64url');
  const resources: ResourceDeps = {
    commands: { bus, idempotency: deps.idempotency, metrics, clock, idSecret, sameKey: new KeyedQueue() },
    queries: {
      clock,
      readModels: deps.readModels,
      eventStore: deps.store,
      readYourWrites: deps.readYourWrites,
      ...(deps.documentFont === undefined ? {} : { documentFont: deps.documentFont }),
      ...(deps.catchUp ? { catchUp: deps.catchUp } : {}),
      ...(deps.minPositionWaitMs === undefined ? {} : { minPositionWaitMs: deps.minPositionWaitMs }),
    },
  };
  for (const register of RESOURCES) register(app, resources);
  registerConfirmationRoutes(app, {
    bus,
    idempotency: deps.idempotency,
    idSecret,
    readModels: deps.readModels,
    readYourWrites: deps.readYourWrites,
    ...(deps.catchUp ? { catchUp: deps.catchUp } : {}),
    eventStore: deps.store,
    signer,
    clock,
    ...(deps.mailer ? { mailer: deps.mailer } : {}),
    ...(deps.publicUrl ? { publicUrl: deps.publicUrl } : {}),
    ...(deps.minPositionWaitMs === undefined ? {} : { minPositionWaitMs: deps.minPositionWaitMs }),
  });
  registerProofRoutes(app, {
    eventStore: deps.store,
    readModels: deps.readModels,
    readYourWrites: deps.readYourWrites,
    anchors,
    signer,
    clock,
    ...(deps.catchUp ? { catchUp: deps.catchUp } : {}),
    ...(deps.minPositionWaitMs === undefined ? {} : { minPositionWaitMs: deps.minPositionWaitMs }),
  });
  if (deps.projector) registerAdminRoutes(app, { projector: deps.projector });
  return app;
};
