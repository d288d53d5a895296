/**
 * The web app's only way to the service: its public HTTP API, as the OpenAPI document describes it.
 * Signed in with the session cookie; writes carry the CSRF token and an Idempotency-Key (so a retry
 * after a lost answer never records twice); reads carry the position of this tab's last write
 * (X-Min-Position), so a page always shows what its user just did.
 */

/** An RFC 9457 problem as the API answers it. */
export type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: Array<{ in?: string; path: string; message: string }>;
  details?: unknown;
  [extension: string]: unknown;
};

export class ApiError extends Error {
  constructor(readonly status: number, readonly problem: Problem) {
    super(problem.detail);
    this.name = 'ApiError';
  }
}

/** The network could not be reached (offline, service down): the request may be retried. */
export class NetworkError extends Error {
  constructor(cause: unknown) {
    super('the service cannot be reached', { cause });
    this.name = 'NetworkError';
  }
}

export type CommandAnswer = { id: string; version: number; position: string; [field: string]: unknown };

let csrfToken: string | undefined;
let lastPosition: bigint | undefined;

export const setCsrfToken = (token: string | undefined) => {
  csrfToken = token;
};

const remember = (position: unknown) => {
  if (typeof position !== 'string' || !/^\d+$/.test(position)) return;
  const value = BigInt(position);
  if (lastPosition === undefined || value > lastPosition) lastPosition = value;
};

const problemOf = async (response: Response): Promise<Problem> => {
  try {
    const body = (await response.json()) as Problem;
    if (body && typeof body.detail === 'string') return body;
  } catch {
    // not a problem document
  }
  return { type: 'about:blank', title: response.statusText, status: response.status, detail: response.statusText || String(response.status), code: 'unknown' };
};

const send = async (path: string, init: RequestInit): Promise<Response> => {
  let response: Response;
  try {
    response = await fetch(path, { credentials: 'same-origin', ...init });
  } catch (error) {
    throw new NetworkError(error);
  }
  if (!response.ok) throw new ApiError(response.status, await problemOf(response));
  return response;
};

export const get = async <T>(path: string, options: { fresh?: boolean } = {}): Promise<T> => {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.fresh !== false && lastPosition !== undefined) headers['x-min-position'] = lastPosition.toString();
  return (await (await send(path, { headers })).json()) as T;
};

export const newIdempotencyKey = () => crypto.randomUUID();

/** A command: POST with a JSON body. Pass the same `idempotencyKey` to retry one safely. */
export const post = async <T extends object = CommandAnswer>(
  path: string,
  body: object = {},
  options: { idempotencyKey?: string; ifMatch?: number } = {},
): Promise<T> => {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json',
    'idempotency-key': options.idempotencyKey ?? newIdempotencyKey(),
  };
  if (csrfToken) headers['x-csrf-token'] = csrfToken;
  if (options.ifMatch !== undefined) headers['if-match'] = `"${options.ifMatch}"`;
  const answer = (await (await send(path, { method: 'POST', headers, body: JSON.stringify(body) })).json()) as T;
  remember((answer as { position?: unknown }).position);
  return answer;
};

/** The text of a download (CSV), with the same cookie and freshness as any read. */
export const download = async (path: string): Promise<Blob> => {
  const headers: Record<string, string> = {};
  if (lastPosition !== undefined) headers['x-min-position'] = lastPosition.toString();
  return (await send(path, { headers })).blob();
};

/**
 * A health or metrics read whose answer matters whatever its status (`/health/ready` answers 503
 * with the failing checks): the status and the body, text or JSON. Throws only when unreachable.
 */
export const probe = async (path: string, as: 'json' | 'text'): Promise<{ status: number; body: unknown }> => {
  let response: Response;
  try {
    response = await fetch(path, { credentials: 'same-origin', headers: { accept: as === 'json' ? 'application/json' : 'text/plain' } });
  } catch (error) {
    throw new NetworkError(error);
  }
  return { status: response.status, body: as === 'json' ? await response.json().catch(() => undefined) : await response.text() };
};
