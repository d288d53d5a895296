/**
 * The ranked backlog: the Pareto chart above the table, filters and paging, the as-of control whose
 * ticks are the engagement's decisions, and the selected requirement's sources, priority and history.
 */
import { useInfiniteQuery, useQueries, useQuery } from '@tanstack/preact-query';
import { useState } from 'preact/hooks';
import { get } from '../api.js';
import { EngagementNav } from '../components/engagement-nav.js';
import { ProblemMessage } from '../components/problem.js';
import { formatDateTime, formatNumber, useT } from '../i18n.js';
import { Choice } from '../pm/choice.js';
import { ParetoChart } from '../pm/pareto.js';
import { CATEGORIES, DECISION_ACTIONS, STATUSES, TIERS, queryString, type AuditPage, type BacklogItem, type BacklogPage } from '../pm/model.js';
import { RequirementSummary } from '../pm/requirement-summary.js';
import '../pm/pm.css';

type Filter = { status: string; category: string; department: string; tier: string };
const NO_FILTER: Filter = { status: '', category: '', department: '', tier: '' };

/** The instants the backlog changed by a decision (prioritized, accepted, deferred, rejected), oldest first. */
const useDecisionTicks = (id: string) => {
  const audits = useQueries({
    queries: DECISION_ACTIONS.map((action) => ({
      queryKey: ['audit', id, { action, limit: 200 }],
      queryFn: () => get<AuditPage>(`/engagements/${id}/audit${queryString({ action, limit: 200 })}`),
      retry: false,
    })),
  });
  const entries = audits.flatMap((a) => a.data?.entries ?? []);
  return entries.sort((a, b) => (BigInt(a.position) < BigInt(b.position) ? -1 : 1));
};

/** `datetime-local` works in the browser's time zone: to and from an ISO instant. */
const toLocalInput = (iso: string) => {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
};

