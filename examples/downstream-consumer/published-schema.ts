/**
 * Validates messages against the published AsyncAPI document – the same file integrators get
 * (`docs/asyncapi.json` in the repository, `GET /asyncapi.json` from a running service) – by
 * turning its JSON Schemas into validators. Nothing here imports the service's code.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

type JsonObject = Record<string, unknown>;

export type Validator = (value: unknown) => { ok: true } | { ok: false; problems: string[] };

export type PublishedSchema = {
  /** The AsyncAPI `info.version` the validators were built from. */
  version: string;
  /** The topic (the channel's address). */
  topic: string;
  headers: Validator;
  /** The payload validator for a type at a schema version, or undefined when the document has none. */
  payload(type: string, schemaVersion: number): Validator | undefined;
  /** Every `type` the document describes, at any version. */
  types: ReadonlySet<string>;
};

/** Reads the document from a file path or an http(s) URL. */
export const loadAsyncApiDocument = async (source: string): Promise<JsonObject> => {
  if (/^https?:\/\//.test(source)) {
    const response = await fetch(source);
    if (!response.ok) throw new Error(`GET ${source} answered ${response.status}`);
    return (await response.json()) as JsonObject;
  }
  return JSON.parse(await readFile(source, 'utf8')) as JsonObject;
};

const object = (value: unknown, where: string): JsonObject => {
  if (value && typeof value === 'object' && !Array.isArray(value)) return value as JsonObject;
  throw new Error(`the AsyncAPI document has no object at ${where}`);
};

/** Follows a local `#/…` reference. */
const resolve = (document: JsonObject, value: unknown): JsonObject => {
  const node = object(value, 'a reference');
  if (typeof node['$ref'] !== 'string') return node;
  const path = node['$ref'].replace(/^#\//, '').split('/');
  return object(
    path.reduce<unknown>((at, key) => (at as JsonObject | undefined)?.[key.replaceAll('~1', '/').replaceAll('~0', '~')], document),
    node['$ref'],
  );
};

const validator = (schema: JsonObject): Validator => {
  const parser = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0], { defaultTarget: 'draft-7' });
  return (value) => {
    const result = parser.safeParse(value);
    return result.success ? { ok: true } : { ok: false, problems: result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`) };
  };
};

export const publishedSchema = (document: JsonObject): PublishedSchema => {
  const channels = Object.values(object(document['channels'], 'channels'));
  const channel = object(channels[0], 'channels');
  const payloads = new Map<string, Validator>();
  let headers: Validator | undefined;
  for (const reference of Object.values(object(channel['messages'], 'the channel messages'))) {
    const message = resolve(document, reference);
    const payload = resolve(document, message['payload']);
    const properties = object(payload['properties'], 'payload properties');
    const type = object(properties['type'], 'payload type')['const'];
    const version = object(properties['schemaVersion'], 'payload schemaVersion')['const'];
    if (typeof type !== 'string' || typeof version !== 'number') throw new Error('a message payload does not fix its type and schemaVersion');
    payloads.set(`${type}@${version}`, validator(payload));
    headers ??= validator(resolve(document, message['headers']));
  }
  if (!headers) throw new Error('the AsyncAPI document describes no message');
  return {
    version: String(object(document['info'], 'info')['version']),
    topic: String(channel['address']),
    headers,
    payload: (type, schemaVersion) => payloads.get(`${type}@${schemaVersion}`),
    types: new Set([...payloads.keys()].map((key) => key.slice(0, key.lastIndexOf('@')))),
  };
};
