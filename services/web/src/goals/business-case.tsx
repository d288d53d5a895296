/**
 * The business case (docs/domain.md#business-case): its inputs per period, the figures the service
 * computed – NPV, ROI, IRR, payback for the whole case, each group and the shared lines – and, for a
 * project manager, the form that draws it up or revises it with a reason. Money is formatted in the
 * case's currency, rates as percentages, in the reader's language.
 */
import { useState } from 'preact/hooks';
import { FieldError, ProblemWithNextStep } from '../consultant/problem-next-step.js';
import { useCommand } from '../consultant/use-command.js';
import { CATEGORIES } from '../consultant/documents.js';
import { formatDate, formatNumber, useT } from '../i18n.js';
import type { BusinessCase, CaseGroup, CaseLine, CashFlowFigures, PeriodLength } from './model.js';

const PERIODS: PeriodLength[] = ['year', 'quarter', 'month'];

const money = (value: number, currency: string) => formatNumber(value, { style: 'currency', currency, maximumFractionDigits: 0 });
const percent = (value: number) => formatNumber(value, { style: 'percent', maximumFractionDigits: 1 });

export const BusinessCasePanel = ({ id, businessCase, pm }: { id: string; businessCase: BusinessCase | null; pm: boolean }) => {
  const { t } = useT('goals');
  return (
    <section class="panel" aria-labelledby="business-case">
      <h2 id="business-case">{t('businessCase.title')}</h2>
      {businessCase === null ? <p class="empty">{t('businessCase.none')}</p> : <CaseView businessCase={businessCase} />}
      {pm && <CaseForm id={id} current={businessCase} />}
    </section>
  );
};

