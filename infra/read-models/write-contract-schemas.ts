/** `npm run read-models:schemas`: writes each read-model collection's JSON Schema to docs/read-models/. */
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { generateReadModelSchemas, schemaFile, serialize } from './contract-schemas.js';

for (const [collection, schema] of generateReadModelSchemas()) {
  writeFileSync(schemaFile(collection), serialize(schema));
  process.stdout.write(`${relative(process.cwd(), schemaFile(collection))}\n`);
}
