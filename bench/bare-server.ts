/**
 * The baseline for bench/commands.ts: a bare Fastify route with the same checks as RecordFinding –
 * the bearer token verified by the service's own verifier, the JSON body by the same zod schema
 * through the same type provider – and nothing behind it.
 */
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { RecordFindingBody } from '../contracts/index.js';
import { createTokenVerifier } from '../infra/identity/index.js';
import { IdParams } from '../services/http/schemas.js';

const identity = createTokenVerifier({ secret: process.env['AUTH_JWT_SECRET']!, claims: { roles: 'roles', name: 'name' }, maxTokenAgeSeconds: 86_400 });
const app = Fastify({ logger: false });
app.setValidatorCompiler(validatorCompiler);
app.setSerializerCompiler(serializerCompiler);
app.withTypeProvider<ZodTypeProvider>().post(
  '/interviews/:id/findings',
  {
    schema: { params: IdParams, body: RecordFindingBody },
    preHandler: async (request) => {
      await identity.verify((request.headers.authorization ?? '').replace(/^Bearer /, ''));
    },
  },
  async (request, reply) => reply.code(201).send({ id: request.params.id, version: 0, position: '0' }),
);
const address = await app.listen({ port: Number(process.env['PORT'] ?? 0), host: '127.0.0.1' });
process.stdout.write(`listening ${address}\n`);
