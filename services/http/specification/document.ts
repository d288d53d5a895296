/**
 * The specification document as HTML for the browser and for print (docs/domain.md#specification-document):
 * built as a Preact element tree and serialised by preact-render-to-string, which escapes every
 * text and attribute – nothing a person typed can become markup. No scripts; a print stylesheet.
 */
import { h, type ComponentChildren } from 'preact';
import { render } from 'preact-render-to-string';
import type { Specification, SpecificationRequirement, TracedSource } from '../../../projections/index.js';
import { WORDS, type Language } from './words.js';

const STYLE = `
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #1a1a1a; line-height: 1.5; }
h1 { margin-bottom: 0.2rem; } h2 { border-bottom: 2px solid #333; padding-bottom: 0.2rem; margin-top: 2rem; }
.meta, .muted { color: #555; } code { font-size: 0.85em; word-break: break-all; }
.requirement { border: 1px solid #ccc; border-radius: 4px; padding: 0.5rem 1rem; margin: 1rem 0; break-inside: avoid; }
.tier-vital-few { border-left: 6px solid #b3261e; }
.suspect { background: #fff4e5; border: 2px solid #b26a00; padding: 0.5rem 1rem; }
table { border-collapse: collapse; width: 100%; } th, td { border: 1px solid #ccc; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
@media print {
  body { margin: 0; max-width: none; font-size: 10.5pt; }
  h2 { break-after: avoid; }
  .requirement { border-color: #999; }
  a { color: inherit; text-decoration: none; }
  @page { size: A4; margin: 18mm 15mm; }
}`;

