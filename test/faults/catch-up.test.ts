/**
 * Fault suite: the real service started on a log of many events. It listens at once; a command is
 * answered while the in-memory read models are still being folded; and every query answers either
 * the whole read model or 503 with Retry-After – never a partial one.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { CURRENT_SCHEMA_VERSION, type EventEnvelope } from '../../contracts/index.js';
import { openEmbeddedLog } from '../../infra/embedded-data/integrity.js';
import { users } from '../support/http.js';
import { findingBody, interviews, killHard, post, startService, stop, type Started } from './service.js';

const INTERVIEWS = 60;
const FINDINGS_EACH = 3_000;

const serving = (service: Started) => {
  if (!service.ok) throw new Error(`the service did not start (exit ${service.code}):\n${service.output}`);
  return service;
};

/** Findings written straight into the log, as a long history would have left them. */
const fill = async (dataDir: string, interviewIds: string[], engagementId: string) => {
  const log = await openEmbeddedLog(dataDir, { report: () => {} });
  try {
    for (const interviewId of interviewIds) {
      const findings: EventEnvelope[] = Array.from({ length: FINDINGS_EACH }, (_, n) => ({
        type: 'FindingRecorded',
        data: { interviewId, findingId: randomUUID(), section: 'workflow', text: `finding ${n}` },
        eventId: randomUUID(),
        schemaVersion: CURRENT_SCHEMA_VERSION,
        occurredAt: '2026-03-05T03:00:00.000Z',
        actor: { id: 'u-chen', name: 'Chen Wei', roles: ['consultant'] },
        correlationId: randomUUID(),
        causationId: randomUUID(),
        engagementId,
      }));
      // Scheduled and conducted: revisions 0 and 1.
      const appended = await log.appendToStream(`interview-${interviewId}`, findings, 1);
      if (!appended.ok) throw new Error(`could not fill interview ${interviewId}`);
    }
  } finally {
    await log.close();
  }
};

t.test('started on a long log: serves at once, answers commands, and never a partial read model', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'faults-catch-up-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const setup = serving(await startService(dataDir));
  t.teardown(() => killHard(setup));
  const interviewIds = await interviews(setup.url, INTERVIEWS);
  const engagementId = ((await (await fetch(`${setup.url}/interviews/${interviewIds[0]}`, { headers: users.consultant })).json()) as { engagementId: string }).engagementId;
  await stop(setup);
  await fill(dataDir, interviewIds, engagementId);

  const started = performance.now();
  const service = serving(await startService(dataDir));
  t.teardown(() => killHard(service));
  t.comment(`listening ${(performance.now() - started).toFixed(0)} ms after the start, on ${(INTERVIEWS * (FINDINGS_EACH + 2)).toLocaleString('en')} events`);

  const last = interviewIds.at(-1)!;
  const command = await post(service.url, `/interviews/${last}/findings`, users.consultant, findingBody('recorded during the catch-up'));
  t.equal(command.status, 201, 'a command is answered');

  let unavailable = 0;
  for (;;) {
    const response = await fetch(`${service.url}/interviews/${last}`, { headers: { ...users.consultant, 'x-min-position': String(command.body['position']) } });
    if (response.status === 503) {
      unavailable++;
      t.equal(response.headers.get('retry-after'), '1', 'a 503 says when to ask again');
      t.match(await response.json(), { code: 'unavailable' });
      continue;
    }
    t.equal(response.status, 200);
    const interview = (await response.json()) as { findings: unknown[] };
    t.equal(interview.findings.length, FINDINGS_EACH + 1, 'the first answer holds every finding, the one just recorded too');
    break;
  }
  t.comment(`${unavailable} queries answered 503 before the read models had caught up, ${(performance.now() - started).toFixed(0)} ms after the start`);
  const readiness = (await (await fetch(`${service.url}/health/ready`)).json()) as { checks: { catchUp: { caughtUp: boolean } } };
  t.equal(readiness.checks.catchUp.caughtUp, true, 'readiness says the read models have caught up');
});
