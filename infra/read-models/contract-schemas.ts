/**
 * The read models' collections as versioned contracts for the tools operations teams point at
 * MongoDB: one JSON Schema per collection, generated from the projection's document type with
 * typescript-json-schema (it follows types inferred from the zod contracts, which generators that
 * read only the syntax cannot), in the shape the documents are stored in – `id` as `_id`, beside
 * the store's own `_position` key and `_deleted` tombstone mark (mongo-query.ts).
 * `npm run read-models:schemas` writes them to docs/read-models/<collection>.v1.schema.json; a test
 * keeps the committed files equal to what this produces.
 */
import { resolve } from 'node:path';
import * as TJS from 'typescript-json-schema';
import { STORED } from './mongo-query.js';
import { auditTrail, baselineDocument, engagementDocument, interviewSchedule, phaseProgress, requirementBacklog, requirementDocument } from '../../projections/index.js';

const root = resolve(import.meta.dirname, '../..');

export const CONTRACT_VERSION = 1;

/** Each collection (the projection's name) and the type of its documents. */
export const READ_MODELS = [
  { collection: engagementDocument.name, file: 'projections/engagement-document.ts', type: 'EngagementDocument' },
  { collection: phaseProgress.name, file: 'projections/phase-progress.ts', type: 'PhaseProgress' },
  { collection: interviewSchedule.name, file: 'projections/interview-schedule.ts', type: 'InterviewDocument' },
  { collection: requirementBacklog.name, file: 'projections/requirement-backlog.ts', type: 'BacklogItem' },
  { collection: requirementDocument.name, file: 'projections/requirement-document.ts', type: 'RequirementDocument' },
  { collection: auditTrail.name, file: 'projections/audit-trail.ts', type: 'AuditEntry' },
  { collection: baselineDocument.name, file: 'projections/baseline-document.ts', type: 'BaselineDocument' },
] as const;

export const schemaFile = (collection: string) => resolve(root, 'docs', 'read-models', `${collection}.v${CONTRACT_VERSION}.schema.json`);

type Schema = TJS.Definition & { properties: Record<string, TJS.DefinitionOrBoolean>; required: string[] };

/** The document type's schema, turned into the stored document's: `_id` for `id`, and the store's fields. */
const stored = (collection: string, type: string, schema: TJS.Definition): TJS.Definition => {
  const { properties = {}, required = [], ...rest } = schema as Schema;
  const { id, ...fields } = properties;
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `urn:crm-discovery:read-model:${collection}:v${CONTRACT_VERSION}`,
    title: `${collection} (read model, contract v${CONTRACT_VERSION})`,
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

/** Every collection's schema, from one TypeScript program over the projections. */
export const generateReadModelSchemas = (): Map<string, TJS.Definition> => {
  const program = TJS.getProgramFromFiles(
    READ_MODELS.map((m) => resolve(root, m.file)),
    { strict: true, skipLibCheck: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022' },
    root,
  );
  const schemas = new Map<string, TJS.Definition>();
  for (const { collection, type } of READ_MODELS) {
    const schema = TJS.generateSchema(program, type, { required: true, noExtraProps: true, strictNullChecks: true, ignoreErrors: true });
    if (!schema) throw new Error(`no schema for ${type}`);
    schemas.set(collection, stored(collection, type, portable(schema)));
  }
  return schemas;
};

export const serialize = (schema: TJS.Definition) => `${JSON.stringify(schema, null, 2)}\n`;
