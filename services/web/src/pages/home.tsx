/** My engagements: the ones whose team I am in (every one for PMO and admins), and starting one. */
import { useInfiniteQuery } from '@tanstack/preact-query';
import { useLocation } from 'preact-iso';
import { useState } from 'preact/hooks';
import { get, post } from '../api.js';
import { fieldError, ProblemMessage } from '../components/problem.js';
import { formatDate, useT } from '../i18n.js';
import { hasRole, useSession } from '../session.js';
import { DemoEngagement } from '../consultant/demo-button.js';

export type EngagementSummary = { id: string; name: string; client: string; currentPhase: string; startedAt: string };
type Page = { items: EngagementSummary[]; nextCursor: string | null };

const lines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

export default function Home() {
  const { t } = useT('home');
  const session = useSession();
  const user = session.data?.user;
  const engagements = useInfiniteQuery({
    queryKey: ['engagements'],
    queryFn: ({ pageParam }) => get<Page>(`/engagements?limit=50${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ''}`),
    initialPageParam: '',
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const items = engagements.data?.pages.flatMap((p) => p.items) ?? [];
  const mayStart = hasRole(user, 'pm', 'admin');
  return (
    <div class="page">
      <h1>{t('engagements.title')}</h1>
      {engagements.isError && <ProblemMessage error={engagements.error} onRetry={() => void engagements.refetch()} />}
      {engagements.isSuccess && items.length === 0 && (
        <div class="empty">
          <p>{t('engagements.empty')}</p>
          <p>{mayStart ? t('engagements.emptyCanStart') : t('engagements.emptyMember')}</p>
          {mayStart && user && <DemoEngagement user={user} development={!!session.data?.signIn.development} />}
        </div>
      )}
      {items.length > 0 && (
        <ul class="cards" aria-label={t('engagements.title')}>
          {items.map((e) => (
            <li key={e.id} class="card">
              <a href={`/e/${e.id}`}>
                <strong>{e.name}</strong>
              </a>
              <span>{e.client}</span>
              <span class="badge">{t(`common:phase.${e.currentPhase}`)}</span>
              <small>
                {t('engagements.started')} {formatDate(e.startedAt)}
              </small>
            </li>
          ))}
        </ul>
      )}
      {engagements.hasNextPage && (
        <button type="button" class="secondary" onClick={() => void engagements.fetchNextPage()}>
          {t('engagements.more')}
        </button>
      )}
      {mayStart && <StartEngagement />}
    </div>
  );
}

const StartEngagement = () => {
  const { t } = useT('home');
  const { route } = useLocation();
  const [form, setForm] = useState({ name: '', client: '', sponsorName: '', sponsorTitle: '', goals: '', successCriteria: '' });
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const field = (key: keyof typeof form) => ({
    value: form[key],
    onInput: (e: Event) => setForm({ ...form, [key]: (e.target as HTMLInputElement).value }),
  });
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const started = await post('/engagements', {
        name: form.name,
        client: form.client,
        sponsor: { name: form.sponsorName, title: form.sponsorTitle },
        goals: lines(form.goals),
        successCriteria: lines(form.successCriteria),
      });
      route(`/e/${started.id}`);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <details class="panel">
      <summary>{t('engagements.start')}</summary>
      <form class="stack" onSubmit={(e) => void submit(e)}>
        <label>
          {t('engagements.name')}
          <input required maxLength={200} {...field('name')} aria-invalid={!!fieldError(error, '/name')} />
        </label>
        <label>
          {t('engagements.client')}
          <input required maxLength={200} {...field('client')} />
        </label>
        <div class="row">
          <label>
            {t('engagements.sponsorName')}
            <input required maxLength={200} {...field('sponsorName')} />
          </label>
          <label>
            {t('engagements.sponsorTitle')}
            <input required maxLength={200} {...field('sponsorTitle')} />
          </label>
        </div>
        <label>
          {t('engagements.goals')}
          <textarea rows={3} {...field('goals')} />
        </label>
        <label>
          {t('engagements.successCriteria')}
          <textarea rows={3} {...field('successCriteria')} />
        </label>
        <ProblemMessage error={error} />
        <button type="submit" class="primary" disabled={busy}>
          {t('common:actions.create')}
        </button>
      </form>
    </details>
  );
};
