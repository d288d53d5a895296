import { connect } from 'node:net';
import t, { type Test } from 'tap';
import { testApp, users } from '../support/http.js';

const isProblem = (t: Test, response: { headers: Record<string, unknown> }) =>
  t.match(response.headers['content-type'], /^application\/problem\+json/, 'a problem+json body');

t.test('a method a path is not served with is 405 with Allow, never 500 or 404', async (t) => {
  const { app } = await testApp();
  t.teardown(() => app.close());
  const cases: Array<[string, string, string]> = [
    ['QUERY', '/health/live', 'GET, HEAD'],
    ['QUERY', '/metrics', 'GET, HEAD'],
    ['TRACE', '/health/live', 'GET, HEAD'],
    ['PATCH', '/engagements', 'GET, HEAD, POST'],
    ['DELETE', '/interviews/0195a7e2-51c4-7d8e-9a0b-000000000011/cancel', 'POST'],
    ['GET', '/interviews/0195a7e2-51c4-7d8e-9a0b-000000000011/cancel', 'POST'],
    ['PUT', '/engagements?limit=3', 'GET, HEAD, POST'],
  ];
  for (const [method, url, allow] of cases) {
    const response = await app.inject({ method: method as 'GET', url, headers: users.pm });
    t.equal(response.statusCode, 405, `${method} ${url}`);
    isProblem(t, response);
    t.equal(response.headers['allow'], allow, `${method} ${url} lists the methods it has`);
    t.match(response.json(), { code: 'method-not-allowed', status: 405 });
  }
  const queryWithBody = await app.inject({ method: 'QUERY' as 'GET', url: '/engagements', headers: { ...users.pm, 'content-type': 'application/json' }, payload: '{}' });
  t.equal(queryWithBody.statusCode, 405, 'refused before the body is read');
});

t.test('unknown paths stay 404 whatever the method', async (t) => {
  const { app } = await testApp();
  t.teardown(() => app.close());
  for (const method of ['GET', 'QUERY', 'TRACE', 'PATCH']) {
    const response = await app.inject({ method: method as 'GET', url: '/nowhere' });
    t.equal(response.statusCode, 404, method);
    isProblem(t, response);
    t.equal(response.json().code, 'not-found');
  }
});

t.test('a path segment longer than any id is 414 as a problem', async (t) => {
  const { app } = await testApp();
  t.teardown(() => app.close());
  const response = await app.inject({ method: 'GET', url: `/interviews/${'x'.repeat(1_500)}`, headers: users.pm });
  t.equal(response.statusCode, 414);
  isProblem(t, response);
  t.match(response.json(), { code: 'uri-too-long', status: 414 });
  const tooLongToken = await app.inject({ method: 'GET', url: `/confirmations/${'x'.repeat(401)}` });
  t.equal(tooLongToken.statusCode, 400, 'a parameter longer than its schema allows is a validation failure, as documented');
  t.match(tooLongToken.json().errors, [{ in: 'params', path: '/token' }]);
});

t.test('headers too large for the server are 431 as a problem', async (t) => {
  const { app } = await testApp();
  t.teardown(() => app.close());
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = new URL(address);
  const raw = await new Promise<string>((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => {
      socket.write(`GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    });
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString()));
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
  });
  t.match(raw, /^HTTP\/1\.1 431 /);
  t.match(raw, /content-type: application\/problem\+json/i);
  t.match(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)), { code: 'headers-too-large', status: 431 });
});
