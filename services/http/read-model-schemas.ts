/**
 * The queries' answers, exactly: the documents' schemas come from the projection types
 * (infra/read-models/served-schemas.ts, generated with the read models' MongoDB contracts), so the
 * OpenAPI document, the response serializer and the stored contracts never describe a document
 * differently. The serializer checks every answer against them strictly (`additionalProperties:
 * false` becomes a strict object): a document with a field its type does not name is refused with a
 * 500 rather than sent, so no field leaves the service undocumented, and the tests that read every
 * query (test/http/, the access matrix, the browser walks) see any drift at once.
 */
import { z } from 'zod';
import { SERVED_SCHEMAS, type ServedShape } from '../../infra/read-models/served-schemas.js';

type JsonSchema = { properties?: Record<string, unknown>; required?: readonly string[] };

const zodOf = (schema: object, description: string) => z.fromJSONSchema(schema as z.core.JSONSchema.JSONSchema).describe(description);

export const served = (shape: ServedShape, description: string) => zodOf(SERVED_SCHEMAS[shape], description);

/** A served shape without some of its fields, for an answer that leaves them out. */
export const servedWithout = (shape: ServedShape, fields: readonly string[], description: string) => {
  const { properties = {}, required = [], ...rest } = SERVED_SCHEMAS[shape] as JsonSchema;
  return zodOf(
    {
      ...rest,
      properties: Object.fromEntries(Object.entries(properties).filter(([name]) => !fields.includes(name))),
      required: required.filter((name) => !fields.includes(name)),
    },
    description,
  );
};

export const Engagement = served('EngagementDocument', 'The engagement: name, client, sponsor, current phase, readiness, team');
export const PhaseProgressSchema = served('PhaseProgress', 'Phase progress: phases with dates and waivers, readiness, goals, survey counters');
export const Interview = served('InterviewDocument', 'The interview with its findings, summary versions and confirmation');
export const ScheduledInterview = servedWithout('InterviewDocument', ['findings', 'summaries'], 'An interview of the schedule: the interview without its findings and summaries');
export const Finding = zodOf(SERVED_SCHEMAS.InterviewDocument.properties.findings.items, 'A finding of an interview');
export const RankedBacklogItemSchema = served('RankedBacklogItem', 'A backlog item with its rank, tier and score (null while it is not ranked)');
export const Requirement = served('RequirementDocument', 'The requirement with its sources, priority history and decisions');
export const AuditEntrySchema = served('AuditEntry', 'An audit trail entry: the decision, its actor, subject, reason and changes');
export const Baseline = served('BaselineDocument', 'A baseline: frozen requirements, hash, signatories, sign-offs and suspect marks');
export const SpecificationSchema = served('Specification', 'The specification of a baseline: the baseline, and its requirements ranked, traced to their sources and goals');