const CaseView = ({ businessCase: c }: { businessCase: BusinessCase }) => {
  const { t } = useT('goals');
  const period = t(`businessCase.period.${c.periodLength}`);
  const periods = c.figures.total.netCashFlows.length;
  const groupName = new Map(c.groups.map((g) => [g.groupId, g.name]));
  const column = (index: number) => (index === 0 ? t('businessCase.start') : t('businessCase.periodColumn', { period: t(`businessCase.periodTitle.${c.periodLength}`), index }));
  const rows: Array<[string, CashFlowFigures]> = [
    [t('businessCase.whole'), c.figures.total],
    ...c.figures.groups.map((g): [string, CashFlowFigures] => [groupName.get(g.groupId) ?? g.groupId, g]),
    // Without groups the shared lines are the whole case: shown once.
    ...(c.figures.shared && c.groups.length > 0 ? [[t('businessCase.shared'), c.figures.shared] as [string, CashFlowFigures]] : []),
  ];
  const payback = (value: number | null) =>
    value === null ? t('businessCase.never') : t('businessCase.periods', { value: formatNumber(value, { maximumFractionDigits: 2 }), period });
  const irr = (f: CashFlowFigures) =>
    f.irr.status === 'unique' ? percent(f.irr.rate) : f.irr.status === 'none' ? t('businessCase.irrNone') : t('businessCase.irrNotDetermined');
  return (
    <>
      <p class="hint">{t('businessCase.revision', { revision: c.revision, name: c.setBy.name, date: formatDate(c.setAt), reason: c.reason })}</p>
      <p>{t('businessCase.rate', { rate: percent(c.discountRate), period })}</p>
      <h3>{t('businessCase.figures')}</h3>
      <div class="table-wrap">
        <table class="stacked figures">
          <thead>
            <tr>
              <th scope="col">{t('businessCase.group')}</th>
              <th scope="col">{t('businessCase.npv')}</th>
              <th scope="col">{t('businessCase.roi')}</th>
              <th scope="col">{t('businessCase.irr')}</th>
              <th scope="col">{t('businessCase.payback')}</th>
              <th scope="col">{t('businessCase.discountedPayback')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(([name, f]) => (
              <tr key={name}>
                <th scope="row">{name}</th>
                <td data-label={t('businessCase.npv')} class={`money ${f.npv < 0 ? 'negative' : ''}`}>{money(f.npv, c.currency)}</td>
                <td data-label={t('businessCase.roi')}>{f.roi === null ? t('businessCase.noCosts') : percent(f.roi)}</td>
                <td data-label={t('businessCase.irr')}>{irr(f)}</td>
                <td data-label={t('businessCase.payback')}>{payback(f.paybackPeriods)}</td>
                <td data-label={t('businessCase.discountedPayback')}>{payback(f.discountedPaybackPeriods)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h3>{t('businessCase.inputs', { period })}</h3>
      <div class="table-wrap">
        <table class="inputs">
          <thead>
            <tr>
              <th scope="col">{t('businessCase.line')}</th>
              <th scope="col">{t('businessCase.group')}</th>
              {Array.from({ length: periods }, (_, index) => (
                <th scope="col" key={index}>
                  {column(index)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {c.lines.map((line, index) => (
              <tr key={index} class={line.kind}>
                <th scope="row">
                  {line.label} <small>({t(`businessCase.kind.${line.kind}`)})</small>
                </th>
                <td>{line.groupId === undefined ? t('businessCase.shared') : (groupName.get(line.groupId) ?? line.groupId)}</td>
                {Array.from({ length: periods }, (_, t0) => (
                  <td key={t0} class="money">
                    {money(line.kind === 'cost' && (line.amounts[t0] ?? 0) > 0 ? -line.amounts[t0]! : (line.amounts[t0] ?? 0), c.currency)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={2}>
                {t('businessCase.net')}
              </th>
              {c.figures.total.netCashFlows.map((flow, index) => (
                <td key={index} class={`money ${flow < 0 ? 'negative' : ''}`}>
                  {money(flow, c.currency)}
                </td>
              ))}
            </tr>
          </tfoot>
        </table>
      </div>
    </>
  );
};

type LineDraft = { kind: CaseLine['kind']; label: string; groupId: string; amounts: string };
type GroupDraft = { groupId: string; name: string; category: string; requirementIds?: string[] };

const draftOf = (c: BusinessCase | null) => ({
  currency: c?.currency ?? 'CNY',
  periodLength: c?.periodLength ?? ('year' as PeriodLength),
  discountRate: c ? String(Math.round(c.discountRate * 1e6) / 1e4) : '8',
  groups: (c?.groups ?? []).map((g): GroupDraft => ({ groupId: g.groupId, name: g.name, category: g.category ?? '', ...(g.requirementIds ? { requirementIds: g.requirementIds } : {}) })),
  lines: (c?.lines ?? [
    { kind: 'cost', label: '', amounts: [] },
    { kind: 'gain', label: '', amounts: [] },
  ]).map((l): LineDraft => ({ kind: l.kind, label: l.label, groupId: l.groupId ?? '', amounts: l.amounts.join(', ') })),
  reason: '',
});

/** "1 000, 2.5, 300" → [1000, 2.5, 300]; spaces and thousands separators as people type them. */
const amountsOf = (text: string) =>
  text
    .split(/[,;，；]/)
    .map((part) => part.replace(/[\s\u00a0_']/g, ''))
    .filter((part) => part !== '')
    .map(Number);

const CaseForm = ({ id, current }: { id: string; current: BusinessCase | null }) => {
  const { t } = useT('goals');
  const { error, busy, run } = useCommand([['progress', id]]);
  const [draft, setDraft] = useState(() => draftOf(current));
  const [saved, setSaved] = useState(false);
  const setLine = (index: number, change: Partial<LineDraft>) => setDraft({ ...draft, lines: draft.lines.map((l, i) => (i === index ? { ...l, ...change } : l)) });
  const setGroup = (index: number, change: Partial<GroupDraft>) => setDraft({ ...draft, groups: draft.groups.map((g, i) => (i === index ? { ...g, ...change } : g)) });
  const nextGroupId = () => `group-${draft.groups.length + 1}-${Date.now().toString(36)}`;
  const submit = async (e: Event) => {
    e.preventDefault();
    setSaved(false);
    const groups: CaseGroup[] = draft.groups.map((g) => ({
      groupId: g.groupId,
      name: g.name.trim(),
      ...(g.category ? { category: g.category } : {}),
      ...(g.requirementIds ? { requirementIds: g.requirementIds } : {}),
    }));
    const lines: CaseLine[] = draft.lines.map((l) => ({ kind: l.kind, label: l.label.trim(), ...(l.groupId ? { groupId: l.groupId } : {}), amounts: amountsOf(l.amounts) }));
    const body = { currency: draft.currency.trim().toUpperCase(), periodLength: draft.periodLength, discountRate: Number(draft.discountRate) / 100, groups, lines, reason: draft.reason.trim() };
    if (await run(`/engagements/${id}/business-case`, body)) {
      setSaved(true);
      setDraft({ ...draft, reason: '' });
    }
  };
  return (
    <details class="panel inner">
      <summary>{t('businessCase.edit')}</summary>
      <form class="stack" onSubmit={(e) => void submit(e)}>
        <div class="row">
          <label>
            {t('businessCase.currency')}
            <input required pattern="[A-Za-z]{3}" maxLength={3} value={draft.currency} onInput={(e) => setDraft({ ...draft, currency: (e.target as HTMLInputElement).value })} />
            <FieldError error={error} path="/currency" />
          </label>
          <label>
            {t('businessCase.periodLength')}
            <select value={draft.periodLength} onChange={(e) => setDraft({ ...draft, periodLength: (e.target as HTMLSelectElement).value as PeriodLength })}>
              {PERIODS.map((p) => (
                <option key={p} value={p}>
                  {t(`businessCase.period.${p}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('businessCase.discountRate')}
            <input required type="number" min="0" max="100" step="any" inputMode="decimal" value={draft.discountRate} onInput={(e) => setDraft({ ...draft, discountRate: (e.target as HTMLInputElement).value })} />
            <FieldError error={error} path="/discountRate" />
          </label>
        </div>
        <fieldset class="stack">
          <legend>{t('businessCase.group')}</legend>
          {draft.groups.map((g, index) => (
            <div class="row" key={g.groupId}>
              <label>
                {t('businessCase.groupName')}
                <input required maxLength={200} value={g.name} onInput={(e) => setGroup(index, { name: (e.target as HTMLInputElement).value })} />
              </label>
              <label>
                {t('businessCase.groupCategory')}
                <select value={g.category} onChange={(e) => setGroup(index, { category: (e.target as HTMLSelectElement).value })}>
                  <option value="">{t('businessCase.anyCategory')}</option>
                  {CATEGORIES.map((c) => (
                    <option key={c} value={c}>
                      {t(`common:category.${c}`)}
                    </option>
                  ))}
                </select>
              </label>
            </div>
          ))}
          <button type="button" class="secondary" onClick={() => setDraft({ ...draft, groups: [...draft.groups, { groupId: nextGroupId(), name: '', category: '' }] })}>
            {t('businessCase.addGroup')}
          </button>
        </fieldset>
        <fieldset class="stack">
          <legend>{t('businessCase.line')}</legend>
          <p class="hint" id="amounts-hint">{t('businessCase.editHint')}</p>
          {draft.lines.map((line, index) => (
            <div class="case-line" key={index}>
              <label>
                {t('businessCase.kind.gain')} / {t('businessCase.kind.cost')}
                <select value={line.kind} onChange={(e) => setLine(index, { kind: (e.target as HTMLSelectElement).value as CaseLine['kind'] })}>
                  <option value="gain">{t('businessCase.kind.gain')}</option>
                  <option value="cost">{t('businessCase.kind.cost')}</option>
                </select>
              </label>
              <label>
                {t('businessCase.label')}
                <input required maxLength={200} value={line.label} onInput={(e) => setLine(index, { label: (e.target as HTMLInputElement).value })} />
                <FieldError error={error} path={`/lines/${index}/label`} />
              </label>
              <label>
                {t('businessCase.group')}
                <select value={line.groupId} onChange={(e) => setLine(index, { groupId: (e.target as HTMLSelectElement).value })}>
                  <option value="">{t('businessCase.shared')}</option>
                  {draft.groups.map((g) => (
                    <option key={g.groupId} value={g.groupId}>
                      {g.name || g.groupId}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                {t('businessCase.amounts')}
                <input required inputMode="decimal" aria-describedby="amounts-hint" value={line.amounts} onInput={(e) => setLine(index, { amounts: (e.target as HTMLInputElement).value })} />
                <FieldError error={error} path={`/lines/${index}/amounts`} />
              </label>
              <button type="button" class="secondary" disabled={draft.lines.length === 1} onClick={() => setDraft({ ...draft, lines: draft.lines.filter((_, i) => i !== index) })}>
                {t('businessCase.removeLine', { index: index + 1 })}
              </button>
            </div>
          ))}
          <button type="button" class="secondary" onClick={() => setDraft({ ...draft, lines: [...draft.lines, { kind: 'gain', label: '', groupId: '', amounts: '' }] })}>
            {t('businessCase.addLine')}
          </button>
        </fieldset>
        <label>
          {t('businessCase.reason')}
          <input required maxLength={2000} value={draft.reason} onInput={(e) => setDraft({ ...draft, reason: (e.target as HTMLInputElement).value })} />
          <FieldError error={error} path="/reason" />
        </label>
        <ProblemWithNextStep error={error} />
        {saved && <p role="status">{t('businessCase.saved')}</p>}
        <button type="submit" class="primary" disabled={busy || !draft.reason.trim()}>
          {t('businessCase.submit')}
        </button>
      </form>
    </details>
  );
};