const when = (language: Language, iso: string | null | undefined): string =>
  iso ? new Intl.DateTimeFormat(language, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', timeZone: 'UTC', timeZoneName: 'short' }).format(new Date(iso)) : '';

const row = (label: string, value: ComponentChildren) => h('tr', null, h('th', { scope: 'row' }, label), h('td', null, value));

const source = (language: Language, s: TracedSource) => {
  const w = WORDS[language];
  const confirmation = s.confirmation;
  return h(
    'li',
    { class: 'source', 'data-finding-id': s.findingId, 'data-interview-id': s.interviewId },
    h('div', null, h('strong', null, `${w.finding}: `), s.finding ? `[${w.sections[s.finding.section]}] ${s.finding.text}` : w.findingMissing, ' ', h('code', null, s.findingId)),
    h(
      'div',
      null,
      h('strong', null, `${w.interview}: `),
      s.interview ? `${w.interviewee} ${s.interview.interviewee.name} (${s.interview.interviewee.department}, ${s.interview.interviewee.position})` : '',
      s.interview ? ` – ${s.interview.conductedAt ? when(language, s.interview.conductedAt) : w.notConducted}` : '',
      ' ',
      h('code', null, s.interviewId),
    ),
    h(
      'div',
      { class: 'confirmation' },
      h('strong', null, `${w.confirmation}: `),
      confirmation
        ? [
            w.confirmedBy(confirmation.confirmedByName, confirmation.summaryVersion, when(language, confirmation.confirmedAt)),
            ' ',
            h('code', { class: 'summary-hash' }, confirmation.summaryHash),
            s.findingInConfirmedSummary ? null : h('span', { class: 'muted' }, ` (${w.findingNotInSummary})`),
          ]
        : w.notConfirmed,
    ),
  );
};

const requirement = (language: Language, r: SpecificationRequirement, suspect: boolean) => {
  const w = WORDS[language];
  const p = r.priority;
  const yesNo = (value: boolean) => (value ? w.yes : w.no);
  return h(
    'section',
    { class: `requirement${r.tier ? ` tier-${r.tier}` : ''}`, id: `requirement-${r.requirementId}`, 'data-requirement-id': r.requirementId },
    h('h3', null, r.rank === null ? '' : `${r.rank}. `, r.title, suspect ? h('span', { class: 'suspect-mark' }, ` – ${w.suspect}`) : null),
    h('p', null, r.description),
    h(
      'table',
      null,
      h(
        'tbody',
        null,
        row(w.score, r.score === null ? w.unranked : `${r.score} / 15${r.tier ? ` – ${w.tier[r.tier]}` : ''}`),
        p ? row(w.priorityInputs, `${w.inputs.frequency} ${p.frequency}, ${w.inputs.lossIfMismanaged} ${p.lossIfMismanaged}, ${w.inputs.urgency} ${p.urgency}, ${w.inputs.fundSafety} ${yesNo(p.fundSafety)}, ${w.inputs.stakeholderConcern} ${yesNo(p.stakeholderConcern)}`) : null,
        row(w.category, w.categories[r.category]),
        row(w.departments, r.departments.join(', ')),
        r.targetPhase ? row(w.targetPhase, w.phases[r.targetPhase]) : null,
        row(w.goalsServed, r.goals.length === 0 ? w.none : h('ul', null, r.goals.map((g) => h('li', { 'data-goal-id': g.goalId }, g.text)))),
        row(w.version, h('code', null, `${r.requirementId} @ ${r.version}`)),
        row(w.sources, h('ul', null, r.sources.map((s) => source(language, s)))),
      ),
    ),
  );
};

export const specificationHtml = (specification: Specification, language: Language): string => {
  const w = WORDS[language];
  const { baseline, requirements } = specification;
  const suspectIds = new Set(baseline.suspect ? baseline.suspectBecause.map((m) => m.requirementId) : []);
  const page = h(
    'html',
    { lang: language },
    h('head', null, h('meta', { charset: 'utf-8' }), h('title', null, `${w.title} – ${baseline.name}`), h('style', { dangerouslySetInnerHTML: { __html: STYLE } })),
    h(
      'body',
      null,
      h('h1', null, `${w.title}: ${baseline.name}`),
      h(
        'p',
        { class: 'meta' },
        `${w.baseline} `,
        h('code', null, baseline.baselineId),
        ` – ${w.status[baseline.status]} – ${w.createdBy} ${baseline.createdBy.name}, ${when(language, baseline.createdAt)}`,
        h('br', null),
        `${w.hash}: `,
        h('code', { class: 'baseline-hash' }, baseline.baselineHash),
      ),
      baseline.supersededBy ? h('p', { class: 'meta' }, w.supersededBy(baseline.supersededBy)) : null,
      baseline.suspect
        ? h(
            'div',
            { class: 'suspect', role: 'alert' },
            h('strong', null, w.suspect),
            h('ul', null, baseline.suspectBecause.map((m) => h('li', { 'data-change-request-id': m.changeRequestId }, w.suspectBecause(m.changeRequestId, m.requirementId, when(language, m.at))))),
          )
        : null,
      h('h2', null, `${w.requirements} (${requirements.length})`),
      h('p', { class: 'muted' }, w.principle),
      requirements.map((r) => requirement(language, r, suspectIds.has(r.requirementId))),
      h('h2', null, w.signOffs),
      h(
        'table',
        { class: 'sign-offs' },
        h('thead', null, h('tr', null, h('th', null, w.signatory), h('th', null, w.signOffs))),
        h(
          'tbody',
          null,
          baseline.signatories.map((s) =>
            h(
              'tr',
              { 'data-signatory': s.userId },
              h('td', null, `${s.name} (${s.userId})`),
              h(
                'td',
                null,
                s.signOffs.length === 0
                  ? w.notSignedYet
                  : h(
                      'ul',
                      null,
                      s.signOffs.map((o) =>
                        h('li', { class: 'sign-off' }, `${w.meaning[o.meaning]} – ${w.signedAt} ${when(language, o.at)} (${w.signedInAt} ${when(language, o.authenticatedAt)}) `, h('code', null, o.baselineHash)),
                      ),
                    ),
              ),
            ),
          ),
        ),
      ),
      baseline.rejection ? h('p', { class: 'rejection' }, w.rejectedBy(baseline.rejection.by.name, when(language, baseline.rejection.at)), ': ', baseline.rejection.comments) : null,
    ),
  );
  return `<!DOCTYPE html>${render(page)}`;
};
