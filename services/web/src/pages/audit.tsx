/**
 * The audit trail for the PMO: a dense, filterable table (actor, action, subject, time range) with
 * quick filters, paging, each entry's before/after, reason, event id and position, and a CSV export
 * of exactly the current filter. Confirmations show the version and hash that were confirmed.
 * Above the table, what changed between two instants.
 */
import { useInfiniteQuery } from '@tanstack/preact-query';
import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import { download, get } from '../api.js';
import { EngagementNav } from '../components/engagement-nav.js';
import { ProblemMessage } from '../components/problem.js';
import { formatDateTime, useT } from '../i18n.js';
import auditWords from '../locales/en/pmo.js';
import { DECISION_ACTIONS, queryString, shortHash, type AuditEntry, type AuditPage } from '../pm/model.js';
import { WhatChanged } from '../proof/what-changed.js';
import '../pmo/audit.css';

/** The audit trail's actions (the API's `action` values): those the audit words name, in log-lifecycle order. */
const AUDIT_ACTIONS = Object.keys(auditWords.action);

type Quick = 'confirmations' | 'waivers' | 'decisions';
type Filter = { actor: string; actions: readonly string[]; subjectId: string; from: string; to: string; waiversOnly: boolean };
const NONE: Filter = { actor: '', actions: [], subjectId: '', from: '', to: '', waiversOnly: false };
const QUICK: Record<Quick, Filter> = {
  confirmations: { ...NONE, actions: ['summary-confirmed'] },
  // A waiver is recorded on the phase advance that passed a gate anyway.
  waivers: { ...NONE, actions: ['phase-advanced'], waiversOnly: true },
  decisions: { ...NONE, actions: DECISION_ACTIONS },
};

const PAGE = 100;
const instant = (local: string) => (local ? new Date(local).toISOString() : undefined);
const query = (filter: Filter, action: string | undefined, extra: Record<string, string | number | undefined>) =>
  queryString({ actor: filter.actor.trim(), action, subjectId: filter.subjectId.trim(), from: instant(filter.from), to: instant(filter.to), ...extra });

/** The API filters by one action at a time: several actions are read side by side and merged in log order. */
type Cursors = Record<string, string | null>;
const actionsOf = (filter: Filter): Array<string | undefined> => (filter.actions.length === 0 ? [undefined] : [...filter.actions]);

