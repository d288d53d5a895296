/**
 * A client generated from `/openapi.json` (openapi-typescript types, openapi-fetch calls) walks a
 * discovery against the service as `npm start` starts it: engagement → team member → interview
 * scheduled → conducted → finding → summary drafted → sent → confirmed by the interviewee with
 * their own token → requirement captured and prioritized. Nothing here is typed by hand: a
 * document that no longer describes these calls breaks the type check, and at run time every answer
 * is checked against the schema the document gives for its operation and status.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import createClient, { type Middleware } from 'openapi-fetch';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { SignJWT } from 'jose';
import type { paths } from './generated/openapi.js';
import { CLIENT_TYPES_FILE, clientTypes } from './client-types.js';
import { startServiceOnFreshData } from '../support/service-process.js';

const SECRET = 'generated-client-secret-generated-client-secret';
const token = (sub: string, name: string, roles: string[]) =>
  new SignJWT({ name, roles }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject(sub).setIssuedAt().setExpirationTime('1h').sign(new TextEncoder().encode(SECRET));

/** JSON Pointer escaping for a path template used as a key (RFC 6901). */
const pointer = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1');

/** Checks each JSON answer against the schema the document states for its operation, status and media type. */
const conformance = (document: object, failures: string[]): Middleware => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addSchema(document, 'openapi');
  return {
    async onResponse({ request, response, schemaPath }) {
      const method = request.method.toLowerCase();
      const media = (response.headers.get('content-type') ?? '').split(';')[0]!.trim();
      const at = `openapi#/paths/${pointer(schemaPath)}/${method}/responses/${response.status}/content/${pointer(media)}/schema`;
      const validate = ajv.getSchema(at);
      if (!validate) failures.push(`${method.toUpperCase()} ${schemaPath}: ${response.status} ${media} is not documented`);
      else if (!validate(await response.clone().json())) failures.push(`${method.toUpperCase()} ${schemaPath} ${response.status}: ${ajv.errorsText(validate.errors)}`);
      return undefined;
    },
  };
};

