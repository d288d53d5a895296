/** The history of an engagement: its audit trail (JSON pages or CSV) and what changed between two instants. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AuditEntry } from '../../../projections/index.js';
import type { Filter } from '../../../infra/read-models/port.js';
import { decodeCursor, encodeCursor } from '../../queries/backlog.js';
import { Changes, changesBetween } from '../../queries/changes.js';
import { auditCsv, exportTurns, wantsCsv } from '../audit-csv.js';
import { fail } from '../problem.js';
import { AuditEntrySchema } from '../read-model-schemas.js';
import { queryKit, READ_MODELS, AuditQuery, ChangesQuery, limited } from '../query-routes.js';
import type { ResourceDeps } from './resource.js';

export const registerAudit = (app: FastifyInstance, deps: ResourceDeps) => {
  const { typed, collection, now, permitted, common, base, engagementLog } = queryKit(app, deps.queries);
  const exports = exportTurns();
  typed.get('/engagements/:id/audit', {
    ...common,
    schema: { ...base('GetAuditTrail', 'engagements', 'The audit trail: every decision with actor, before/after values and reason; JSON pages or CSV', 'read-records'),
      querystring: AuditQuery,
      response: {
        200: {
          description: 'A JSON page; with Accept: text/csv or format=csv, the whole filtered trail as CSV',
          content: {
            'application/json': { schema: z.object({ entries: z.array(AuditEntrySchema), nextCursor: z.string().nullable() }) },
            'text/csv': { schema: z.string() },
          },
        },
        ...limited,
      },
    },
    handler: async (request, reply) => {
      const { id } = request.params;
      await permitted(request, 'read-records', id, `engagement ${id}`);
      const { actor, action, subjectId, from, to, limit, cursor, format } = request.query;
      const filter: Record<string, Filter[string]> = { engagementId: id };
      if (actor) filter['actor.id'] = actor;
      if (action) filter['action'] = action;
      if (subjectId) filter['relatedIds'] = subjectId;
      if (from || to) filter['at'] = { ...(from ? { $gte: new Date(from).toISOString() } : {}), ...(to ? { $lte: new Date(to).toISOString() } : {}) };
      const entries = collection<AuditEntry>(READ_MODELS.audit);
      if (wantsCsv(format, request.headers.accept)) {
        reply.header('content-disposition', `attachment; filename="audit-${id}.csv"`).type('text/csv; charset=utf-8');
        // A stream bypasses the response serializer; the CSV is written page by page as entries are read.
        return reply.send(auditCsv(entries, filter, exports) as never);
      }
      let afterPosition: string | undefined;
      if (cursor !== undefined) {
        const decoded = decodeCursor(cursor, (v): v is { p: string } => typeof (v as { p?: unknown })?.p === 'string' && /^\d+$/.test((v as { p: string }).p));
        if (!decoded) return fail('validation-failed', 'the cursor is not one this trail gave out', { errors: [{ in: 'querystring', path: '/cursor', message: 'invalid cursor' }] });
        afterPosition = decoded.p;
      }
      const page: AuditEntry[] = [];
      const pageFilter = afterPosition === undefined ? filter : { ...filter, position: { $gt: afterPosition } };
      for await (const entry of entries.find(pageFilter, { sort: [['position', 1]], limit: limit + 1 })) page.push(entry);
      const more = page.length > limit;
      const items = page.slice(0, limit);
      return { entries: items, nextCursor: more ? encodeCursor({ p: items.at(-1)!.position }) : null };
    },
  });

  typed.get('/engagements/:id/changes', {
    ...common,
    schema: {
      ...base('GetChanges', 'engagements', 'What changed between two instants: requirements added, revised, re-scored, re-tiered and decided; readiness, phases and waivers; confirmations; the team; goals and targets – each with the events behind it', 'read-records'),
      querystring: ChangesQuery,
      response: { 200: Changes, ...limited },
    },
    handler: async (request) => {
      const { id } = request.params;
      await permitted(request, 'read-records', id, `engagement ${id}`);
      const from = new Date(request.query.from).toISOString();
      const to = new Date(request.query.to ?? now()).toISOString();
      if (Date.parse(from) >= Date.parse(to)) {
        const message = `from (${from}) must be before to (${to})`;
        return fail('validation-failed', message, { errors: [{ in: 'querystring', path: '/from', message }] });
      }
      return { engagementId: id, from, to, changes: changesBetween(await engagementLog(id), from, to) };
    },
  });
};
