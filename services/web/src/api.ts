/**
 * The web app's only way to the service: its public HTTP API, as the OpenAPI document describes it.
 * Signed in with the session cookie; writes carry the CSRF token and an Idempotency-Key (so a retry
 * after a lost answer never records twice); reads carry the position of this tab's last write
 * (X-Min-Position), so a page always shows what its user just did.
 *
 * A read answered 503 with Retry-After – the read models are still catching up with the log after
 * a start, or with this tab's own write – is asked again after the time the service names, and
 * the app says it is catching up (`onCatchingUp`) instead of showing an error.
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

const reach = async (path: string, init: RequestInit): Promise<Response> => {
  try {
    return await fetch(path, { credentials: 'same-origin', ...init });
  } catch (error) {
    throw new NetworkError(error);
  }
};

const answered = async (response: Response): Promise<Response> => {
  if (!response.ok) throw new ApiError(response.status, await problemOf(response));
  return response;
};

const catchingUpListeners = new Set<(catchingUp: boolean) => void>();
const waitingReads = new Set<object>();

/** Hears whether reads are waiting for the read models to catch up; returns how to stop hearing. */
export const onCatchingUp = (listener: (catchingUp: boolean) => void): (() => void) => {
  catchingUpListeners.add(listener);
  listener(waitingReads.size > 0);
  return () => catchingUpListeners.delete(listener);
};

const setWaiting = (read: object, waiting: boolean) => {
  const before = waitingReads.size > 0;
  if (waiting) waitingReads.add(read);
  else waitingReads.delete(read);
  const now = waitingReads.size > 0;
  if (now !== before) for (const listener of catchingUpListeners) listener(now);
};

/** Seconds to wait before asking again, as Retry-After says (seconds or a date); bounded so a page never waits long for nothing. */
const retryAfterMs = (response: Response): number | undefined => {
  const header = response.headers.get('retry-after');
  if (response.status !== 503 || header === null) return undefined;
  const seconds = /^\d+$/.test(header.trim()) ? Number(header) : (Date.parse(header) - Date.now()) / 1000;
  return Math.min(Math.max(Number.isFinite(seconds) ? seconds : 1, 1), 30) * 1000;
};

/** A read, asked again for as long as the service answers that it is catching up. */
const read = async (path: string, init: RequestInit): Promise<Response> => {
  const token = {};
  try {
    for (;;) {
      const response = await reach(path, init);
      const waitMs = retryAfterMs(response);
      if (waitMs === undefined) return await answered(response);
      await response.body?.cancel();
      setWaiting(token, true);
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  } finally {
    setWaiting(token, false);
  }
};

const send = async (path: string, init: RequestInit): Promise<Response> => answered(await reach(path, init));

export const get = async <T>(path: string, options: { fresh?: boolean } = {}): Promise<T> => {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.fresh !== false && lastPosition !== undefined) headers['x-min-position'] = lastPosition.toString();
  return (await (await read(path, { headers })).json()) as T;
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
  return (await read(path, { headers })).blob();
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
