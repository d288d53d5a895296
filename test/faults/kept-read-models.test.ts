/**
 * Fault suite: the read models kept in `read-models.sqlite3` when the service is killed with
 * SIGKILL while it records findings. After the restart each interview shows exactly the findings
 * its stream holds – none lost, none twice – as a fold of the whole log would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { users } from '../support/http.js';
import { interviews, killHard, load, startService, stop, type Acknowledged, type Started } from './service.js';

const serving = (service: Started) => {
  if (!service.ok) throw new Error(`the service did not start (exit ${service.code}):\n${service.output}`);
  return service;
};

/** Each interview's finding ids in the order the log holds them. */
const findingsByInterview = (logFile: string): Map<string, string[]> => {
  const db = new Database(logFile, { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare("SELECT json_extract(data, '$.interviewId') AS interview, json_extract(data, '$.findingId') AS finding FROM events WHERE type = 'FindingRecorded' ORDER BY position")
      .all() as Array<{ interview: string; finding: string }>;
    const found = new Map<string, string[]>();
    for (const { interview, finding } of rows) found.set(interview, [...(found.get(interview) ?? []), finding]);
    return found;
  } finally {
    db.close();
  }
};

const shown = async (url: string, interviewId: string): Promise<string[]> => {
  for (;;) {
    const response = await fetch(`${url}/interviews/${interviewId}`, { headers: users.consultant });
    if (response.status === 503) {
      await response.arrayBuffer();
      await new Promise((resolve) => setTimeout(resolve, 50));
      continue;
    }
    if (response.status !== 200) throw new Error(`GET /interviews/${interviewId} → ${response.status}`);
    return ((await response.json()) as { findings: Array<{ findingId: string }> }).findings.map((finding) => finding.findingId);
  }
};

t.test('killed while recording findings: after the restart the kept read models hold every finding of the log once', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'faults-kept-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const first = serving(await startService(dataDir));
  t.teardown(() => killHard(first));
  const interviewIds = await interviews(first.url, 4);

  const acknowledged: Acknowledged[] = [];
  const loading = load(first.url, interviewIds, 'kill', acknowledged, () => acknowledged.length >= 400);
  while (acknowledged.length < 300) await new Promise((resolve) => setTimeout(resolve, 5));
  await killHard(first);
  await loading;

  const restarted = serving(await startService(dataDir));
  t.teardown(() => stop(restarted));
  const inLog = findingsByInterview(join(dataDir, 'events.sqlite3'));
  for (const interviewId of interviewIds) {
    const findings = await shown(restarted.url, interviewId);
    t.strictSame(findings, inLog.get(interviewId) ?? [], `interview ${interviewId.slice(0, 8)}: the findings of its stream, in order, each once`);
  }
  t.ok(
    acknowledged.every((ack) => inLog.get(ack.interviewId)?.includes(ack.findingId)),
    `every acknowledged finding (${acknowledged.length}) is in the log`,
  );
});
