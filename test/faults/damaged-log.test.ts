/**
 * The fault suite: the real service killed with SIGKILL under load, then its log damaged the way
 * operators damage logs – the WAL truncated, an older copy of the log put back – and started again.
 * No acknowledged write may be lost silently: it is in the log, or the service refuses to start and
 * says why and what to do.
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { users } from '../support/http.js';
import {
  dataCli,
  findingBody,
  findingsInLog,
  interviews,
  killHard,
  load,
  maxOf,
  post,
  startService,
  stop,
  type Acknowledged,
  type Started,
} from './service.js';

const dataDirOf = (t: Test) => {
  const dir = mkdtempSync(join(tmpdir(), 'faults-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

const started = async (t: Test, dataDir: string) => {
  const service = await startService(dataDir);
  t.teardown(() => killHard(service));
  return service;
};

const serving = (service: Started) => {
  if (!service.ok) throw new Error(`the service did not start (exit ${service.code}):\n${service.output}`);
  return service;
};

t.test('kill -9 under load, then the WAL truncated: the service refuses to start, says why, and never hands a position out twice', async (t) => {
  const dataDir = dataDirOf(t);
  const logFile = join(dataDir, 'events.sqlite3');
  // The interviews are set up by a run that ended cleanly, so they are in the log file itself.
  const setup = serving(await started(t, dataDir));
  const interviewIds = await interviews(setup.url, 4);
  await stop(setup);
  const first = serving(await started(t, dataDir));
  const acknowledged: Acknowledged[] = [];
  const loading = load(first.url, interviewIds, 'before', acknowledged, () => acknowledged.length >= 200);
  while (acknowledged.length < 200) await new Promise((resolve) => setTimeout(resolve, 5));
  await killHard(first);
  await loading;
  const lastAcknowledged = maxOf(acknowledged.map((ack) => ack.position));
  const walBytes = statSync(`${logFile}-wal`).size;
  truncateSync(`${logFile}-wal`, 0);
  t.comment(`${acknowledged.length} findings acknowledged up to position ${lastAcknowledged}; WAL of ${walBytes} bytes truncated`);

  const refused = await started(t, dataDir);
  t.notOk(refused.ok, 'the service does not start on a log that lost acknowledged events');
  if (refused.ok) {
    // Should it start, every acknowledged finding must be there.
    const present = findingsInLog(logFile);
    t.strictSame(acknowledged.filter((ack) => !present.has(ack.findingId)).map((ack) => ack.key), [], 'no acknowledged finding is missing');
    return;
  }
  t.equal(refused.code, 1, 'exit code 1');
  const present = findingsInLog(logFile);
  const lost = acknowledged.filter((ack) => !present.has(ack.findingId));
  t.ok(lost.length > 0, `the truncation really lost acknowledged findings (${lost.length} of ${acknowledged.length})`);
  t.match(refused.output, /lost acknowledged events/, 'it says what is wrong');
  const witnessed = /positions up to (\d+) were acknowledged/.exec(refused.output);
  t.ok(witnessed && BigInt(witnessed[1]!) >= lastAcknowledged, `it names the last acknowledged position (${witnessed?.[1]})`);
  t.match(refused.output, /events\.sqlite3/, 'which file');
  t.match(refused.output, /npm run restore -- <backup file>/, 'how to recover from a backup');
  t.match(refused.output, /npm run data:accept-loss/, 'how to accept the loss');
  const again = await started(t, dataDir);
  t.notOk(again.ok, 'and keeps refusing');

  const accepted = await dataCli(dataDir, ['accept-loss']);
  t.equal(accepted.code, 0, `accept-loss succeeds (${accepted.stderr.trim() || 'no errors'})`);
  t.match(accepted.stdout, /ACCEPTED LOSS: the event log ends at position \d+; positions \d+\.\.\d+ were acknowledged and are gone for good/, 'it says loudly what was lost');
  t.match(accepted.stdout, /forgot \d+ remembered answer\(s\)/, 'and which remembered answers it dropped');

  const recovered = serving(await started(t, dataDir));
  const retried = lost[0]!;
  const retry = await post(recovered.url, `/interviews/${retried.interviewId}/findings`, users.consultant, findingBody(retried.text), retried.key);
  t.equal(retry.status, 201, 'a lost write retried with its Idempotency-Key is carried out');
  t.notOk(retry.replayed, 'not answered as a replay of events that no longer exist');
  t.ok(BigInt(retry.body['position'] as string) > lastAcknowledged, `at a new position (${String(retry.body['position'])}), past every acknowledged one`);
  const fresh = await post(recovered.url, `/interviews/${interviewIds[0]}/findings`, users.consultant, findingBody('a new finding'));
  t.equal(fresh.status, 201);
  t.ok(BigInt(fresh.body['position'] as string) > lastAcknowledged, 'new events never take the position of a lost one');
  t.ok(findingsInLog(logFile).has(retry.body['findingId'] as string), 'the retried finding is in the log now');
  await stop(recovered);
});

t.test('a restore from an older backup taken under load: an older log put back by hand is refused; `npm run restore` leaves every store consistent', async (t) => {
  const dataDir = dataDirOf(t);
  const logFile = join(dataDir, 'events.sqlite3');
  const backupFile = join(dataDirOf(t), 'backup.sqlite3');
  const first = serving(await started(t, dataDir));
  const interviewIds = await interviews(first.url, 2);

  const beforeBackup: Acknowledged[] = [];
  let backingUp = true;
  const loadingDuringBackup = load(first.url, interviewIds, 'during', beforeBackup, () => !backingUp);
  while (beforeBackup.length < 50) await new Promise((resolve) => setTimeout(resolve, 5));
  const backup = await dataCli(dataDir, ['backup', backupFile]);
  backingUp = false;
  await loadingDuringBackup;
  t.equal(backup.code, 0, `npm run backup succeeds while the service takes writes (${backup.stderr.trim() || 'no errors'})`);
  t.match(backup.stdout, /backup written to .*: \d+ events up to position \d+/, 'it says what it wrote');
  const backedUpTo = BigInt(/up to position (\d+)/.exec(backup.stdout)![1]!);

  // Enough findings after the backup that each interview gets a snapshot (every 200 events).
  const afterBackup: Acknowledged[] = [];
  const loading = load(first.url, interviewIds, 'after', afterBackup, () => afterBackup.length >= 500);
  await loading;
  await killHard(first);
  const lastAcknowledged = maxOf([...beforeBackup, ...afterBackup].map((ack) => ack.position));
  t.comment(`backup up to position ${backedUpTo}; ${afterBackup.length} findings acknowledged after it, up to position ${lastAcknowledged}`);

  // An operator puts the older log back by hand and keeps everything else.
  rmSync(`${logFile}-wal`, { force: true });
  rmSync(`${logFile}-shm`, { force: true });
  copyFileSync(backupFile, logFile);
  const refused = await started(t, dataDir);
  t.notOk(refused.ok, 'the service does not start on an older log with newer stores beside it');
  if (!refused.ok) {
    t.match(refused.output, /lost acknowledged events/, 'it says what is wrong');
    t.match(refused.output, /npm run restore/, 'and how to recover');
  }
  // … and removes the head record too: the remembered answers still tell.
  for (const suffix of ['', '-wal', '-shm']) rmSync(join(dataDir, `events-head.sqlite3${suffix}`), { force: true });
  const stillRefused = await started(t, dataDir);
  t.notOk(stillRefused.ok, 'without the head record, the answers of idempotent requests past the log still stop the start');
  if (!stillRefused.ok) t.match(stillRefused.output, /idempotency\.sqlite3: \d+ acknowledged answer\(s\) name positions up to \d+/, 'naming the file and what it saw');

  const restored = await dataCli(dataDir, ['restore', backupFile]);
  t.equal(restored.code, 0, `npm run restore succeeds (${restored.stderr.trim() || 'no errors'})`);
  t.match(restored.stdout, /the event log ends at position \d+; new events take positions after (\d+)/, 'it says where the log ends now');
  t.match(restored.stdout, /replaced files are in .*replaced-/, 'and where the replaced files went');
  t.ok(existsSync(logFile), 'the log is in place');
  const aside = join(dataDir, /replaced files are in .*(replaced-[^\s/;]+)/.exec(restored.stdout)![1]!);
  t.ok(existsSync(join(aside, 'read-models.sqlite3')), 'the read models kept beside the newer log are moved aside with it');
  t.notOk(existsSync(join(dataDir, 'read-models.sqlite3')), 'so that the next start folds them from the restored log');

  const service = serving(await started(t, dataDir));
  const present = findingsInLog(logFile);
  const inBackup = beforeBackup.filter((ack) => ack.position <= backedUpTo);
  t.strictSame(inBackup.filter((ack) => !present.has(ack.findingId)).map((ack) => ack.key), [], 'every write the backup covers is there');

  const lostByRestore = afterBackup.filter((ack) => !present.has(ack.findingId));
  t.ok(lostByRestore.length > 0, `writes after the backup are not in it (${lostByRestore.length})`);
  const retried = lostByRestore.at(-1)!;
  const shown = await fetch(`${service.url}/interviews/${retried.interviewId}`, { headers: users.consultant });
  const findings = ((await shown.json()) as { findings: Array<{ findingId: string }> }).findings.map((finding) => finding.findingId);
  t.notOk(findings.includes(retried.findingId), 'the interview shows no finding the restored log does not hold');
  t.ok(inBackup.filter((ack) => ack.interviewId === retried.interviewId).every((ack) => findings.includes(ack.findingId)), 'and every one it holds');
  const retry = await post(service.url, `/interviews/${retried.interviewId}/findings`, users.consultant, findingBody(retried.text), retried.key);
  t.equal(retry.status, 201, `a write lost with the restore, retried with its key, is carried out (${JSON.stringify(retry.body)})`);
  t.notOk(retry.replayed, 'not a replay of an answer the restored log does not back');
  t.ok(BigInt(retry.body['position'] as string) > lastAcknowledged, 'at a position past every one handed out before the restore');

  for (const interviewId of interviewIds) {
    const next = await post(service.url, `/interviews/${interviewId}/findings`, users.consultant, findingBody('after the restore'));
    t.equal(next.status, 201, `interview ${interviewId} takes new findings (${next.status === 201 ? 'no conflict' : JSON.stringify(next.body)})`);
  }
  const replay = inBackup[0]!;
  const again = await post(service.url, `/interviews/${replay.interviewId}/findings`, users.consultant, findingBody(replay.text), replay.key);
  t.ok(again.replayed && again.body['findingId'] === replay.findingId, 'a write the backup covers, retried with its key, is answered with its original outcome');
  await stop(service);
});