export default function Backlog({ id }: { id: string }) {
  const { t } = useT('pm');
  const [filter, setFilter] = useState<Filter>(NO_FILTER);
  const [asOf, setAsOf] = useState<string | undefined>();
  const [selected, setSelected] = useState<string | undefined>();
  const ticks = useDecisionTicks(id);

  const pareto = useQuery({
    queryKey: ['backlog', id, 'pareto', asOf],
    queryFn: () => get<BacklogPage>(`/engagements/${id}/backlog${queryString({ limit: 200, asOf })}`),
  });
  const backlog = useInfiniteQuery({
    queryKey: ['backlog', id, filter, asOf],
    queryFn: ({ pageParam }) => get<BacklogPage>(`/engagements/${id}/backlog${queryString({ ...filter, asOf, limit: 50, cursor: pageParam })}`),
    initialPageParam: '',
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const items = backlog.data?.pages.flatMap((p) => p.items) ?? [];
  const set = (key: keyof Filter) => (value: string) => setFilter({ ...filter, [key]: value });

  // The slider's last stop is "now"; each other stop is the instant just after a decision.
  const tickIndex = asOf === undefined ? ticks.length : Math.max(0, ticks.findIndex((e) => e.at === asOf));
  const tickEntry = asOf === undefined ? undefined : ticks[tickIndex];

  return (
    <div class="page backlog-page">
      <EngagementNav id={id} />
      <h2 class="visually-hidden">{t('backlog.title')}</h2>

      <section class="panel as-of" aria-labelledby="as-of-title">
        <h3 id="as-of-title">{t('asOf.title')}</h3>
        <div class="as-of-controls">
          <label class="slider">
            {t('asOf.slider')}
            <input
              type="range"
              min={0}
              max={ticks.length}
              step={1}
              value={tickIndex}
              list="decision-ticks"
              disabled={ticks.length === 0}
              aria-valuetext={asOf ? formatDateTime(asOf, { dateStyle: 'medium', timeStyle: 'medium' }) : t('asOf.now')}
              onInput={(e) => {
                const index = Number((e.target as HTMLInputElement).value);
                setAsOf(index >= ticks.length ? undefined : ticks[index]?.at);
              }}
            />
            <datalist id="decision-ticks">
              {ticks.map((_, index) => (
                <option key={index} value={index} />
              ))}
              <option value={ticks.length} />
            </datalist>
          </label>
          <label>
            {t('asOf.instant')}
            <input
              type="datetime-local"
              step={1}
              value={asOf ? toLocalInput(asOf) : ''}
              onChange={(e) => {
                const value = (e.target as HTMLInputElement).value;
                setAsOf(value ? new Date(value).toISOString() : undefined);
              }}
            />
          </label>
          <button type="button" class="secondary" disabled={asOf === undefined} onClick={() => setAsOf(undefined)}>
            {t('asOf.now')}
          </button>
        </div>
        <p class="as-of-state" aria-live="polite">
          {asOf === undefined
            ? t('asOf.showingNow', { count: ticks.length })
            : t('asOf.showing', { at: formatDateTime(asOf, { dateStyle: 'medium', timeStyle: 'medium' }) })}
          {tickEntry && ` – ${t(`asOf.action.${tickEntry.action}`)} · ${tickEntry.actor.name}`}
        </p>
      </section>

      {pareto.isError ? <ProblemMessage error={pareto.error} onRetry={() => void pareto.refetch()} /> : <ParetoChart items={pareto.data?.items ?? []} selected={selected} onSelect={setSelected} />}

      <div class="backlog-body">
        <section class="backlog-list" aria-labelledby="backlog-table-title">
          <h3 id="backlog-table-title">{t('backlog.title')}</h3>
          <form class="filters row" onSubmit={(e) => e.preventDefault()} aria-label={t('filters.label')}>
            <Choice label={t('filters.status')} value={filter.status} values={STATUSES} group="requirementStatus" any={t('filters.all')} onChange={set('status')} />
            <Choice label={t('filters.category')} value={filter.category} values={CATEGORIES} group="category" any={t('filters.all')} onChange={set('category')} />
            <label>
              {t('filters.department')}
              <input type="search" value={filter.department} onChange={(e) => set('department')((e.target as HTMLInputElement).value)} placeholder={t('filters.departmentHint')} />
            </label>
            <Choice label={t('filters.tier')} value={filter.tier} values={TIERS} group="tier" any={t('filters.all')} onChange={set('tier')} />
          </form>
          {backlog.isError && <ProblemMessage error={backlog.error} onRetry={() => void backlog.refetch()} />}
          {backlog.isPending && <p class="loading">{t('common:actions.loading')}</p>}
          {backlog.isSuccess && items.length === 0 && <p class="empty">{t('backlog.empty')}</p>}
          {items.length > 0 && (
            <div class="table-wrap">
              <table class="backlog-table">
                <caption class="visually-hidden">{t('backlog.caption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('backlog.rank')}</th>
                    <th scope="col">{t('backlog.requirement')}</th>
                    <th scope="col">{t('backlog.score')}</th>
                    <th scope="col">{t('backlog.tier')}</th>
                    <th scope="col">{t('backlog.status')}</th>
                    <th scope="col" class="wide-only">{t('backlog.category')}</th>
                    <th scope="col" class="wide-only">{t('backlog.departments')}</th>
                    <th scope="col" class="wide-only">{t('backlog.sources')}</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((item) => (
                    <Row key={item.id} item={item} selected={item.id === selected} onSelect={() => setSelected(item.id)} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {backlog.hasNextPage && (
            <button type="button" class="secondary" disabled={backlog.isFetchingNextPage} onClick={() => void backlog.fetchNextPage()}>
              {t('backlog.more')}
            </button>
          )}
        </section>
        {selected && (
          <aside class="panel selected-requirement" aria-label={t('selected.label')}>
            <RequirementSummary id={selected} asOf={asOf} onClose={() => setSelected(undefined)} />
          </aside>
        )}
      </div>
    </div>
  );
}

const Row = ({ item, selected, onSelect }: { item: BacklogItem; selected: boolean; onSelect: () => void }) => {
  const { t } = useT('pm');
  return (
    <tr class={selected ? 'selected' : undefined} aria-selected={selected}>
      <td>{item.rank === null ? '–' : formatNumber(item.rank)}</td>
      <td>
        <button type="button" class="link" aria-pressed={selected} onClick={onSelect}>
          {item.title}
        </button>
      </td>
      <td>{item.score === null ? '–' : formatNumber(item.score)}</td>
      <td>{item.tier ? <span class={`badge ${item.tier === 'vital-few' ? 'good' : ''}`}>{t(`common:tier.${item.tier}`)}</span> : '–'}</td>
      <td>
        <span class={`badge ${item.status === 'rejected' ? 'bad' : item.status === 'deferred' ? 'warn' : ''}`}>{t(`common:requirementStatus.${item.status}`)}</span>
        {item.targetPhase && <small class="block">{t(`common:phase.${item.targetPhase}`)}</small>}
      </td>
      <td class="wide-only">{t(`common:category.${item.category}`)}</td>
      <td class="wide-only">{item.departments.join(', ')}</td>
      <td class="wide-only">{formatNumber(item.sources.length)}</td>
    </tr>
  );
};
