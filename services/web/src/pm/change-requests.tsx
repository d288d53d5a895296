/**
 * Change after sign-off on the requirement page (docs/domain.md#change-requests): the suspect mark
 * while a signed baseline holds an older version, the change requests with their decisions, raising
 * one (consultant, pm), approving or rejecting one (pm; never one's own approval – the API says so).
 */
import { useQuery } from '@tanstack/preact-query';
import { useState } from 'preact/hooks';
import { get } from '../api.js';
import { ProblemMessage } from '../components/problem.js';
import { useCommand } from '../consultant/use-command.js';
import { formatDateTime, useT } from '../i18n.js';
import type { Baseline } from '../pages/baselines.js';
import type { ChangeRequestRecord } from '../../../../projections/requirement-document.js';

// The read model's own type: the page shows what the projection writes.
export type ChangeRequest = ChangeRequestRecord;

export const ChangeRequests = ({
  requirement,
  mayRaise,
  mayDecide,
}: {
  requirement: { id: string; engagementId: string; changeRequests?: ChangeRequest[] };
  mayRaise: boolean;
  mayDecide: boolean;
}) => {
  const { t } = useT('baselines');
  const baselines = useQuery({ queryKey: ['baselines', requirement.engagementId], queryFn: () => get<{ items: Baseline[] }>(`/engagements/${requirement.engagementId}/baselines`) });
  const suspect = (baselines.data?.items ?? []).filter((b) => b.suspect && b.suspectBecause.some((m) => m.requirementId === requirement.id));
  const requests = requirement.changeRequests ?? [];
  return (
    <section class="panel stack" aria-labelledby="change-requests">
      <h3 id="change-requests">{t('changeRequests.title')}</h3>
      {suspect.map((b) => (
        <p key={b.id} class="problem suspect" role="status">
          <strong>{t('changeRequests.suspectMark')}</strong>{' '}
          <a href={`/e/${requirement.engagementId}/baselines`}>{b.name}</a>
        </p>
      ))}
      {requests.length === 0 && <p class="empty">{t('changeRequests.none')}</p>}
      {requests.length > 0 && (
        <ul class="change-requests">
          {requests.map((cr) => (
            <li key={cr.changeRequestId} data-status={cr.status}>
              <strong>{t(`changeRequests.status.${cr.status}`)}</strong>: {cr.description}
              <br />
              <small>
                {t('changeRequests.raised', { name: cr.raisedBy.name, at: formatDateTime(cr.raisedAt) })} · {t('changeRequests.reason')}: {cr.reason} · {t('changeRequests.impact')}: {cr.impact}
                {cr.decidedBy && ` · ${t('changeRequests.decided', { name: cr.decidedBy.name, at: formatDateTime(cr.decidedAt) })}${cr.decisionReason ? `: ${cr.decisionReason}` : ''}`}
              </small>
              {cr.status === 'raised' && mayDecide && <Decide requirement={requirement} changeRequestId={cr.changeRequestId} />}
            </li>
          ))}
        </ul>
      )}
      {mayRaise && <Raise requirement={requirement} />}
    </section>
  );
};

const Decide = ({ requirement, changeRequestId }: { requirement: { id: string; engagementId: string }; changeRequestId: string }) => {
  const { t } = useT('baselines');
  const { error, busy, run } = useCommand([['requirement', requirement.id], ['baselines', requirement.engagementId]]);
  const [reason, setReason] = useState('');
  const base = `/requirements/${requirement.id}/change-requests/${changeRequestId}`;
  return (
    <div class="stack">
      <ProblemMessage error={error} />
      <label>
        {t('changeRequests.decisionReason')}
        <input maxLength={2000} value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
      </label>
      <div class="row">
        <button type="button" disabled={busy} onClick={() => void run(`${base}/approve`, reason.trim() ? { reason: reason.trim() } : {})}>
          {t('changeRequests.approve')}
        </button>
        <button type="button" class="secondary" disabled={busy || !reason.trim()} onClick={() => void run(`${base}/reject`, { reason: reason.trim() })}>
          {t('changeRequests.reject')}
        </button>
      </div>
    </div>
  );
};

const Raise = ({ requirement }: { requirement: { id: string } }) => {
  const { t } = useT('baselines');
  const { error, busy, run } = useCommand([['requirement', requirement.id]]);
  const empty = { description: '', reason: '', impact: '', newDescription: '' };
  const [draft, setDraft] = useState(empty);
  const field = (key: keyof typeof draft) => ({ value: draft[key], onInput: (e: Event) => setDraft({ ...draft, [key]: (e.target as HTMLInputElement).value }) });
  const submit = async (e: Event) => {
    e.preventDefault();
    const body = { description: draft.description.trim(), reason: draft.reason.trim(), impact: draft.impact.trim(), changes: { description: draft.newDescription.trim() } };
    if (await run(`/requirements/${requirement.id}/change-requests`, body)) setDraft(empty);
  };
  return (
    <details>
      <summary>{t('changeRequests.raise')}</summary>
      <form class="stack" onSubmit={(e) => void submit(e)}>
        <ProblemMessage error={error} />
        <label>
          {t('changeRequests.description')}
          <input required maxLength={2000} {...field('description')} />
        </label>
        <label>
          {t('changeRequests.reason')}
          <input required maxLength={2000} {...field('reason')} />
        </label>
        <label>
          {t('changeRequests.impact')}
          <input required maxLength={2000} {...field('impact')} />
        </label>
        <label>
          {t('changeRequests.newDescription')}
          <textarea required {...field('newDescription')} />
        </label>
        <button type="submit" disabled={busy}>
          {t('changeRequests.raise')}
        </button>
      </form>
    </details>
  );
};
