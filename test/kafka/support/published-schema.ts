/** Validates raw messages with the example consumer's validator, built from the committed docs/asyncapi.json. */
import { resolve } from 'node:path';
import { loadExample } from './example-consumer.js';
import type { RawMessage } from './kafka.js';

export const ASYNCAPI_PATH = resolve(import.meta.dirname, '../../../docs/asyncapi.json');

/** The problems of one message: headers, then the value against its type's schema. */
export const publishedValidator = async () => {
  const { loadAsyncApiDocument, publishedSchema } = await loadExample();
  const schema = publishedSchema(await loadAsyncApiDocument(ASYNCAPI_PATH));
  return (message: Pick<RawMessage, 'headers' | 'value'>): string[] => {
    const headers = schema.headers(message.headers);
    const value = JSON.parse(message.value) as { type: string; schemaVersion: number };
    const validate = schema.payload(value.type, value.schemaVersion);
    if (!validate) return [`no schema for ${value.type} v${value.schemaVersion}`];
    const payload = validate(value);
    return [...(headers.ok ? [] : headers.problems), ...(payload.ok ? [] : payload.problems)];
  };
};
