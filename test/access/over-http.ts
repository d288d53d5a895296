/** Sends the matrix's calls to a running service over HTTP and turns each cell into an assertion. */
import { matches, type Call, type CellResult } from './matrix.js';

/**
 * A kept-alive socket the server closes as idle (its keepAliveTimeout) at the moment the client
 * reuses it fails with "other side closed" before the server read the request; sent again on a new
 * socket, the request is answered. Any other failure is the test's.
 */
const closedWhileIdle = (error: unknown) => (error as { cause?: { code?: string } }).cause?.code === 'UND_ERR_SOCKET';

export const over = (base: string) => async (call: Call, headers: Record<string, string>) => {
  const send = () =>
    fetch(`${base}${call.url}`, {
      method: call.method,
      headers: { ...headers, ...(call.body ? { 'content-type': 'application/json' } : {}) },
      ...(call.body ? { body: JSON.stringify(call.body) } : {}),
    });
  const response = await send().catch((error: unknown) => {
    if (closedWhileIdle(error)) return send();
    throw error;
  });
  const text = await response.text();
  const isJson = (response.headers.get('content-type') ?? '').includes('json');
  return { status: response.status, body: isJson && text ? JSON.parse(text) : {} };
};

export const check = (t: { ok: (value: boolean, message: string) => unknown }) => (cell: CellResult) =>
  t.ok(
    matches(cell.expected, cell.status),
    `${cell.route} as ${cell.role} (${cell.relation}): ${cell.expected === 'allowed' ? '2xx' : cell.expected}` +
      (matches(cell.expected, cell.status) ? '' : `, got ${cell.status} ${cell.detail ?? ''}`),
  );
