/**
 * Operations on the embedded store's data in DATA_DIR:
 *   npm run backup -- <file>        a consistent copy, taken while the service runs
 *   npm run restore -- <file>       puts a backup in place (service stopped)
 *   npm run data:accept-loss        accepts that the log lost its last commits (service stopped)
 * Progress goes to stdout, what to do next on failure to stderr, with exit code 1.
 */
import { loadConfig } from '../wiring/config.js';
import { backupDataDir } from '../../infra/embedded-data/backup.js';
import { openEmbeddedLog, reconcileSideStores, type Report } from '../../infra/embedded-data/integrity.js';
import { ensureStopped, restoreDataDir } from '../../infra/embedded-data/restore.js';
import { SqliteSnapshotStore } from '../../infra/snapshots/store.js';
import { SqliteIdempotencyStore } from '../../infra/idempotency/store.js';

const usage = `usage:
  npm run backup -- <file>      copy DATA_DIR's event log and the stores beside it into <file>, while the service runs
  npm run restore -- <file>     with the service stopped: replace DATA_DIR's stores by the backup in <file>
  npm run data:accept-loss      with the service stopped: accept that the event log lost its last commits`;

const say = (line: string) => process.stdout.write(`${line}\n`);
const report: Report = (message, details) => say(`${message} ${JSON.stringify(details)}`);

const commands: Record<string, (dataDir: string, args: string[]) => Promise<void>> = {
  backup: async (dataDir, [file]) => {
    if (!file) throw new UsageError('backup needs the file to write');
    const started = Date.now();
    const summary = await backupDataDir(dataDir, file, say);
    say(
      `backup written to ${summary.file}: ${summary.events} events up to position ${summary.logHead}, ` +
        `${summary.sideFiles.length} side store file(s), ${summary.bytes} bytes, in ${Date.now() - started} ms`,
    );
    say(`restore it with the service stopped: DATA_DIR=${dataDir} npm run restore -- ${file}`);
  },
  restore: async (dataDir, [file]) => {
    if (!file) throw new UsageError('restore needs the backup file');
    const summary = await restoreDataDir(dataDir, file, say, report);
    say(`restored the backup of ${summary.createdAt}: the event log ends at position ${summary.logHead}; new events take positions after ${summary.nextAfter}`);
    say('events acknowledged after the backup was taken are not in it; clients that retry such a request with its Idempotency-Key have it carried out again');
    say('the Kafka publisher resumes from the checkpoint in the backup, so consumers see some events again (they dedupe by event-id)');
    if (summary.movedAside) say(`the replaced files are in ${summary.movedAside}; delete them once the service runs well`);
  },
  'accept-loss': async (dataDir) => {
    ensureStopped(dataDir);
    const store = await openEmbeddedLog(dataDir, { acceptLoss: true, report });
    const idempotency = new SqliteIdempotencyStore(dataDir);
    const snapshots = new SqliteSnapshotStore(dataDir);
    try {
      const outcome = await reconcileSideStores({ dataDir, store, idempotency, snapshots, acceptLoss: true, report });
      const lost = store.opened.acknowledged > store.opened.logHead;
      const changed = lost || outcome.droppedAnswers > 0 || outcome.droppedSnapshots.length > 0 || outcome.publisherCheckpoint !== undefined;
      say(changed ? `done: the event log ends at position ${outcome.logHead} and the stores beside it agree with it; start the service` : 'nothing to do: the event log and the stores beside it agree');
    } finally {
      snapshots.close();
      idempotency.close();
      await store.close();
    }
  },
};

class UsageError extends Error {}

const [name, ...args] = process.argv.slice(2);
const command = name === undefined ? undefined : commands[name];
if (!command) {
  process.stderr.write(`${usage}\n`);
  process.exit(2);
}
try {
  await command(loadConfig().DATA_DIR, args);
} catch (error) {
  process.stderr.write(`${error instanceof UsageError ? `${error.message}\n${usage}` : `${name} failed: ${(error as Error).message}`}\n`);
  process.exit(error instanceof UsageError ? 2 : 1);
}
