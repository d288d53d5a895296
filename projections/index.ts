/**
 * The read models (DOMAIN.md, "What the history must answer"), each a `Projection`: a map from
 * event type to a pure update. The projector runtime (`infra/`) runs every one in `PROJECTIONS`.
 *
 * - `engagement-document.ts`  GET /engagements/:id
 * - `phase-progress.ts`       GET /engagements/:id/progress (phases, waivers, readiness, survey counters,
 *                             goals and the success scorecard of `success-scorecard.ts`, the
 *                             complexity of `complexity.ts`, the business case of `business-case.ts`)
 * - `interview-schedule.ts`   GET /engagements/:id/interviews and GET /interviews/:id
 * - `interview-findings.ts`   the findings of GET /interviews/:id, a document each
 * - `requirement-backlog.ts`  GET /engagements/:id/backlog, ranked and sorted by `backlog-ranking.ts`
 * - `requirement-document.ts` GET /requirements/:id (the backlog item plus its history)
 * - `baseline-document.ts`    GET /baselines/:id and GET /engagements/:id/baselines (signatories, sign-offs, suspect marks)
 * - `specification.ts`        GET /baselines/:id/document: the specification's content, traced to its sources
 * - `audit-trail.ts`          GET /engagements/:id/audit
 * - `goal-matrix.ts`          GET /engagements/:id/goal-matrix, computed on reading from progress and backlog
 * - `apply.ts`                the position-guarded fold the runtime, rebuilds and `asOf` share
 * - `define.ts`, `readiness.ts` what the projections have in common
 */
import { auditTrail } from './audit-trail.js';
import { baselineDocument } from './baseline-document.js';
import { engagementDocument } from './engagement-document.js';
import { interviewFindings } from './interview-findings.js';
import { interviewSchedule } from './interview-schedule.js';
import { phaseProgress } from './phase-progress.js';
import type { Projection, ReadDocument } from './projection.js';
import { requirementBacklog } from './requirement-backlog.js';
import { requirementDocument } from './requirement-document.js';

/**
 * A projection seen by code that runs any of them: it only ever hands a projection documents of
 * that projection's own collection, which is what makes widening the document type safe here.
 */
const anyOf = <D extends ReadDocument>(projection: Projection<D>): Projection<ReadDocument> =>
  projection as unknown as Projection<ReadDocument>;

export const PROJECTIONS: readonly Projection<ReadDocument>[] = [
  anyOf(engagementDocument),
  anyOf(phaseProgress),
  anyOf(interviewSchedule),
  anyOf(interviewFindings),
  anyOf(requirementBacklog),
  anyOf(requirementDocument),
  anyOf(auditTrail),
  anyOf(baselineDocument),
];

export * from './projection.js';
export * from './apply.js';
export * from './define.js';
export * from './readiness.js';
export * from './success-scorecard.js';
export * from './business-case.js';
export * from './complexity.js';
export * from './engagement-document.js';
export * from './phase-progress.js';
export * from './interview-schedule.js';
export * from './interview-findings.js';
export * from './requirement-backlog.js';
export * from './backlog-ranking.js';
export * from './requirement-document.js';
export * from './audit-trail.js';
export * from './goal-matrix.js';
export * from './baseline-document.js';
export * from './specification.js';
