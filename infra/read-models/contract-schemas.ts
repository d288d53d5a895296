/**
 * The read models' collections as versioned contracts for the tools operations teams point at
 * MongoDB: one JSON Schema per collection, generated from the projection's document type with
 * typescript-json-schema (it follows types inferred from the zod contracts, which generators that
 * read only the syntax cannot), in the shape the documents are stored in – `id` as `_id`, beside
 * the store's own `_position` key and `_deleted` tombstone mark (mongo-query.ts).
 * `npm run read-models:schemas` writes them to docs/read-models/<collection>.v<version>.schema.json; a test
 * keeps the committed files equal to what this produces.
 *
 * The same types give the documents as the HTTP queries serve them (`id` itself, none of the
 * store's fields), written to served-schemas.ts for the routes' response schemas: one source for
 * each shape, whether a tool reads it from MongoDB or a client from the API.
 */
import { resolve } from 'node:path';
import * as TJS from 'typescript-json-schema';
import { STORED } from './mongo-query.js';
import {
  auditTrail,
  baselineDocument,
  engagementDocument,
  interviewFindings,
  interviewSchedule,
  phaseProgress,
  requirementBacklog,
  requirementDocument,
} from '../../projections/index.js';

const root = resolve(import.meta.dirname, '../..');

/**
 * Each collection (the projection's name), its contract version, the type of its documents, and the
 * type the queries serve them as: the interview with its findings, which are stored as documents of
 * their own. A change that removes or retypes a stored field raises the version; the older file
 * stays in docs/read-models/ while readers move (interviews v2: the findings left for
 * `interview-findings`).
 */
export const READ_MODELS = [
  { collection: engagementDocument.name, version: 1, file: 'projections/engagement-document.ts', type: 'EngagementDocument' },
  { collection: phaseProgress.name, version: 1, file: 'projections/phase-progress.ts', type: 'PhaseProgress' },
  { collection: interviewSchedule.name, version: 2, file: 'projections/interview-schedule.ts', type: 'InterviewRecord', served: 'InterviewDocument' },
  { collection: interviewFindings.name, version: 1, file: 'projections/interview-findings.ts', type: 'FindingDocument', served: undefined },
  { collection: requirementBacklog.name, version: 1, file: 'projections/requirement-backlog.ts', type: 'BacklogItem' },
  { collection: requirementDocument.name, version: 1, file: 'projections/requirement-document.ts', type: 'RequirementDocument' },
  { collection: auditTrail.name, version: 1, file: 'projections/audit-trail.ts', type: 'AuditEntry' },
  { collection: baselineDocument.name, version: 1, file: 'projections/baseline-document.ts', type: 'BaselineDocument' },
] as const;

const versionOf = (collection: string): number => {
  const model = READ_MODELS.find((m) => m.collection === collection);
  if (!model) throw new Error(`No read model is named "${collection}"`);
  return model.version;
};

export const schemaFile = (collection: string) => resolve(root, 'docs', 'read-models', `${collection}.v${versionOf(collection)}.schema.json`);

type Schema = TJS.Definition & { properties: Record<string, TJS.DefinitionOrBoolean>; required: string[] };

/** The document type's schema, turned into the stored document's: `_id` for `id`, and the store's fields. */
const stored = (collection: string, type: string, schema: TJS.Definition): TJS.Definition => {
  const { properties = {}, required = [], ...rest } = schema as Schema;
  const { id, ...fields } = properties;
  const version = versionOf(collection);
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `urn:crm-discovery:read-model:${collection}:v${version}`,
    title: `${collection} (read model, contract v${version})`,
    description: `One document of the MongoDB collection "${collection}", as the projection writes it (${type}).`,
    ...rest,
    properties: {
      [STORED.id]: { ...(id as object), description: 'The document id (the aggregate or entry id).' },
      ...fields,
      [STORED.positionKey]: { type: 'string', description: 'The store\'s sortable key of `position`, used for idempotent, ordered writes.' },
      [STORED.deleted]: { type: 'boolean', description: 'Present and true on a tombstone: a document the projection removed. Readers skip it.' },
    },
    required: [STORED.id, ...required.filter((name) => name !== 'id'), STORED.positionKey].sort(),
  };
};

/**
 * Definitions the generator names after an imported type carry the importing file's absolute path
 * (`import("/…/projections/x",{…}).PriorityRecord`): named by the type alone, the files are the same
 * on every machine.
 */
