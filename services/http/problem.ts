/**
 * RFC 9457 problem details. Every failure leaves the service as `application/problem+json` with
 * `type`, `title`, `status`, `detail` and a stable `code` clients can switch on.
 */
import { DOMAIN_ERRORS, type DomainErrorCode } from '../../contracts/index.js';

export const API_ERRORS = {
  'validation-failed': { status: 400, title: 'The request does not match the schema' },
  unauthenticated: { status: 401, title: 'Authentication required' },
  'version-mismatch': { status: 412, title: 'The resource has changed since the version in If-Match' },
  'payload-too-large': { status: 413, title: 'The request body is too large' },
  'unsupported-media-type': { status: 415, title: 'Send the body as application/json' },
  'idempotency-key-reused': { status: 422, title: 'The Idempotency-Key was used with another request' },
  'position-not-reached': { status: 409, title: 'No command has answered this X-Min-Position yet' },
  'too-many-requests': { status: 429, title: 'Too many expensive requests; slow down' },
  'concurrent-modification': { status: 409, title: 'The resource kept changing; try again' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  'not-acceptable': { status: 406, title: 'Not acceptable' },
  'request-timeout': { status: 408, title: 'The request did not arrive in time' },
  'uri-too-long': { status: 414, title: 'The request target is too long' },
  'headers-too-large': { status: 431, title: 'The request headers are too large' },
  'internal-error': { status: 500, title: 'Internal server error' },
  unavailable: { status: 503, title: 'A backing store is unavailable' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemCode = DomainErrorCode | keyof typeof API_ERRORS;
export const PROBLEM_TYPES: Record<ProblemCode, { status: number; title: string }> = { ...DOMAIN_ERRORS, ...API_ERRORS };

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ProblemCode;
  instance?: string;
  errors?: Array<{ path: string; message: string }>;
  [extension: string]: unknown;
};

/** `type` is a URI that names the problem and is documented in the OpenAPI document. */
export const problemType = (code: ProblemCode) => `urn:problem:crm-discovery:${code}`;

export const problem = (code: ProblemCode, detail: string, extensions: Record<string, unknown> = {}): Problem => {
  const { status, title } = PROBLEM_TYPES[code];
  return { type: problemType(code), title, status, detail, code, ...extensions };
};

export class ProblemError extends Error {
  constructor(readonly problem: Problem, readonly headers: Record<string, string> = {}) {
    super(problem.detail);
    this.name = 'ProblemError';
  }
}

export const fail = (code: ProblemCode, detail: string, extensions?: Record<string, unknown>, headers?: Record<string, string>): never => {
  throw new ProblemError(problem(code, detail, extensions), headers);
};
