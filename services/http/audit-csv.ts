/**
 * The audit trail as CSV, for the PMO's spreadsheet.
 *
 * Every cell that a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, tab, carriage return
 * and their full-width forms) is prefixed with `'`, as OWASP's CSV injection guidance asks:
 * comments, reasons, rationale, evidence and token names are typed by people. The JSON trail keeps
 * the values exact.
 *
 * The rows – those present when the export starts – are read and turned into CSV in pages of
 * `EXPORT_BATCH_ROWS` by position, one page of one export per turn of the event loop, so a large
 * export (or fifty at once) delays other requests by one page's work instead of the whole trail's.
 */
import { stringify } from 'csv-stringify/sync';
import { Readable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { AuditEntry } from '../../projections/index.js';
import type { Filter, ReadModelCollection } from '../../infra/read-models/port.js';

export const EXPORT_BATCH_ROWS = 100;

/** `format=csv`, or no format and `Accept: text/csv`. */
export const wantsCsv = (format: string | undefined, accept: string | undefined): boolean =>
  format === 'csv' || (format === undefined && /\btext\/csv\b/.test(accept ?? ''));

const COLUMNS = ['eventId', 'position', 'at', 'actorId', 'actorName', 'actorRoles', 'action', 'subjectType', 'subjectId', 'reason', 'changes', 'summaryVersion', 'summaryHash', 'waiver', 'correlationId'];

const row = (entry: AuditEntry) => [
  entry.eventId,
  entry.position,
  entry.at,
  entry.actor.id,
  entry.actor.name,
  entry.actor.roles.join(' '),
  entry.action,
  entry.subject.type,
  entry.subject.id,
  entry.reason ?? '',
  JSON.stringify(entry.changes),
  entry.summaryVersion ?? '',
  entry.summaryHash ?? '',
  entry.waiver ? JSON.stringify(entry.waiver) : '',
  entry.correlationId,
];

/**
 * Exports take turns, one page at a time, with a turn of the event loop between any two pages: fifty
 * exports at once then hold up a command by about one page's work (turning rows into CSV is most of
 * it), not fifty pages'.
 */
export const exportTurns = (): (() => Promise<void>) => {
  let lastTurn: Promise<void> = Promise.resolve();
  return () => {
    const turn = lastTurn.then(() => nextTurn());
    lastTurn = turn;
    return turn;
  };
};
export type ExportTurns = ReturnType<typeof exportTurns>;

async function* csvPages(entries: ReadModelCollection<AuditEntry>, filter: Filter, nextExportTurn: ExportTurns, batchRows: number) {
  // The trail as it stands when the export starts: entries added meanwhile do not join it.
  let through: string | undefined;
  await nextExportTurn();
  for await (const last of entries.find(filter, { sort: [['position', -1]], limit: 1 })) through = last.position;
  let page: unknown[][] = [];
  let header = true;
  await nextExportTurn();
  if (through !== undefined) {
    // One query read as a cursor, a page at a time: a query per page would sort the trail again each time.
    for await (const entry of entries.find({ ...filter, position: { $lte: through } }, { sort: [['position', 1]] })) {
      page.push(row(entry));
      if (page.length < batchRows) continue;
      yield stringify(page, { header, columns: COLUMNS, escape_formulas: true });
      header = false;
      page = [];
      await nextExportTurn();
    }
  }
  yield stringify(page, { header, columns: COLUMNS, escape_formulas: true });
}

/** The filtered trail as a CSV stream with a header row, in log order; `turns` is shared by the exports of one app. */
export const auditCsv = (entries: ReadModelCollection<AuditEntry>, filter: Filter, turns: ExportTurns, batchRows = EXPORT_BATCH_ROWS): Readable =>
  Readable.from(csvPages(entries, filter, turns, batchRows), { objectMode: false });

/** A whole (already filtered) trail as CSV text, for a document that carries it inside, like the signed export. */
export const auditCsvText = (entries: readonly AuditEntry[]): string => stringify(entries.map(row), { header: true, columns: COLUMNS, escape_formulas: true });
