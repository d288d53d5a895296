/**
 * Fault suite: what cannot be recorded faithfully is refused at the door – NUL, lone surrogates,
 * bytes that are not UTF-8, and bodies in another charset – instead of being stored altered.
 */
import t from 'tap';
import { testApp, users } from '../support/http.js';

const engagement = (name: string) => ({ name, client: 'Acme', sponsor: { name: 'Zhang San', title: 'CEO' } });

t.test('text that cannot be kept exactly is refused; real Unicode is kept exactly', async (t) => {
  const { app } = await testApp();
  t.teardown(() => app.close());
  const send = (payload: string | Buffer, contentType = 'application/json') =>
    app.inject({ method: 'POST', url: '/engagements', headers: { ...users.pm, 'content-type': contentType }, payload });

  const nul = await send(JSON.stringify(engagement('CRM\u0000 for Acme')));
  t.equal(nul.statusCode, 400);
  t.match(nul.json(), { code: 'validation-failed', errors: [{ path: '/name', message: /NUL/ }] });

  const loneSurrogate = await send('{"name":"CRM \\ud800 for Acme","client":"Acme","sponsor":{"name":"Z","title":"CEO"}}');
  t.equal(loneSurrogate.statusCode, 400);
  t.match(loneSurrogate.json(), { code: 'validation-failed', errors: [{ path: '/name', message: /surrogate/ }] });

  const json = JSON.stringify(engagement('CRM for Acme XX'));
  const invalidUtf8 = Buffer.from(json, 'utf8');
  invalidUtf8.set([0xff, 0xfe], json.indexOf('XX'));
  const notUtf8 = await send(invalidUtf8);
  t.equal(notUtf8.statusCode, 400, 'invalid UTF-8 is not turned into U+FFFD');
  t.match(notUtf8.json(), { code: 'validation-failed', detail: /not valid UTF-8/ });

  const utf16 = await send(Buffer.from(JSON.stringify(engagement('CRM for Acme')), 'utf16le'), 'application/json; charset=utf-16');
  t.equal(utf16.statusCode, 415, 'a UTF-16 body is not parsed as UTF-8');
  t.match(utf16.json(), { code: 'unsupported-media-type', detail: /utf-16/ });
  t.equal((await send(JSON.stringify(engagement('CRM')), 'application/json; charset=latin1')).statusCode, 415);

  const poisoned = await send('{"name":"CRM","client":"Acme","sponsor":{"name":"Z","title":"CEO"},"__proto__":{"admin":true}}');
  t.equal(poisoned.statusCode, 400, 'prototype poisoning is still refused');

  const name = '客户关系管理 😀 for Acme';
  const created = await send(Buffer.from(JSON.stringify(engagement(name)), 'utf8'), 'application/json; charset=UTF-8');
  t.equal(created.statusCode, 201);
  const read = await app.inject({
    method: 'GET',
    url: `/engagements/${created.json().id}`,
    headers: { ...users.pmo, 'x-min-position': created.json().position },
  });
  t.equal(read.json().name, name, 'kept exactly');
});
