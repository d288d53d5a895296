/**
 * The engagement's requirement specification (docs/domain.md#baselines): its baselines with their
 * signatories and sign-offs, suspect marks, the document to read or keep; a pm creates one, a
 * signatory signs it off or rejects it. A sign-off refused for an old sign-in offers to sign in again.
 */
import { useQuery } from '@tanstack/preact-query';
import { useState } from 'preact/hooks';
import { ApiError, get } from '../api.js';
import { EngagementNav } from '../components/engagement-nav.js';
import { ProblemMessage } from '../components/problem.js';
import { useAbilities } from '../consultant/documents.js';
import { useCommand } from '../consultant/use-command.js';
import { formatDateTime, useT } from '../i18n.js';
import type { BaselineDocument } from '../../../../projections/baseline-document.js';
import '../consultant/consultant.css';

// The read model's own type: the page shows what the projection writes.
export type Baseline = BaselineDocument;

const useBaselines = (id: string) => useQuery({ queryKey: ['baselines', id], queryFn: () => get<{ items: Baseline[] }>(`/engagements/${id}/baselines`) });

export default function Baselines({ id }: { id: string }) {
  const { t } = useT('baselines');
  const baselines = useBaselines(id);
  const { pm, user } = useAbilities(id);
  const items = baselines.data?.items ?? [];
  return (
    <div class="page consultant">
      <EngagementNav id={id} />
      <h2>{t('title')}</h2>
      <p class="hint">{t('intro')}</p>
      {baselines.isError && <ProblemMessage error={baselines.error} onRetry={() => void baselines.refetch()} />}
      {baselines.isSuccess && items.length === 0 && <p class="empty">{t('empty')}</p>}
      {items.map((baseline) => (
        <BaselineCard key={baseline.id} engagementId={id} baseline={baseline} userId={user?.id} />
      ))}
      {pm && <CreateBaseline id={id} />}
    </div>
  );
}

const BaselineCard = ({ engagementId, baseline, userId }: { engagementId: string; baseline: Baseline; userId: string | undefined }) => {
  const { t, language } = useT('baselines');
  const signatory = baseline.signatories.find((s) => s.userId === userId);
  const document = `/baselines/${baseline.id}/document?lang=${language}`;
  return (
    <section class="panel baseline" aria-labelledby={`baseline-${baseline.id}`} data-status={baseline.status}>
      <h3 id={`baseline-${baseline.id}`}>
        {baseline.name} · {t(`status.${baseline.status}`)}
      </h3>
      <p class="hint">
        {t('created', { name: baseline.createdBy.name, at: formatDateTime(baseline.createdAt) })} · {t('requirements', { count: baseline.requirements.length })} · {t('hash')}{' '}
        <code title={baseline.baselineHash}>{`${baseline.baselineHash.slice(0, 8)}…${baseline.baselineHash.slice(-4)}`}</code>
      </p>
      {baseline.suspect && (
        <div class="problem suspect" role="status">
          <strong>{t('suspect')}</strong>
          <ul>
            {baseline.suspectBecause.map((mark) => (
              <li key={mark.changeRequestId}>
                <a href={`/r/${mark.requirementId}`}>{t('suspectBecause', { changeRequestId: mark.changeRequestId, requirementId: mark.requirementId, at: formatDateTime(mark.at) })}</a>
              </li>
            ))}
          </ul>
        </div>
      )}
      {baseline.supersededBy && <p class="hint">{t('supersededBy')}</p>}
      <p>
        <a href={document} target="_blank" rel="noopener">
          {t('document')}
        </a>{' '}
        · <a href={`${document}&format=pdf`}>{t('pdf')}</a>
      </p>
      <h4>{t('signatories')}</h4>
      <ul class="signatories">
        {baseline.signatories.map((s) => (
          <li key={s.userId}>
            {s.name} ({s.userId}):{' '}
            {s.signOffs.length === 0 ? t('notSigned') : s.signOffs.map((o) => t('signedOff', { meaning: t(`meaning.${o.meaning}`), at: formatDateTime(o.at) })).join('; ')}
          </li>
        ))}
      </ul>
      {baseline.rejection && (
        <p>{t('rejectedBy', { name: baseline.rejection.by.name, at: formatDateTime(baseline.rejection.at), comments: baseline.rejection.comments })}</p>
      )}
      {signatory && baseline.status === 'awaiting-signatures' && <SignOffForm engagementId={engagementId} baseline={baseline} />}
    </section>
  );
};

const SignOffForm = ({ engagementId, baseline }: { engagementId: string; baseline: Baseline }) => {
  const { t } = useT('baselines');
  const { error, busy, run } = useCommand([['baselines', engagementId]]);
  const [comments, setComments] = useState('');
  const signInAgain = error instanceof ApiError && error.problem.code === 'reauthentication-required';
  const returnTo = encodeURIComponent(`/e/${engagementId}/baselines`);
  const sign = (meaning: 'approved' | 'reviewed') => void run(`/baselines/${baseline.id}/sign-off`, { meaning, baselineHash: baseline.baselineHash });
  return (
    <form class="stack" onSubmit={(e) => e.preventDefault()}>
      <p class="hint">{t('signHint')}</p>
      {signInAgain ? (
        <div class="problem" role="alert">
          <strong>{t('signInAgain')}</strong>
          <p>
            <a class="button" href={`/signin?returnTo=${returnTo}`}>
              {t('signInAgainAction')}
            </a>
          </p>
        </div>
      ) : (
        <ProblemMessage error={error} />
      )}
      <div class="row">
        <button type="button" disabled={busy} onClick={() => sign('approved')}>
          {t('approve')}
        </button>
        <button type="button" class="secondary" disabled={busy} onClick={() => sign('reviewed')}>
          {t('review')}
        </button>
      </div>
      <label>
        {t('comments')}
        <textarea maxLength={2000} value={comments} onInput={(e) => setComments((e.target as HTMLTextAreaElement).value)} />
      </label>
      <button type="button" class="secondary" disabled={busy || !comments.trim()} onClick={() => void run(`/baselines/${baseline.id}/reject`, { comments: comments.trim() })}>
        {t('reject')}
      </button>
    </form>
  );
};

const CreateBaseline = ({ id }: { id: string }) => {
  const { t } = useT('baselines');
  const { error, busy, run } = useCommand([['baselines', id]]);
  const [name, setName] = useState('');
  const [signatories, setSignatories] = useState('');
  const submit = async (e: Event) => {
    e.preventDefault();
    const ids = signatories.split('\n').map((s) => s.trim()).filter(Boolean);
    if (await run(`/engagements/${id}/baselines`, { name: name.trim(), signatories: ids })) {
      setName('');
      setSignatories('');
    }
  };
  return (
    <details class="panel">
      <summary>{t('create')}</summary>
      <form class="stack" onSubmit={(e) => void submit(e)}>
        <p class="hint">{t('createHint')}</p>
        <ProblemMessage error={error} />
        <label>
          {t('name')}
          <input required maxLength={200} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          {t('signatoryIds')}
          <textarea required value={signatories} onInput={(e) => setSignatories((e.target as HTMLTextAreaElement).value)} />
        </label>
        <button type="submit" disabled={busy}>
          {t('create')}
        </button>
      </form>
    </details>
  );
};
