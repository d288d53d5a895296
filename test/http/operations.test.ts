import t from 'tap';
import { COMMAND_ROUTES } from '../../services/http/command-routes.js';
import { discovery, testApp } from '../support/http.js';

t.test('health, metrics and documents need no token', async (t) => {
  const { app } = await testApp();
  t.teardown(() => app.close());
  const live = await app.inject({ method: 'GET', url: '/health/live' });
  t.equal(live.statusCode, 200);
  const ready = await app.inject({ method: 'GET', url: '/health/ready' });
  t.equal(ready.statusCode, 200);
  t.match(ready.json(), { status: 'ready', checks: { eventStore: { status: 'up' } } });

  await discovery(app).startEngagement();
  const metrics = await app.inject({ method: 'GET', url: '/metrics' });
  t.equal(metrics.statusCode, 200);
  t.match(metrics.headers['content-type'], /^text\/plain/);
  t.match(metrics.body, /commands_total\{type="StartEngagement",outcome="accepted"\} 1/);
  t.match(metrics.body, /http_request_duration_seconds_bucket\{[^}]*route="\/engagements"/);

  const openapi = await app.inject({ method: 'GET', url: '/openapi.json' });
  t.equal(openapi.statusCode, 200);
  const document = openapi.json();
  t.equal(document.openapi, '3.1.0');
  for (const route of COMMAND_ROUTES) {
    const path = route.url.replace(/:(\w+)/g, '{$1}');
    t.ok(document.paths[path]?.post, `documents POST ${path}`);
  }
  const schedule = document.paths['/engagements/{id}/interviews'].post;
  t.ok(schedule.responses['201'], 'documents the 201');
  t.ok(schedule.responses['409'] && schedule.responses['401'] && schedule.responses['400'], 'documents the problems');
  t.ok(schedule.requestBody.content['application/json'].schema.properties.interviewee, 'documents the body');
  t.ok(document.components.securitySchemes.bearerAuth);

  const asyncapi = await app.inject({ method: 'GET', url: '/asyncapi.json' });
  t.equal(asyncapi.statusCode, 200);
  t.match(asyncapi.json(), { asyncapi: /^3\./, channels: Object });

  const docs = await app.inject({ method: 'GET', url: '/docs/' });
  t.equal(docs.statusCode, 200);
  t.match(docs.body, /swagger/i);
});

t.test('the OpenAPI document names who may call each operation and shows a realistic request for every command', async (t) => {
  const { app } = await testApp();
  t.teardown(() => app.close());
  const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
  for (const [path, operations] of Object.entries(document.paths as Record<string, Record<string, { description?: string; security?: unknown }>>)) {
    for (const [method, operation] of Object.entries(operations)) {
      if (!operation.security) continue;
      t.match(operation.description, /\*\*Roles:\*\* [a-z, ]+\./, `${method.toUpperCase()} ${path} names its roles`);
    }
  }
  for (const route of COMMAND_ROUTES) {
    const path = route.url.replace(/:(\w+)/g, '{$1}');
    const media = document.paths[path].post.requestBody.content['application/json'];
    t.ok(media.example, `${route.type} has an example`);
    t.ok(route.body.safeParse(media.example).success, `${route.type}'s example is a valid body`);
    const answer = Object.entries(document.paths[path].post.responses as Record<string, { content: Record<string, { example?: { version?: number } }> }>)
      .filter(([status]) => status.startsWith('2'))
      .map(([, response]) => response.content['application/json']!.example);
    t.ok(answer.every((example) => example && example.version! >= 0), `${route.type}'s answer example is realistic`);
  }
});
