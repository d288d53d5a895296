/**
 * The specification document as a PDF, the file a client keeps (docs/domain.md#specification-document):
 * the same content and words as the HTML, laid out by PDFKit with a CJK-capable font embedded as
 * a subset (Noto Sans CJK by default, SIL Open Font License: embedding allowed), so Chinese reads
 * the same on every machine. Text is drawn as text, never interpreted: nothing typed can act.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { LRUCache } from 'lru-cache';
import type PDFKitDocument from 'pdfkit';
import type { Specification, SpecificationRequirement } from '../../../projections/index.js';
import { WORDS, type Language } from './words.js';

/** A font file, or a collection (`.ttc`) with `#<PostScript name>` of the face to use. */
export const DEFAULT_DOCUMENT_FONT = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc#NotoSansCJKsc-Regular';

/** The PDF cannot be made here: the configured font is missing. */
export class DocumentFontMissingError extends Error {
  constructor(readonly path: string) {
    super(`the PDF needs a CJK-capable font at ${path}: install fonts-noto-cjk, or set DOCUMENT_FONT to a font file (a .ttc as <path>#<PostScript name>)`);
    this.name = 'DocumentFontMissingError';
  }
}

const fontOf = (setting: string) => {
  const [path = '', face] = setting.split('#');
  if (!existsSync(path)) throw new DocumentFontMissingError(path);
  return { path, face };
};

const when = (language: Language, iso: string | null | undefined): string =>
  iso
    ? new Intl.DateTimeFormat(language, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', timeZone: 'UTC', timeZoneName: 'short' }).format(new Date(iso))
    : '';

/**
 * Documents already made, by a hash of their content, language and font: a signed specification is
 * downloaded again and again unchanged, and making one costs seconds of CPU.
 */
const made = new LRUCache<string, Promise<Buffer>>({ max: 32 });

export const specificationPdf = (specification: Specification, language: Language, fontSetting = DEFAULT_DOCUMENT_FONT): Promise<Buffer> => {
  const key = createHash('sha256').update(JSON.stringify([specification, language, fontSetting])).digest('hex');
  const earlier = made.get(key);
  if (earlier) return earlier;
  const font = fontOf(fontSetting);
  // Loaded at the first PDF: PDFKit's fonts and Unicode tables cost a start a quarter of a second.
  const pdf = import('pdfkit').then(({ default: PDFDocument }) => layOut(PDFDocument, specification, language, font));
  made.set(key, pdf);
  pdf.catch(() => made.delete(key));
  return pdf;
};

const layOut = (
  PDFDocument: typeof PDFKitDocument,
  specification: Specification,
  language: Language,
  font: { path: string; face: string | undefined },
): Promise<Buffer> => {
  const w = WORDS[language];
  const { baseline, requirements } = specification;
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    lang: language,
    displayTitle: true,
    info: { Title: `${w.title} – ${baseline.name}`, Subject: `${w.baseline} ${baseline.baselineId} (${baseline.baselineHash})`, Creator: 'CRM requirements discovery' },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('body', font.path, font.face);
  doc.font('body');

  const heading = (text: string, size: number) => doc.fillColor('#000').fontSize(size).text(text).moveDown(0.3);
  const line = (text: string, size = 10, color = '#000') => doc.fillColor(color).fontSize(size).text(text);
  const field = (label: string, value: string) => doc.fillColor('#555').fontSize(9).text(`${label}: `, { continued: true }).fillColor('#000').text(value);

  heading(`${w.title}: ${baseline.name}`, 18);
  line(`${w.baseline} ${baseline.baselineId} – ${w.status[baseline.status]} – ${w.createdBy} ${baseline.createdBy.name}, ${when(language, baseline.createdAt)}`, 9, '#555');
  line(`${w.hash}: ${baseline.baselineHash}`, 8, '#555');
  if (baseline.supersededBy) line(w.supersededBy(baseline.supersededBy), 9, '#555');
  if (baseline.suspect) {
    doc.moveDown(0.5);
    line(w.suspect, 12, '#b26a00');
    for (const mark of baseline.suspectBecause) line(`• ${w.suspectBecause(mark.changeRequestId, mark.requirementId, when(language, mark.at))}`, 9, '#b26a00');
  }
  doc.moveDown();
  heading(`${w.requirements} (${requirements.length}) – ${w.principle}`, 14);

  const requirement = (r: SpecificationRequirement) => {
    const p = r.priority;
    const yesNo = (value: boolean) => (value ? w.yes : w.no);
    heading(`${r.rank === null ? '' : `${r.rank}. `}${r.title}`, 12);
    line(r.description, 10);
    field(w.score, r.score === null ? w.unranked : `${r.score} / 15${r.tier ? ` – ${w.tier[r.tier]}` : ''}`);
    if (p) {
      field(
        w.priorityInputs,
        `${w.inputs.frequency} ${p.frequency}, ${w.inputs.lossIfMismanaged} ${p.lossIfMismanaged}, ${w.inputs.urgency} ${p.urgency}, ${w.inputs.fundSafety} ${yesNo(p.fundSafety)}, ${w.inputs.stakeholderConcern} ${yesNo(p.stakeholderConcern)}`,
      );
    }
    field(w.category, w.categories[r.category]);
    field(w.departments, r.departments.join(', '));
    if (r.targetPhase) field(w.targetPhase, w.phases[r.targetPhase]);
    field(w.goalsServed, r.goals.length === 0 ? w.none : r.goals.map((g) => g.text).join('; '));
    field(w.version, `${r.requirementId} @ ${r.version}`);
    line(`${w.sources}:`, 9, '#555');
    for (const s of r.sources) {
      const interview = s.interview
        ? `${w.interviewee} ${s.interview.interviewee.name} (${s.interview.interviewee.department}, ${s.interview.interviewee.position}) – ${s.interview.conductedAt ? when(language, s.interview.conductedAt) : w.notConducted}`
        : s.interviewId;
      const confirmation = s.confirmation
        ? `${w.confirmedBy(s.confirmation.confirmedByName, s.confirmation.summaryVersion, when(language, s.confirmation.confirmedAt))} ${s.confirmation.summaryHash}${s.findingInConfirmedSummary ? '' : ` (${w.findingNotInSummary})`}`
        : w.notConfirmed;
      doc.fillColor('#000').fontSize(9).text(`• ${w.finding}: ${s.finding ? `[${w.sections[s.finding.section]}] ${s.finding.text}` : w.findingMissing}`, { indent: 10 });
      doc.text(`${w.interview}: ${interview}`, { indent: 20 });
      doc.text(`${w.confirmation}: ${confirmation}`, { indent: 20 });
    }
    doc.moveDown(0.8);
  };
  requirements.forEach(requirement);

  heading(w.signOffs, 14);
  for (const s of baseline.signatories) {
    line(`${w.signatory}: ${s.name} (${s.userId})`, 10);
    if (s.signOffs.length === 0) line(`  ${w.notSignedYet}`, 9, '#555');
    for (const o of s.signOffs) {
      line(`  ${w.meaning[o.meaning]} – ${w.signedAt} ${when(language, o.at)} (${w.signedInAt} ${when(language, o.authenticatedAt)}) ${o.baselineHash}`, 9);
    }
  }
  if (baseline.rejection) {
    doc.moveDown(0.5);
    line(`${w.rejectedBy(baseline.rejection.by.name, when(language, baseline.rejection.at))}: ${baseline.rejection.comments}`, 10, '#b3261e');
  }
  doc.end();
  return done;
};
