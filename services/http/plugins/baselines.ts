/** Baselines: the requirement specification frozen, signed off and read as a document (HTML, PDF, JSON), and the baseline commands. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { type InterviewDocument, type PhaseProgress, type BaselineDocument, specificationOf } from '../../../projections/index.js';
import Negotiator from 'negotiator';
import { specificationHtml } from '../specification/document.js';
import { DocumentFontMissingError, specificationPdf } from '../specification/pdf.js';
import { fail } from '../problem.js';
import { Baseline, SpecificationSchema } from '../read-model-schemas.js';
import { ProblemSchema } from '../schemas.js';
import { queryKit, readInterview, READ_MODELS, DocumentQuery, FORMAT_OF, languageOf, problems } from '../query-routes.js';
import { registerCommandRoutes } from '../command-routes.js';
import { BASELINE } from '../../commands/specs/index.js';
import type { ResourceDeps } from './resource.js';

export const registerBaselines = (app: FastifyInstance, deps: ResourceDeps) => {
  registerCommandRoutes(app, deps.commands, BASELINE);
  const { typed, collection, permitted, common, readableBaseline, base } = queryKit(app, deps.queries);

  typed.get('/engagements/:id/baselines', {
    ...common,
    schema: { ...base('ListBaselines', 'baselines', 'The baselines of the engagement, newest first, with their status, signatories and suspect marks', 'see-overview'),
      response: { 200: z.object({ items: z.array(Baseline) }), ...problems },
    },
    handler: async (request) => {
      const { id } = request.params;
      await permitted(request, 'see-overview', id, `engagement ${id}`);
      const items: BaselineDocument[] = [];
      for await (const doc of collection<BaselineDocument>(READ_MODELS.baselines).find({ engagementId: id }, { sort: [['createdAt', -1]] })) items.push(doc);
      return { items };
    },
  });

  typed.get('/baselines/:id', {
    ...common,
    schema: { ...base('GetBaseline', 'baselines', 'A baseline: the requirements frozen at their versions, its hash, signatories and sign-offs, and suspect marks', 'see-overview'),
      response: { 200: Baseline, ...problems },
    },
    handler: async (request) => readableBaseline(request, request.params.id),
  });

  typed.get('/baselines/:id/document', {
    ...common,
    schema: {
      ...base('GetSpecificationDocument', 'baselines', 'The requirement specification of a baseline, for the browser and print: priorities, sources traced to findings, interviews and confirmations, goals, sign-offs, suspect marks', 'see-overview'),
      querystring: DocumentQuery,
      response: {
        200: {
          description: 'HTML (Accept: text/html, the default) in English or Chinese, with a print stylesheet; a PDF to keep (Accept: application/pdf); or the same content as JSON',
          content: {
            'text/html': { schema: z.string() },
            'application/pdf': { schema: z.string().meta({ format: 'binary' }) },
            'application/json': { schema: SpecificationSchema },
          },
        },
        ...problems,
        // The PDF is rate limited with the other expensive reads (expensive-reads.ts).
        429: ProblemSchema,
      },
    },
    handler: async (request, reply) => {
      const baseline = await readableBaseline(request, request.params.id);
      const interviewIds = [...new Set(baseline.requirements.flatMap((r) => r.sources.map((s) => s.interviewId)))];
      const interviews: InterviewDocument[] = [];
      for (const interviewId of interviewIds) {
        const interview = await readInterview(deps.queries.readModels, interviewId);
        if (interview) interviews.push(interview);
      }
      const progress = await collection<PhaseProgress>(READ_MODELS.progress).get(baseline.engagementId);
      const specification = specificationOf(baseline, interviews, progress?.goals ?? []);
      const wanted = request.query.format ?? FORMAT_OF[new Negotiator(request).mediaType(Object.keys(FORMAT_OF)) ?? 'text/html'] ?? 'html';
      if (wanted === 'json') return reply.type('application/json').send(specification);
      const language = languageOf(request, request.query.lang);
      if (wanted === 'pdf') {
        let pdf: Buffer;
        try {
          pdf = await specificationPdf(specification, language, deps.queries.documentFont);
        } catch (error) {
          if (error instanceof DocumentFontMissingError) return fail('unavailable', error.message);
          throw error;
        }
        const file = `specification-${baseline.baselineId}-${language}.pdf`;
        return reply
          .type('application/pdf')
          .header('content-language', language)
          .header('vary', 'Accept, Accept-Language')
          .header('content-disposition', `attachment; filename="${file}"`)
          // A Buffer bypasses the response serializer, like the audit trail's CSV stream.
          .send(pdf as never);
      }
      return reply
        .type('text/html; charset=utf-8')
        .header('content-language', language)
        .header('vary', 'Accept, Accept-Language')
        .send(specificationHtml(specification, language));
    },
  });
};