export default function Audit({ id }: { id: string }) {
  const { t } = useT('pmo');
  const [filter, setFilter] = useState<Filter>(NONE);
  const [open, setOpen] = useState<string | undefined>();
  const [exporting, setExporting] = useState<unknown>();
  const audit = useInfiniteQuery({
    queryKey: ['audit', id, filter],
    queryFn: async ({ pageParam }: { pageParam: Cursors | undefined }) => {
      const actions = actionsOf(filter).filter((a) => pageParam === undefined || pageParam[a ?? ''] !== null);
      const pages = await Promise.all(
        actions.map(async (action) => [action ?? '', await get<AuditPage>(`/engagements/${id}/audit${query(filter, action, { limit: PAGE, cursor: pageParam?.[action ?? ''] ?? undefined })}`)] as const),
      );
      const cursors: Cursors = { ...pageParam };
      for (const [action, page] of pages) cursors[action] = page.nextCursor;
      return { entries: pages.flatMap(([, page]) => page.entries), cursors };
    },
    initialPageParam: undefined as Cursors | undefined,
    getNextPageParam: (last) => (Object.values(last.cursors).some((c) => c !== null) ? last.cursors : undefined),
  });
  const entries = (audit.data?.pages.flatMap((p) => p.entries) ?? [])
    .filter((e) => !filter.waiversOnly || e.waiver)
    .sort((a, b) => (BigInt(a.position) < BigInt(b.position) ? -1 : 1));
  const quick = (Object.keys(QUICK) as Quick[]).find((q) => JSON.stringify(QUICK[q]) === JSON.stringify(filter));

  const exportCsv = async () => {
    setExporting(undefined);
    try {
      const parts = await Promise.all(actionsOf(filter).map(async (action) => (await download(`/engagements/${id}/audit${query(filter, action, { format: 'csv' })}`)).text()));
      // One header, then each action's rows as the API wrote them (quoted fields may hold line breaks).
      const rows = parts.map((text, index) => (index === 0 ? text : text.slice(text.search(/\r?\n/) + 1).replace(/^\n/, '')));
      const blob = new Blob(rows, { type: 'text/csv;charset=utf-8' });
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = `audit-trail-${quick ?? 'filtered'}-${new Date().toISOString().slice(0, 10)}.csv`;
      link.click();
      URL.revokeObjectURL(link.href);
    } catch (failure) {
      setExporting(failure);
    }
  };

  const set = (key: 'actor' | 'subjectId' | 'from' | 'to') => (e: Event) => setFilter({ ...filter, [key]: (e.target as HTMLInputElement).value });
  return (
    <div class="page audit-page">
      <EngagementNav id={id} />
      <h2 class="visually-hidden">{t('title')}</h2>
      <div class="quick" role="group" aria-label={t('quick.label')}>
        {(Object.keys(QUICK) as Quick[]).map((q) => (
          <button key={q} type="button" class="secondary" aria-pressed={quick === q} onClick={() => setFilter(quick === q ? NONE : QUICK[q])}>
            {t(`quick.${q}`)}
          </button>
        ))}
        <button type="button" class="link" disabled={JSON.stringify(filter) === JSON.stringify(NONE)} onClick={() => setFilter(NONE)}>
          {t('filters.clear')}
        </button>
      </div>
      <form class="filters panel" aria-label={t('filters.label')} onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('filters.actor')}
          <input type="search" value={filter.actor} onChange={set('actor')} placeholder={t('filters.actorHint')} />
        </label>
        <label>
          {t('filters.action')}
          <select
            value={filter.actions.length === 1 ? filter.actions[0] : filter.actions.length > 1 ? '*' : ''}
            onChange={(e) => {
              const value = (e.target as HTMLSelectElement).value;
              setFilter({ ...filter, actions: value ? [value] : [], waiversOnly: false });
            }}
          >
            <option value="">{t('filters.allActions')}</option>
            {filter.actions.length > 1 && <option value="*">{t(`quick.${quick ?? 'decisions'}`)}</option>}
            {AUDIT_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {t(`action.${a}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('filters.subject')}
          <input type="search" value={filter.subjectId} onChange={set('subjectId')} placeholder={t('filters.subjectHint')} />
        </label>
        <label>
          {t('filters.from')}
          <input type="datetime-local" value={filter.from} onChange={set('from')} />
        </label>
        <label>
          {t('filters.to')}
          <input type="datetime-local" value={filter.to} onChange={set('to')} />
        </label>
        <button type="button" class="primary export" onClick={() => void exportCsv()}>
          {t('export')}
        </button>
      </form>
      <ProblemMessage error={exporting} />
      <WhatChanged engagementId={id} />
      {audit.isError && <ProblemMessage error={audit.error} onRetry={() => void audit.refetch()} />}
      {audit.isPending && <p class="loading">{t('common:actions.loading')}</p>}
      {audit.isSuccess && entries.length === 0 && <p class="empty">{t('empty')}</p>}
      {entries.length > 0 && (
        <div class="table-wrap">
          <table class="audit-table">
            <caption class="visually-hidden">{t('title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('column.at')}</th>
                <th scope="col">{t('column.actor')}</th>
                <th scope="col">{t('column.action')}</th>
                <th scope="col">{t('column.subject')}</th>
                <th scope="col">{t('column.reason')}</th>
                <th scope="col">
                  <span class="visually-hidden">{t('column.details')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <Fragment key={entry.eventId}>
                  <tr class={open === entry.eventId ? 'open' : undefined}>
                    <td>
                      <time dateTime={entry.at}>{formatDateTime(entry.at, { dateStyle: 'short', timeStyle: 'medium' })}</time>
                    </td>
                    <td>
                      {entry.actor.name}
                      <small class="block">{entry.actor.roles.map((r) => t(`common:roles.${r}`)).join(', ')}</small>
                    </td>
                    <td>
                      {t(`action.${entry.action}`)}
                      {entry.summaryVersion !== undefined && entry.summaryHash && (
                        <small class="block confirmation">{t('confirmation', { version: entry.summaryVersion, hash: shortHash(entry.summaryHash) })}</small>
                      )}
                      {entry.waiver && <span class="badge warn">{t('waiver')}</span>}
                    </td>
                    <td>
                      {t(`subject.${entry.subject.type}`)} <code title={entry.subject.id}>{entry.subject.id.slice(-8)}</code>
                    </td>
                    <td>{entry.reason ?? entry.waiver?.reason ?? '–'}</td>
                    <td>
                      <button
                        type="button"
                        class="link"
                        aria-expanded={open === entry.eventId}
                        aria-controls={`entry-${entry.eventId}`}
                        onClick={() => setOpen(open === entry.eventId ? undefined : entry.eventId)}
                      >
                        {t('details', { position: entry.position })}
                      </button>
                    </td>
                  </tr>
                  {open === entry.eventId && (
                    <tr class="detail" id={`entry-${entry.eventId}`}>
                      <td colSpan={6}>
                        <EntryDetail entry={entry} />
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {audit.hasNextPage && (
        <button type="button" class="secondary" disabled={audit.isFetchingNextPage} onClick={() => void audit.fetchNextPage()}>
          {t('more')}
        </button>
      )}
    </div>
  );
}

const value = (v: unknown) => (v === null || v === undefined ? '–' : typeof v === 'string' ? v : JSON.stringify(v));

const EntryDetail = ({ entry }: { entry: AuditEntry }) => {
  const { t } = useT('pmo');
  const changes = Object.entries(entry.changes);
  return (
    <div class="entry-detail">
      <dl>
        <dt>{t('detail.eventId')}</dt>
        <dd>
          <code>{entry.eventId}</code>
        </dd>
        <dt>{t('detail.position')}</dt>
        <dd>
          <code>{entry.position}</code>
        </dd>
        <dt>{t('detail.subject')}</dt>
        <dd>
          <code>{entry.subject.id}</code>
        </dd>
        <dt>{t('detail.correlation')}</dt>
        <dd>
          <code>{entry.correlationId}</code>
        </dd>
        {entry.summaryHash && (
          <>
            <dt>{t('detail.summary')}</dt>
            <dd>
              {t('detail.version', { version: entry.summaryVersion })} · <code class="hash">{entry.summaryHash}</code>
            </dd>
          </>
        )}
        <dt>{t('column.reason')}</dt>
        <dd>{entry.reason ?? '–'}</dd>
        {entry.waiver && (
          <>
            <dt>{t('waiver')}</dt>
            <dd>
              {entry.waiver.reason} ({entry.waiver.unmetConditions.join(', ')})
            </dd>
          </>
        )}
      </dl>
      {changes.length > 0 && (
        <table class="changes">
          <caption>{t('detail.changes')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('detail.field')}</th>
              <th scope="col">{t('detail.before')}</th>
              <th scope="col">{t('detail.after')}</th>
            </tr>
          </thead>
          <tbody>
            {changes.map(([field, change]) => (
              <tr key={field}>
                <th scope="row">{field}</th>
                <td>
                  <del>{value(change.from)}</del>
                </td>
                <td>
                  <ins>{value(change.to)}</ins>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
};
