/**
 * The reads that cost far more than the others – the audit trail as CSV, and the reads folded from
 * the log: the backlog `asOf` a past instant, the changes between two instants, the explanation of
 * a rank, the verification of an engagement's history, its signed export and signed receipts; and
 * the specification as a PDF (laying out and subsetting a CJK font takes seconds of CPU) – are
 * rate limited per user, so that one client cannot keep the process busy for everyone. Every other
 * request passes untouched.
 */
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { wantsCsv } from './audit-csv.js';
import { problem, ProblemError } from './problem.js';

export type ExpensiveReadLimits = {
  /** Expensive reads one user may start per window. */
  max: number;
  windowMs: number;
};

export const DEFAULT_EXPENSIVE_READ_LIMITS: ExpensiveReadLimits = { max: 10, windowMs: 60_000 };

const isExpensive = (request: FastifyRequest): boolean => {
  const query = (request.query ?? {}) as { format?: string; asOf?: string };
  switch (request.routeOptions.url) {
    case '/engagements/:id/audit':
      return wantsCsv(query.format, request.headers.accept);
    case '/engagements/:id/backlog':
      return query.asOf !== undefined;
    case '/engagements/:id/changes':
    case '/requirements/:id/priority/explanation':
    case '/engagements/:id/verification':
    case '/engagements/:id/audit/export':
    case '/interviews/:id/summary/receipt':
    case '/confirmations/:token/receipt':
      return true;
    case '/baselines/:id/document':
      return query.format === 'pdf' || (query.format === undefined && /application\/pdf/i.test(request.headers.accept ?? ''));
    default:
      return false;
  }
};

export const limitExpensiveReads = async (app: FastifyInstance, limits: ExpensiveReadLimits) => {
  await app.register(fastifyRateLimit, { global: false });
  // A preHandler runs after the route's authentication, so the limit is per verified user.
  app.addHook(
    'preHandler',
    app.rateLimit({
      max: limits.max,
      timeWindow: limits.windowMs,
      keyGenerator: (request) => (request.user?.id ? `user:${request.user.id}` : `ip:${request.ip}`),
      allowList: (request) => !isExpensive(request),
      errorResponseBuilder: (_request, context) =>
        new ProblemError(
          problem('too-many-requests', `at most ${context.max} exports, verifications, PDFs and reads from the log (asOf, changes, explanations, receipts) per ${limits.windowMs / 1000} s; try again in ${context.after}`),
        ),
    }),
  );
};
