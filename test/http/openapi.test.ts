import t from 'tap';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { discovery, testApp, users } from '../support/http.js';

type Schema = { type?: string; pattern?: string; minLength?: number; maxLength?: number; required?: string[]; properties?: Record<string, unknown>; additionalProperties?: unknown };
type Response = { content?: Record<string, { schema: Schema }> };
type Parameter = { in: string; name: string; schema: Schema };
type Operation = { operationId?: string; tags?: string[]; security?: unknown[]; parameters?: Parameter[]; requestBody?: unknown; responses: Record<string, Response> };

const openapi = async (app: Awaited<ReturnType<typeof testApp>>['app']) => {
  const paths = (await app.inject({ method: 'GET', url: '/openapi.json' })).json().paths as Record<string, Record<string, Operation>>;
  return Object.entries(paths).flatMap(([path, operations]) => Object.entries(operations).map(([method, operation]) => ({ name: `${method.toUpperCase()} ${path}`, operation })));
};

t.test('every failure an operation can answer is documented as a problem+json with the problem schema', async (t) => {
  const { app } = await testApp();
  t.teardown(() => app.close());
  const operations = await openapi(app);
  t.ok(operations.length >= 30, 'all operations');
  for (const { name, operation } of operations) {
    const headers = new Set((operation.parameters ?? []).filter((p) => p.in === 'header').map((p) => p.name));
    const expected = new Set(['431', '500']);
    if (operation.requestBody) ['400', '413', '415'].forEach((s) => expected.add(s));
    if ((operation.parameters ?? []).some((p) => p.in === 'path')) ['400', '414'].forEach((s) => expected.add(s));
    if (operation.security?.length) ['401', '403'].forEach((s) => expected.add(s));
    if (headers.has('if-match')) expected.add('412');
    if (headers.has('idempotency-key')) expected.add('422');
    if (headers.has('x-min-position')) ['409', '503'].forEach((s) => expected.add(s));
    if (!operation.tags?.includes('operations')) expected.add('503');
    const documented = Object.keys(operation.responses);
    const missing = [...expected].filter((status) => !documented.includes(status));
    t.same(missing, [], `${name} documents every status its declaration implies`);
    for (const [status, response] of Object.entries(operation.responses)) {
      if (Number(status) < 400 || (name === 'GET /health/ready' && status === '503')) continue;
      t.same(Object.keys(response.content ?? {}), ['application/problem+json'], `${name} ${status} is a problem+json`);
      t.match(response.content?.['application/problem+json']?.schema, { required: ['type', 'title', 'status', 'detail', 'code'] }, `${name} ${status} has the problem schema`);
    }
  }
});

t.test('answers that are not JSON are documented with their media type', async (t) => {
  const { app } = await testApp();
  t.teardown(() => app.close());
  const operations = await openapi(app);
  const ok = (name: string) => Object.keys(operations.find((o) => o.name === name)!.operation.responses['200']!.content ?? {}).sort();
  t.same(ok('GET /engagements/{id}/audit'), ['application/json', 'text/csv']);
  t.same(ok('GET /metrics'), ['text/plain']);
});

t.test('the header schemas accept exactly what the service accepts', async (t) => {
  const { app } = await testApp();
  t.teardown(() => app.close());
  const operations = await openapi(app);
  const header = (operationName: string, header: string) => {
    const found = operations.find((o) => o.name === operationName)!.operation.parameters!.find((p) => p.in === 'header' && p.name === header)!;
    const accepts = new Ajv2020({ strict: false }).compile(found.schema);
    return (value: string) => accepts(value);
  };
  const engagement = await discovery(app).startEngagement();
  const readiness = (headers: Record<string, string>) =>
    app.inject({ method: 'POST', url: `/engagements/${engagement.id}/readiness`, headers: { ...users.pm, ...headers }, payload: { item: 'funding-secured', status: 'met' } });
  const refusedAsInvalid = (response: { statusCode: number; json: () => { errors?: Array<{ in: string }> } }) =>
    response.statusCode === 400 && response.json().errors?.some((e) => e.in === 'headers') === true;

  const ifMatch = header('POST /engagements/{id}/readiness', 'if-match');
  for (const value of ['"2"', 'W/"2"', '*', '0', '2', '"x"', 'W/2', '"2", "3"', `"${'7'.repeat(23)}"`]) {
    t.equal(refusedAsInvalid(await readiness({ 'if-match': value })), !ifMatch(value), `If-Match ${value}: the schema and the service agree`);
  }
  const key = header('POST /engagements/{id}/readiness', 'idempotency-key');
  for (const value of ['k-1', 'A'.repeat(255), 'A'.repeat(256), 'with space', '"quoted"']) {
    t.equal(refusedAsInvalid(await readiness({ 'idempotency-key': value })), !key(value), `Idempotency-Key ${value.slice(0, 12)}: the schema and the service agree`);
  }
  const position = header('GET /engagements/{id}', 'x-min-position');
  for (const value of ['1', '0', 'soon', '-1', '1'.repeat(41)]) {
    const response = await app.inject({ method: 'GET', url: `/engagements/${engagement.id}`, headers: { ...users.pm, 'x-min-position': value } });
    t.equal(refusedAsInvalid(response), !position(value), `X-Min-Position ${value.slice(0, 12)}: the schema and the service agree`);
  }
  const correlation = operations.find((o) => o.name === 'POST /engagements')!.operation.parameters!.find((p) => p.name === 'x-correlation-id')!;
  t.notOk(correlation.schema.pattern, 'any X-Correlation-Id is accepted (one that does not fit is replaced)');
  const replaced = await app.inject({ method: 'GET', url: `/engagements/${engagement.id}`, headers: { ...users.pm, 'x-correlation-id': 'has space' } });
  t.equal(replaced.statusCode, 200);
  t.not(replaced.headers['x-correlation-id'], 'has space');
});

/**
 * A map: an object of no fixed fields whose keys are data (say, the names of the changed fields),
 * described, and whose every value has a stated shape.
 */
const isMap = (node: Record<string, unknown>) => {
  const values = node['additionalProperties'];
  return Object.keys((node['properties'] as object | undefined) ?? {}).length === 0 && typeof node['description'] === 'string' && !!values && typeof values === 'object' && Object.keys(values).some((key) => key !== 'description');
};

/** Where a schema leaves room for properties it does not name. */
const looseAt = (schema: unknown, at = ''): string[] => {
  if (Array.isArray(schema)) return schema.flatMap((item, i) => looseAt(item, `${at}/${i}`));
  if (!schema || typeof schema !== 'object') return [];
  const node = schema as Record<string, unknown>;
  const open = node['type'] === 'object' && node['additionalProperties'] !== false && !isMap(node) ? [at || '/'] : [];
  return [...open, ...Object.entries(node).flatMap(([key, value]) => looseAt(value, `${at}/${key}`))];
};

t.test('every answer states exactly the fields it carries, so a generated client needs no types of its own', async (t) => {
  const { app } = await testApp();
  t.teardown(() => app.close());
  for (const { name, operation } of await openapi(app)) {
    for (const [status, response] of Object.entries(operation.responses)) {
      if (!status.startsWith('2')) continue;
      const schema = response.content?.['application/json']?.schema;
      if (schema) t.same(looseAt(schema), [], `${name} ${status} names every field`);
    }
  }
});