const IMPORTED = /import\("[^"]*",\{with:\{"resolution-mode":"import"\}\}\)\./g;
const portable = (schema: TJS.Definition): TJS.Definition => {
  const renames = Object.keys(schema.definitions ?? {})
    .filter((name) => name.includes('import("'))
    .map((name) => [name, name.replace(IMPORTED, '')] as const);
  let text = JSON.stringify(schema);
  for (const [from, to] of renames) {
    text = text.split(JSON.stringify(from)).join(JSON.stringify(to));
    text = text.split(`#/definitions/${encodeURIComponent(from)}`).join(`#/definitions/${encodeURIComponent(to)}`);
  }
  return JSON.parse(text) as TJS.Definition;
};

/**
 * The shapes the HTTP queries answer: the collections' documents, and what the queries compute from
 * them (a backlog item with its ranking, a baseline's specification).
 */
export const SERVED_SHAPES = [
  ...READ_MODELS.flatMap((model) => {
    const served = 'served' in model ? model.served : model.type;
    return served === undefined ? [] : [{ file: model.file, type: served }];
  }),
  { file: 'projections/backlog-ranking.ts', type: 'RankedBacklogItem' },
  { file: 'projections/specification.ts', type: 'Specification' },
] as const;

export const servedSchemasFile = resolve(root, 'infra', 'read-models', 'served-schemas.ts');

const program = () =>
  TJS.getProgramFromFiles(
    [...new Set([...READ_MODELS, ...SERVED_SHAPES].map((m) => resolve(root, m.file)))],
    { strict: true, skipLibCheck: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022' },
    root,
  );

const generate = (from: TJS.Program, type: string): TJS.Definition => {
  const schema = TJS.generateSchema(from, type, { required: true, noExtraProps: true, strictNullChecks: true, ignoreErrors: true });
  if (!schema) throw new Error(`no schema for ${type}`);
  return portable(schema);
};

/** Every collection's schema, from one TypeScript program over the projections. */
export const generateReadModelSchemas = (): Map<string, TJS.Definition> => {
  const from = program();
  return new Map(READ_MODELS.map(({ collection, type }) => [collection, stored(collection, type, generate(from, type))]));
};

/**
 * `#/definitions/…` references replaced by what they name: a route's response schema stands alone
 * in the OpenAPI document, where the definitions of the file it came from are not.
 */
const inlined = (schema: TJS.Definition): TJS.Definition => {
  const { definitions = {}, $schema: _draft, ...rest } = schema;
  const resolveIn = (node: unknown, seen: readonly string[]): unknown => {
    if (Array.isArray(node)) return node.map((item) => resolveIn(item, seen));
    if (!node || typeof node !== 'object') return node;
    const { $ref, ...siblings } = node as Record<string, unknown>;
    const resolved = Object.fromEntries(Object.entries(siblings).map(([key, value]) => [key, resolveIn(value, seen)]));
    if (typeof $ref !== 'string') return resolved;
    const name = decodeURIComponent($ref.replace(/^#\/definitions\//, ''));
    if (seen.includes(name)) throw new Error(`${name} refers to itself: a served shape must be finite`);
    if (!(name in definitions)) throw new Error(`${$ref} is not defined`);
    return { ...(resolveIn(definitions[name], [...seen, name]) as object), ...resolved };
  };
  return resolveIn(rest, []) as TJS.Definition;
};

/** Each served shape's schema by its type's name, self-contained. */
export const generateServedSchemas = (): Map<string, TJS.Definition> => {
  const from = program();
  return new Map(SERVED_SHAPES.map(({ type }) => [type, inlined(generate(from, type))]));
};

/** served-schemas.ts: the served shapes as a module the HTTP routes import. */
export const servedSchemasModule = (schemas: Map<string, TJS.Definition>): string =>
  [
    '/**',
    ' * Generated by `npm run read-models:schemas` from the projection types (contract-schemas.ts); do not edit.',
    ' * The documents as the HTTP queries serve them: JSON Schemas, self-contained.',
    ' */',
    `export const SERVED_SCHEMAS = ${JSON.stringify(Object.fromEntries(schemas), null, 2)} as const satisfies Record<string, object>;`,
    '',
    'export type ServedShape = keyof typeof SERVED_SCHEMAS;',
    '',
  ].join('\n');

export const serialize = (schema: TJS.Definition) => `${JSON.stringify(schema, null, 2)}\n`;
