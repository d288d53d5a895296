/**
 * Operations (PMO and admins): the service's readiness – event store, read models, each
 * projection's state and lag, the publisher – and its command and error rates from /metrics,
 * polled every few seconds, with a small trend of each lag over the time the page is open.
 */
import { useQuery } from '@tanstack/preact-query';
import { useEffect, useRef, useState } from 'preact/hooks';
import { probe } from '../api.js';
import { ProblemMessage } from '../components/problem.js';
import { formatDateTime, formatNumber, useT } from '../i18n.js';
import { countersOf, ratesBetween, type Counters, type ProjectionHealth, type Rates, type Readiness } from '../ops/metrics.js';
import { hasRole, useSession } from '../session.js';
import '../ops/ops.css';

const POLL_MS = 5000;
const TREND_POINTS = 60;
const RATE_WINDOW_MS = 60_000;

type Trend = Record<string, number[]>;

export default function Operations() {
  const { t } = useT('ops');
  const session = useSession();
  const allowed = hasRole(session.data?.user, 'pmo', 'admin');
  const ready = useQuery({
    queryKey: ['ops', 'ready'],
    queryFn: async () => (await probe('/health/ready', 'json')).body as Readiness,
    refetchInterval: POLL_MS,
    enabled: allowed,
  });
  const metrics = useQuery({
    queryKey: ['ops', 'metrics'],
    queryFn: async () => countersOf(String((await probe('/metrics', 'text')).body), Date.now()),
    refetchInterval: POLL_MS,
    enabled: allowed,
  });

  // The trend and the rates exist only while the page is open: each poll adds a point.
  const [trend, setTrend] = useState<Trend>({});
  const [rates, setRates] = useState<Rates | undefined>();
  const samples = useRef<Counters[]>([]);
  useEffect(() => {
    const checks = ready.data?.checks;
    if (!checks) return;
    const lags: Record<string, number> = {};
    for (const p of checks['projector']?.projections ?? []) lags[p.name] = p.lagEvents ?? 0;
    if (checks['publisher']) lags['publisher'] = checks['publisher'].lagEvents ?? 0;
    setTrend((old) => Object.fromEntries(Object.entries(lags).map(([name, lag]) => [name, [...(old[name] ?? []), lag].slice(-TREND_POINTS)])));
  }, [ready.dataUpdatedAt]);
  useEffect(() => {
    if (!metrics.data) return;
    // Rates over the last minute: a burst of commands stays visible between polls.
    samples.current = [...samples.current.filter((s) => metrics.data.at - s.at <= RATE_WINDOW_MS), metrics.data];
    const [oldest] = samples.current;
    if (oldest && oldest !== metrics.data) setRates(ratesBetween(oldest, metrics.data));
  }, [metrics.dataUpdatedAt]);

  if (session.isSuccess && !allowed)
    return (
      <div class="page">
        <h1>{t('title')}</h1>
        <p class="problem">{t('common:errors.forbidden')}</p>
      </div>
    );
  const checks = ready.data?.checks ?? {};
  const projections = checks['projector']?.projections ?? [];
  const publisher = checks['publisher'];
  return (
    <div class="page ops-page">
      <h1>{t('title')}</h1>
      <p class="ops-status" aria-live="polite">
        {ready.data && (
          <span class={`badge ${ready.data.status === 'ready' ? 'good' : 'bad'}`}>{t(`status.${ready.data.status}`)}</span>
        )}{' '}
        {ready.dataUpdatedAt > 0 && t('updated', { at: formatDateTime(new Date(ready.dataUpdatedAt).toISOString(), { timeStyle: 'medium' }), seconds: POLL_MS / 1000 })}
      </p>
      {ready.isError && <ProblemMessage error={ready.error} />}

      <section aria-labelledby="ops-rates">
        <h2 id="ops-rates">{t('rates.title')}</h2>
        {metrics.isError && <ProblemMessage error={metrics.error} />}
        <ul class="cards ops-rates">
          <Rate label={t('rates.commands')} value={rates ? t('rates.perSecond', { value: formatNumber(rates.commandsPerSecond, { maximumFractionDigits: 2 }) }) : '…'} />
          <Rate
            label={t('rates.commandErrors')}
            value={rates ? formatNumber(rates.commandErrorShare, { style: 'percent', maximumFractionDigits: 1 }) : '…'}
            bad={!!rates && rates.commandErrorShare > 0.05}
          />
          <Rate label={t('rates.requests')} value={rates ? t('rates.perSecond', { value: formatNumber(rates.requestsPerSecond, { maximumFractionDigits: 2 }) }) : '…'} />
          <Rate
            label={t('rates.serverErrors')}
            value={rates ? formatNumber(rates.serverErrorShare, { style: 'percent', maximumFractionDigits: 1 }) : '…'}
            bad={!!rates && rates.serverErrorShare > 0}
          />
        </ul>
        {metrics.data && (
          <p class="hint">
            {t('rates.totals', { commands: formatNumber(metrics.data.commands), failures: formatNumber(metrics.data.commandFailures) })}
          </p>
        )}
      </section>

      <section aria-labelledby="ops-stores">
        <h2 id="ops-stores">{t('stores.title')}</h2>
        <ul class="cards">
          {(['eventStore', 'readModelStore'] as const).map((name) =>
            checks[name] ? (
              <li key={name} class={`card ${checks[name].status === 'up' ? '' : 'failed'}`}>
                <strong>{t(`stores.${name}`)}</strong>
                <span class={`badge ${checks[name].status === 'up' ? 'good' : 'bad'}`}>{t(`state.${checks[name].status}`, { defaultValue: checks[name].status })}</span>
                {checks[name].error && <p class="failure">{checks[name].error}</p>}
              </li>
            ) : null,
          )}
        </ul>
      </section>

      <section aria-labelledby="ops-projections">
        <h2 id="ops-projections">{t('projections.title')}</h2>
        {checks['projector']?.error && <p class="failure">{checks['projector'].error}</p>}
        <ul class="cards">
          {projections.map((p) => (
            <ProjectionCard key={p.name} projection={p} trend={trend[p.name] ?? []} />
          ))}
          {publisher && (
            <ProjectionCard
              key="publisher"
              publisher
              projection={{
                name: 'publisher',
                state: publisher.state ?? publisher.status,
                ...(publisher.lagEvents !== undefined ? { lagEvents: publisher.lagEvents } : {}),
                ...(publisher.lagSeconds !== undefined ? { lagSeconds: publisher.lagSeconds } : {}),
                ...(publisher.lastError ? { lastError: publisher.lastError } : publisher.error ? { lastError: { message: publisher.error } } : {}),
              }}
              trend={trend['publisher'] ?? []}
            />
          )}
        </ul>
        {!publisher && ready.data && <p class="hint">{t('projections.noPublisher')}</p>}
      </section>
    </div>
  );
}