t.test('a generated client walks from an engagement to a prioritized requirement', async (t) => {
  const service = await startServiceOnFreshData(t, { AUTH_JWT_SECRET: SECRET });
  const document = (await (await fetch(`${service.base}/openapi.json`)).json()) as object;
  t.equal(readFileSync(CLIENT_TYPES_FILE, 'utf8'), await clientTypes(document), 'the committed client types are what the running service’s document generates (npm run openapi:client-types)');

  const failures: string[] = [];
  const client = createClient<paths>({ baseUrl: service.base });
  client.use(conformance(document, failures));
  const as = async (sub: string, name: string, role: string) => ({ authorization: `Bearer ${await token(sub, name, role === 'none' ? [] : [role])}` });
  const pat = await as('u-pat', 'Pat Lee', 'pm');
  const chen = await as('u-chen', 'Chen Wei', 'consultant');
  const li = await as('u-li', 'Li Na', 'stakeholder');

  const started = await client.POST('/engagements', {
    headers: pat,
    body: { name: 'CRM for Acme Trading', client: 'Acme Trading Co., Ltd.', sponsor: { name: 'Zhang San', title: 'CEO' } },
  });
  t.equal(started.response.status, 201, 'the engagement is started');
  const engagementId = started.data!.id;

  const member = await client.POST('/engagements/{id}/members', {
    headers: pat,
    params: { path: { id: engagementId } },
    body: { userId: 'u-chen', name: 'Chen Wei', role: 'consultant', workgroup: 'Process design' },
  });
  t.equal(member.response.status, 201, 'Chen joins the team');

  const advanced = await client.POST('/engagements/{id}/phase/advance', { headers: pat, params: { path: { id: engagementId } }, body: { to: 'business-survey' } });
  t.equal(advanced.response.status, 200, 'the engagement enters the business survey');

  const scheduled = await client.POST('/engagements/{id}/interviews', {
    headers: chen,
    params: { path: { id: engagementId } },
    body: {
      interviewee: { name: 'Li Na', department: 'Sales', position: 'Sales manager', userId: 'u-li' },
      interviewers: ['Chen Wei'],
      scheduledAt: '2026-03-05T10:00:00+08:00',
      durationMinutes: 90,
      location: 'Meeting room 3',
      method: 'in-person',
      topics: ['business-process'],
    },
  });
  t.equal(scheduled.response.status, 201, 'the interview is scheduled');
  const interviewId = scheduled.data!.id;

  const conducted = await client.POST('/interviews/{id}/conduct', {
    headers: chen,
    params: { path: { id: interviewId } },
    body: { conductedAt: '2026-03-05T02:00:00Z', attendees: ['Li Na', 'Chen Wei'] },
  });
  t.equal(conducted.response.status, 200, 'the interview is recorded as conducted');

  const finding = await client.POST('/interviews/{id}/findings', {
    headers: chen,
    params: { path: { id: interviewId } },
    body: { section: 'workflow', text: 'Quotes above the credit limit are approved by phone', pain: 2, frequency: 'daily' },
  });
  t.equal(finding.response.status, 201, 'a finding is recorded');
  const findingId = finding.data!.findingId;

  const drafted = await client.POST('/interviews/{id}/summary', {
    headers: chen,
    params: { path: { id: interviewId } },
    body: { text: 'Sales approves quotes above the credit limit by phone.', findingIds: [findingId] },
  });
  t.equal(drafted.response.status, 200, 'the summary is drafted');
  t.match(drafted.data!.summaryHash, /^[0-9a-f]{64}$/, 'the draft answers its SHA-256 hash');

  const sent = await client.POST('/interviews/{id}/summary/send', { headers: chen, params: { path: { id: interviewId } }, body: {} });
  t.equal(sent.response.status, 200, 'the summary is sent for confirmation');
  t.equal(sent.data!.summaryHash, drafted.data!.summaryHash, 'the version sent is the version drafted');

  const confirmed = await client.POST('/interviews/{id}/summary/confirm', {
    headers: li,
    params: { path: { id: interviewId } },
    body: { summaryVersion: sent.data!.summaryVersion },
  });
  t.equal(confirmed.response.status, 200, 'Li Na confirms the summary with her own token');
  t.equal(confirmed.data!.summaryHash, drafted.data!.summaryHash, 'she confirmed the text that was drafted');

  const captured = await client.POST('/engagements/{id}/requirements', {
    headers: chen,
    params: { path: { id: engagementId } },
    body: {
      title: 'Credit limit check on quotes',
      description: 'A quote above the customer credit limit needs finance approval before it is sent.',
      category: 'sales',
      departments: ['Sales', 'Finance'],
      sources: [{ interviewId, findingId }],
    },
  });
  t.equal(captured.response.status, 201, 'a requirement is captured from the finding');
  const requirementId = captured.data!.id;

  const prioritized = await client.POST('/requirements/{id}/prioritize', {
    headers: pat,
    params: { path: { id: requirementId } },
    body: { frequency: 3, lossIfMismanaged: 2, urgency: 1, fundSafety: true, stakeholderConcern: false, rationale: 'Touches credit risk' },
  });
  t.equal(prioritized.response.status, 200, 'the requirement is prioritized');
  t.type(prioritized.data!.score, 'number', 'the answer carries the 20/80 score');

  const read = await client.GET('/requirements/{id}', {
    headers: { ...pat, 'x-min-position': prioritized.data!.position },
    params: { path: { id: requirementId } },
  });
  t.equal(read.response.status, 200, 'the requirement is read back once the read models have the write');
  // The read-model documents are typed field by field by the generated client alone.
  t.equal(read.data!.status, 'prioritized', 'the document names its status');
  t.equal(read.data!.priority?.score, prioritized.data!.score, 'and its priority, with the score the command answered');
  t.same(read.data!.sources.map((s) => s.findingId), [findingId], 'and the finding it was captured from');

  const interview = await client.GET('/interviews/{id}', {
    headers: { ...chen, 'x-min-position': prioritized.data!.position },
    params: { path: { id: interviewId } },
  });
  t.equal(interview.response.status, 200, 'the interview is read back');
  t.same(
    [interview.data!.confirmation?.confirmedBy, interview.data!.confirmation?.summaryHash, interview.data!.findings.map((f) => f.findingId)],
    ['u-li', drafted.data!.summaryHash, [findingId]],
    'with who confirmed which version, and its findings',
  );

  t.same(failures, [], 'every answer matches the schema the document states for it');
});
