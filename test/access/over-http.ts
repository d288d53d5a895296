/** Sends the matrix's calls to a running service over HTTP and turns each cell into an assertion. */
import { matches, type Call, type CellResult } from './matrix.js';

export const over = (base: string) => async (call: Call, headers: Record<string, string>) => {
  const response = await fetch(`${base}${call.url}`, {
    method: call.method,
    headers: { ...headers, ...(call.body ? { 'content-type': 'application/json' } : {}) },
    ...(call.body ? { body: JSON.stringify(call.body) } : {}),
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
