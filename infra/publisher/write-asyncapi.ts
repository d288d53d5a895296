/**
 * Writes the AsyncAPI document to `docs/asyncapi.json` (or the path given), for integrators who
 * read it in the repository; the service serves the same document at `GET /asyncapi.json`.
 *
 *   node --import tsx infra/publisher/write-asyncapi.ts [path] [topic]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { asyncApiDocument, DEFAULT_TOPIC } from '../../contracts/index.js';

export const ASYNCAPI_FILE = 'docs/asyncapi.json';

/** The file's exact content: stable key order, two-space indent, final newline. */
export const renderAsyncApi = (topic: string = DEFAULT_TOPIC): string => `${JSON.stringify(asyncApiDocument(topic), null, 2)}\n`;

export const writeAsyncApi = async (path: string = ASYNCAPI_FILE, topic: string = DEFAULT_TOPIC): Promise<string> => {
  const target = resolve(path);
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, renderAsyncApi(topic));
  return target;
};

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const [path, topic] = process.argv.slice(2);
  const written = await writeAsyncApi(path, topic);
  process.stdout.write(`wrote ${written}\n`);
}