const Rate = ({ label, value, bad }: { label: string; value: string; bad?: boolean }) => (
  <li class={`card rate ${bad ? 'failed' : ''}`}>
    <span>{label}</span>
    <strong>{value}</strong>
  </li>
);

const ProjectionCard = ({ projection: p, trend, publisher }: { projection: ProjectionHealth; trend: number[]; publisher?: boolean }) => {
  const { t } = useT('ops');
  const failed = p.state === 'failed' || p.state === 'down' || !!p.lastError;
  const tone = failed ? 'bad' : p.state === 'live' ? 'good' : 'warn';
  return (
    <li class={`card projection ${failed ? 'failed' : ''}`} aria-label={publisher ? t('projections.publisher') : t('projections.named', { name: p.name })}>
      <strong>{publisher ? t('projections.publisher') : p.name}</strong>
      <span class={`badge ${tone}`}>{t(`state.${p.state}`, { defaultValue: p.state })}</span>
      {p.rebuilding && <span class="badge warn">{t('projections.rebuilding')}</span>}
      <span>
        {t('projections.lagEvents', { count: p.lagEvents ?? 0, value: p.lagEvents === undefined ? '–' : formatNumber(p.lagEvents) })}
        {p.lagSeconds !== undefined && ` · ${t('projections.lagSeconds', { value: formatNumber(p.lagSeconds, { maximumFractionDigits: 1 }) })}`}
      </span>
      <Sparkline values={trend} label={t('projections.trend', { points: trend.length })} />
      {p.lastError && (
        <p class="failure" role="alert">
          {p.lastError.message}
          {p.lastError.at && <small class="block">{formatDateTime(p.lastError.at)}</small>}
        </p>
      )}
    </li>
  );
};

/** The lag over the page's lifetime, as a small line (the numbers are beside it). */
const Sparkline = ({ values, label }: { values: number[]; label: string }) => {
  const width = 160;
  const height = 32;
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(height - 2 - (v / max) * (height - 4)).toFixed(1)}`).join(' ');
  return (
    <svg class="sparkline" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
      <line x1="0" y1={height - 2} x2={width} y2={height - 2} stroke="#d0d7de" />
      {values.length > 0 && <polyline points={points} fill="none" stroke="#0b5cad" stroke-width="2" />}
    </svg>
  );
};
