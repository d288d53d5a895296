/**
 * `npm run read-models:schemas`: writes each read-model collection's JSON Schema to docs/read-models/,
 * and the shapes the HTTP queries serve to infra/read-models/served-schemas.ts.
 */
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { generateReadModelSchemas, generateServedSchemas, schemaFile, serialize, servedSchemasFile, servedSchemasModule } from './contract-schemas.js';

for (const [collection, schema] of generateReadModelSchemas()) {
  writeFileSync(schemaFile(collection), serialize(schema));
  process.stdout.write(`${relative(process.cwd(), schemaFile(collection))}\n`);
}
writeFileSync(servedSchemasFile, servedSchemasModule(generateServedSchemas()));
process.stdout.write(`${relative(process.cwd(), servedSchemasFile)}\n`);
