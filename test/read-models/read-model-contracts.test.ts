/**
 * The read-model contracts in docs/read-models/ (JSON Schema per MongoDB collection): the committed
 * files are exactly what the generator makes from the projection types now, so they cannot drift
 * from the code; and the documents a whole discovery projects to validate against them – as the
 * store would hold them and, when MONGO_URL is set, as the MongoDB-wire test server really holds them.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { MongoClient } from 'mongodb';
import t from 'tap';
import { MongoReadModelStore } from '../../infra/read-models/index.js';
import { STORED } from '../../infra/read-models/mongo-query.js';
import { positionKey } from '../../infra/read-models/position-key.js';
import { PROJECTIONS, project, type ReadDocument } from '../../projections/index.js';
import {
  generateReadModelSchemas,
  generateServedSchemas,
  READ_MODELS,
  schemaFile,
  serialize,
  servedSchemasFile,
  servedSchemasModule,
} from '../../infra/read-models/contract-schemas.js';
import { afterGoLive } from '../projections/discovery.js';

const mongoUrl = process.env['MONGO_URL'];
const committed = (collection: string) => JSON.parse(readFileSync(schemaFile(collection), 'utf8')) as object;
const ajv = new Ajv({ allErrors: true, strict: false });
const validators = new Map<string, ValidateFunction>(READ_MODELS.map((m) => [m.collection, ajv.compile(committed(m.collection))]));
const problems = (collection: string, document: unknown) => {
  const validate = validators.get(collection)!;
  return validate(document) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
};

/** A document as the MongoDB store writes it (infra/read-models/mongo-collection.ts). */
const asStored = ({ id, ...fields }: ReadDocument): Record<string, unknown> => ({ [STORED.id]: id, ...fields, [STORED.positionKey]: positionKey(fields.position) });

const log = afterGoLive();
const projected = PROJECTIONS.map((projection) => ({ name: projection.name, documents: [...project(projection, log).values()] }));

t.test('every projection has a committed contract, and the committed files are what the generator makes now', { timeout: 110_000 }, async (t) => {
  t.same(READ_MODELS.map((m) => m.collection).sort(), PROJECTIONS.map((p) => p.name).sort(), 'one contract per collection');
  for (const [collection, schema] of generateReadModelSchemas()) {
    t.equal(readFileSync(schemaFile(collection), 'utf8'), serialize(schema), `${collection}: run \`npm run read-models:schemas\` after changing its document type`);
  }
  t.equal(readFileSync(servedSchemasFile, 'utf8'), servedSchemasModule(generateServedSchemas()), 'the shapes the queries serve: run `npm run read-models:schemas` after changing a document type');
});

t.test('the documents of a whole discovery validate against their contracts', async (t) => {
  for (const { name, documents } of projected) {
    t.ok(documents.length > 0, `${name}: the discovery gives documents`);
    for (const document of documents) t.same(problems(name, asStored(document)), [], `${name}/${document.id}`);
  }
});

t.test('a contract refuses a document that is not of its shape', async (t) => {
  const [item] = projected.find((p) => p.name === 'requirement-backlog')!.documents;
  const stored = asStored(item!);
  t.not(problems('requirement-backlog', { ...stored, rank: 1 }).length, 0, 'a field the collection does not hold');
  const { title: _title, ...untitled } = stored;
  t.not(problems('requirement-backlog', untitled).length, 0, 'a missing required field');
  t.not(problems('requirement-backlog', { ...stored, status: 'approved' }).length, 0, 'a status that does not exist');
  t.not(problems('audit-trail', stored).length, 0, "another collection's document");
});

t.test('documents written by the MongoDB store validate as stored', { skip: !mongoUrl && 'MONGO_URL not set (npm run infra:up; set -a; . .infra/env; set +a)' }, async (t) => {
  const dbName = `rm_contract_${randomUUID().slice(0, 8)}`;
  const store = await MongoReadModelStore.open(mongoUrl!, { dbName, serverSelectionTimeoutMS: 5_000 });
  const client = await MongoClient.connect(mongoUrl!);
  t.teardown(async () => {
    await client.db(dbName).dropDatabase().catch(() => undefined);
    await client.close();
    await store.close();
  });
  for (const { name, documents } of projected) {
    await store.collection<ReadDocument>(name).write(documents.map((document) => ({ kind: 'upsert', id: document.id, document, ifPositionBelow: document.position })));
    const raw = await client.db(dbName).collection(name).find({}).toArray();
    t.equal(raw.length, documents.length, `${name}: every document stored`);
    for (const document of raw) t.same(problems(name, JSON.parse(JSON.stringify(document))), [], `${name}/${String(document['_id'])} as stored`);
  }
});
