/**
 * Checking a signed audit export or a signed confirmation receipt with nothing but the service's
 * public keys: no server, no database. Each check is reported, passed or not, with what it found.
 */
import { summaryHash } from '../../domain/index.js';
import { anchoredHead } from '../../infra/proof/anchoring.js';
import type { SignedAnchor } from '../../infra/proof/anchors.js';
import { checkSignature, type Jwks } from '../../infra/proof/signing.js';
import { EngagementVerifier } from '../../infra/proof/verify.js';
import { auditCsvText } from '../http/audit-csv.js';
import { manifestOf, type SignedAuditExport } from './audit-export.js';

export type Check = { what: string; ok: boolean; detail: string };
export type Report = { kind: string; ok: boolean; checks: Check[] };
/** Told how far a long check has come. */
export type Progress = (what: string, done: number, total: number) => void;

const check = (what: string, ok: boolean, detail: string): Check => ({ what, ok, detail });

const signatureCheck = async (what: string, document: object, jwks: Jwks): Promise<Check> => {
  const result = await checkSignature(document, jwks);
  return result.valid ? check(what, true, `signed with key ${result.kid}`) : check(what, false, result.reason);
};

const PROGRESS_EVERY = 50_000;

const verifyExport = async (document: SignedAuditExport, jwks: Jwks, progress?: Progress): Promise<Check[]> => {
  const checks = [await signatureCheck('signature of the export', document, jwks)];
  const expected = manifestOf(document);
  for (const part of ['entries', 'csv', 'chain', 'anchors'] as const) {
    const ok = JSON.stringify(expected[part]) === JSON.stringify(document.manifest?.[part]);
    checks.push(check(`manifest: ${part}`, ok, ok ? `sha-256 ${expected[part].sha256}` : `the file's ${part} do not match the manifest's digest`));
  }
  checks.push(check('csv: the entries as CSV', auditCsvText(document.entries) === document.csv, 'the CSV holds exactly the entries'));

  const events = document.chain.events;
  const anchors: SignedAnchor[] = document.anchors ?? [];
  for (const [i, anchor] of anchors.entries()) checks.push(await signatureCheck(`signature of anchor ${i + 1} (position ${anchor.position})`, anchor, jwks));
  const anchor = anchors.at(-1);
  const verifier = new EngagementVerifier(document.engagementId, anchor && anchoredHead(anchor));
  for (const [i, event] of events.entries()) {
    verifier.next(event);
    if (progress && (i + 1) % PROGRESS_EVERY === 0) progress('recomputing the chain', i + 1, events.length);
  }
  progress?.('recomputing the chain', events.length, events.length);
  const result = verifier.result();
  const broken = result.firstBreak;
  checks.push(
    check(
      'chain: every event recomputed from the genesis',
      result.verified,
      broken
        ? `first broken event: ${broken.streamId} revision ${broken.revision}${broken.eventId ? ` (event ${broken.eventId})` : ''}: ${broken.reason}`
        : `${result.events} events verify${anchor ? ', reaching the last anchor' : ''}`,
    ),
  );
  checks.push(check('chain: head', result.head === document.chain.head, `recomputed head ${result.head}`));
  const inChain = new Set(events.map((event) => event.eventId));
  const missing = document.entries.filter((entry) => !inChain.has(entry.eventId));
  checks.push(
    check('entries: each backed by an event of the chain', missing.length === 0, missing.length === 0 ? `${document.entries.length} entries` : `not in the chain: ${missing.slice(0, 5).map((e) => e.eventId).join(', ')}`),
  );
  return checks;
};

type SignedReceipt = {
  kind: 'interview-summary-confirmation';
  summary: { version: number; hash: string; text: string; findings: Array<{ findingId: string }> };
  chain?: { engagementHead: string };
  signature?: string;
};

const verifyReceipt = async (document: SignedReceipt, jwks: Jwks): Promise<Check[]> => {
  const recomputed = summaryHash(document.summary.text, document.summary.findings.map((finding) => finding.findingId));
  return [
    await signatureCheck('signature of the receipt', document, jwks),
    check('summary hash', recomputed === document.summary.hash, `sha-256 of the text and cited findings: ${recomputed}`),
    check('chain head named', typeof document.chain?.engagementHead === 'string', document.chain ? `engagement head ${document.chain.engagementHead}` : 'the receipt names no chain head'),
  ];
};

/** Checks a parsed export or receipt against `jwks`. */
export const verifyOffline = async (document: unknown, jwks: Jwks, progress?: Progress): Promise<Report> => {
  const kind = typeof document === 'object' && document !== null ? (document as { kind?: unknown }).kind : undefined;
  let checks: Check[];
  if (kind === 'engagement-audit-export') checks = await verifyExport(document as SignedAuditExport, jwks, progress);
  else if (kind === 'interview-summary-confirmation') checks = await verifyReceipt(document as SignedReceipt, jwks);
  else return { kind: String(kind), ok: false, checks: [check('kind', false, 'not a signed audit export or confirmation receipt of this service')] };
  return { kind: String(kind), ok: checks.every((c) => c.ok), checks };
};
