/**
 * The signed audit export: one JSON file a PMO archives and hands to an auditor. It holds
 *
 * - `entries`: the audit trail (optionally of a time range), exact, and `csv`: the same entries as
 *   CSV text for a spreadsheet (the columns of the CSV export);
 * - `chain`: every event of the engagement as stored (personal data replaced by its commitments,
 *   `chain.ts`), so that the digests and the head can be recomputed from the file alone;
 * - `anchors`: the latest signed anchor, which the chain must reach;
 * - `manifest`: the SHA-256 of each part (of its RFC 8785 canonical JSON; of the CSV's UTF-8
 *   bytes), so a part taken out of the file can still be checked;
 * - `signature`: a JWS (EdDSA) with detached payload over the whole document (`signing.ts`).
 *
 * JSON rather than a zip: every part is readable and checkable with standard tools (a JSON parser,
 * SHA-256, a JWS library), the CSV comes out with one `jq -r .csv`, and no archive format has to
 * be trusted or parsed by the verifier.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../infra/event-store/canonical-json.js';
import { withPersonalDataErased, type ChainedEvent } from '../../infra/event-store/chain.js';
import type { StoredEvent } from '../../infra/event-store/port.js';
import type { SignedAnchor } from '../../infra/proof/anchors.js';
import { anchoredHead } from '../../infra/proof/anchoring.js';
import type { ProofSigner, Signed } from '../../infra/proof/signing.js';
import { EngagementVerifier, type FirstBreak } from '../../infra/proof/verify.js';
import type { AuditEntry } from '../../projections/index.js';
import { auditCsvText } from '../http/audit-csv.js';

export const EXPORT_VERSION = 1;
export const CHAIN_ALGORITHM = 'sha-256 over RFC 8785 JSON, v1 (docs/architecture.md, "The chained history")';

export type ExportedEvent = Omit<ChainedEvent, 'metadata'> & { position: string; metadata: ChainedEvent['metadata'] };

export type AuditExport = {
  exportVersion: typeof EXPORT_VERSION;
  kind: 'engagement-audit-export';
  engagementId: string;
  generatedAt: string;
  range: { from?: string; to?: string };
  entries: AuditEntry[];
  csv: string;
  chain: {
    algorithm: string;
    head: string;
    verified: boolean;
    firstBreak?: FirstBreak;
    events: ExportedEvent[];
  };
  anchors: SignedAnchor[];
  manifest: {
    entries: { count: number; sha256: string };
    csv: { sha256: string };
    chain: { events: number; sha256: string };
    anchors: { count: number; sha256: string };
  };
};

export type SignedAuditExport = Signed<AuditExport>;

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
export const canonicalSha256 = (value: unknown): string => sha256(canonicalJson(value));
export const textSha256 = sha256;

/** The parts' digests, as the manifest states them and as a verifier recomputes them. */
export const manifestOf = (parts: Pick<AuditExport, 'entries' | 'csv' | 'chain' | 'anchors'>): AuditExport['manifest'] => ({
  entries: { count: parts.entries.length, sha256: canonicalSha256(parts.entries) },
  csv: { sha256: sha256(parts.csv) },
  chain: { events: parts.chain.events.length, sha256: canonicalSha256(parts.chain) },
  anchors: { count: parts.anchors.length, sha256: canonicalSha256(parts.anchors) },
});

export type ExportInput = {
  engagementId: string;
  range: { from?: string; to?: string };
  /** The audit entries in the range, in log order. */
  entries: AuditEntry[];
  /** Every event of the engagement, as stored, in pages in log order. */
  stored: AsyncIterable<readonly StoredEvent[]>;
  anchor: SignedAnchor | undefined;
  signer: ProofSigner;
  now: Date;
};

export const buildAuditExport = async (input: ExportInput): Promise<SignedAuditExport> => {
  const verifier = new EngagementVerifier(input.engagementId, input.anchor && anchoredHead(input.anchor));
  const events: ExportedEvent[] = [];
  for await (const page of input.stored) {
    for (const event of page) {
      verifier.next(event);
      events.push(withPersonalDataErased(event));
    }
  }
  const verification = verifier.result();
  const chain: AuditExport['chain'] = {
    algorithm: CHAIN_ALGORITHM,
    head: verification.head,
    verified: verification.verified,
    ...(verification.firstBreak ? { firstBreak: verification.firstBreak } : {}),
    events,
  };
  const csv = auditCsvText(input.entries);
  const anchors = input.anchor ? [input.anchor] : [];
  return input.signer.sign<AuditExport>({
    exportVersion: EXPORT_VERSION,
    kind: 'engagement-audit-export',
    engagementId: input.engagementId,
    generatedAt: input.now.toISOString(),
    range: input.range,
    entries: input.entries,
    csv,
    chain,
    anchors,
    manifest: manifestOf({ entries: input.entries, csv, chain, anchors }),
  });
};
