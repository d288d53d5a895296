import t from 'tap';
import { scheduleBody, testApp, users } from '../support/http.js';

type Link = { operationId: string; parameters: Record<string, string> };
type Operation = { operationId?: string; parameters?: Array<{ in: string; name: string }>; responses: Record<string, { links?: Record<string, Link> }> };

const documentOf = async (app: Awaited<ReturnType<typeof testApp>>['app']) => {
  const paths = (await app.inject({ method: 'GET', url: '/openapi.json' })).json().paths as Record<string, Record<string, Operation>>;
  const operations = new Map<string, { method: string; path: string; operation: Operation }>();
  for (const [path, byMethod] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(byMethod)) if (operation.operationId) operations.set(operation.operationId, { method, path, operation });
  }
  return operations;
};

t.test('every create operation links to what it creates, and every link names an operation and fills its path', async (t) => {
  const { app } = await testApp();
  t.teardown(() => app.close());
  const operations = await documentOf(app);
  const creates = [...operations.values()].filter(({ operation }) => operation.responses['201']);
  t.same(creates.map(({ operation }) => operation.operationId).sort(), [
    'AddGoal', 'AddMember', 'AddSuccessTarget', 'CaptureRequirement', 'CreateBaseline', 'RaiseChangeRequest', 'RecordFinding', 'ScheduleInterview', 'SetBusinessCase', 'StartEngagement',
  ]);
  for (const { operation } of [...operations.values()]) {
    for (const [status, response] of Object.entries(operation.responses)) {
      if (status === '201') t.ok(Object.keys(response.links ?? {}).length > 0, `${operation.operationId} links to what it creates`);
      for (const link of Object.values(response.links ?? {})) {
        const target = operations.get(link.operationId);
        t.ok(target, `${operation.operationId} → ${link.operationId} exists`);
        const pathParameters = (target?.operation.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name).sort();
        t.same(Object.keys(link.parameters).sort(), pathParameters, `${operation.operationId} → ${link.operationId} fills the path`);
      }
    }
  }
});

t.test('following the links walks engagement → interview → finding → summary → requirement', async (t) => {
  const { app } = await testApp();
  t.teardown(() => app.close());
  const operations = await documentOf(app);
  type Answer = { request: { path: Record<string, string> }; body: Record<string, unknown>; status: string };
  const call = async (operationId: string, path: Record<string, string>, headers: Record<string, string>, payload?: object): Promise<Answer> => {
    const { method, path: template } = operations.get(operationId)!;
    const url = template.replace(/\{(\w+)\}/g, (_, name: string) => path[name]!);
    const response = await app.inject({ method: method.toUpperCase() as 'GET', url, headers, ...(payload ? { payload } : {}) });
    t.ok(response.statusCode < 300, `${operationId} ${url} → ${response.statusCode}`);
    return { request: { path }, body: response.json(), status: String(response.statusCode) };
  };
  const follow = (from: string, answer: Answer, to: string) => {
    const link = operations.get(from)!.operation.responses[answer.status]!.links![to]!;
    return Object.fromEntries(
      Object.entries(link.parameters).map(([name, expression]) => {
        const value = expression.startsWith('$response.body#/') ? answer.body[expression.slice('$response.body#/'.length)] : answer.request.path[expression.slice('$request.path.'.length)];
        return [name, String(value)];
      }),
    );
  };
  const engagement = await call('StartEngagement', {}, users.pm, { name: 'CRM', client: 'Acme', sponsor: { name: 'Z', title: 'CEO' } });
  t.equal((await call('GetEngagement', follow('StartEngagement', engagement, 'GetEngagement'), { ...users.pm, 'x-min-position': engagement.body['position'] as string })).body['id'], engagement.body['id']);
  await call('AddMember', follow('StartEngagement', engagement, 'AddMember'), users.pm, { userId: 'u-chen', name: 'Chen Wei', role: 'consultant' });
  const interview = await call('ScheduleInterview', follow('StartEngagement', engagement, 'ScheduleInterview'), users.consultant, scheduleBody());
  await call('RecordInterviewConducted', follow('ScheduleInterview', interview, 'RecordInterviewConducted'), users.consultant, { conductedAt: '2026-03-05T02:00:00Z', attendees: ['Li Na'] });
  const finding = await call('RecordFinding', follow('ScheduleInterview', interview, 'RecordFinding'), users.consultant, { section: 'workflow', text: 'quotes by phone' });
  const shown = await call('GetFinding', follow('RecordFinding', finding, 'GetFinding'), { ...users.consultant, 'x-min-position': finding.body['position'] as string });
  t.equal(shown.body['findingId'], finding.body['findingId'], 'the link leads to the finding recorded');
  const summary = await call('DraftSummary', follow('RecordFinding', finding, 'DraftSummary'), users.consultant, { text: 'Quotes by phone.', findingIds: [finding.body['findingId']] });
  await call('SendSummaryForConfirmation', follow('DraftSummary', summary, 'SendSummaryForConfirmation'), users.consultant);
  const requirement = await call('CaptureRequirement', follow('StartEngagement', engagement, 'CaptureRequirement'), users.consultant, {
    title: 'Credit check',
    description: 'Quotes above the limit need approval.',
    category: 'sales',
    departments: ['Sales'],
    sources: [{ interviewId: interview.body['id'], findingId: finding.body['findingId'] }],
  });
  const read = await call('GetRequirement', follow('CaptureRequirement', requirement, 'GetRequirement'), { ...users.pm, 'x-min-position': requirement.body['position'] as string });
  t.equal(read.body['id'], requirement.body['id']);
});
