/**
 * "What changed" between two instants, on the audit page: each change in words, with the events
 * behind it. Read from the log when asked (the service limits such reads per person).
 */
import { useQuery } from '@tanstack/preact-query';
import { useState } from 'preact/hooks';
import { get } from '../api.js';
import { ProblemMessage } from '../components/problem.js';
import { formatNumber, useT } from '../i18n.js';
import { queryString, shortHash } from '../pm/model.js';
import { instantOf, type Change, type Changes } from './model.js';
import { EventLine } from './why-this-rank.js';
import './proof.css';

type Between = { from: string; to?: string };

export const WhatChanged = ({ engagementId }: { engagementId: string }) => {
  const { t } = useT('proof');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [between, setBetween] = useState<Between | undefined>();
  const changes = useQuery({
    queryKey: ['changes', engagementId, between],
    queryFn: () => get<Changes>(`/engagements/${engagementId}/changes${queryString({ from: between!.from, to: between!.to })}`),
    enabled: between !== undefined,
    staleTime: 60_000,
    refetchOnWindowFocus: false,
    retry: false,
  });
  return (
    <section class="panel what-changed" aria-labelledby="what-changed">
      <h3 id="what-changed">{t('changes.title')}</h3>
      <form
        class="window"
        onSubmit={(event) => {
          event.preventDefault();
          const start = instantOf(from);
          if (start) setBetween({ from: start, to: instantOf(to) });
        }}
      >
        <label>
          {t('changes.from')}
          <input type="datetime-local" step={1} required value={from} onInput={(event) => setFrom((event.target as HTMLInputElement).value)} />
        </label>
        <label>
          {t('changes.to')}
          <input type="datetime-local" step={1} value={to} onInput={(event) => setTo((event.target as HTMLInputElement).value)} />
        </label>
        <button type="submit" class="secondary">
          {t('changes.show')}
        </button>
      </form>
      {changes.isError && <ProblemMessage error={changes.error} />}
      {changes.isLoading && <p class="loading">{t('common:actions.loading')}</p>}
      {changes.data && changes.data.changes.length === 0 && <p class="empty">{t('changes.empty')}</p>}
      {changes.data && changes.data.changes.length > 0 && (
        <ol class="change-list" aria-live="polite">
          {changes.data.changes.map((change, index) => (
            <li key={`${change.kind}-${index}`}>
              <ChangeText change={change} />
              <ul class="events" aria-label={t('changes.events')}>
                {change.events.map((event) => (
                  <li key={event.eventId}>
                    <EventLine event={event} />
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
};

const ChangeText = ({ change: c }: { change: Change }) => {
  const { t } = useT('proof');
  const none = t('none');
  const tier = (value: string | null) => (value === null ? t('notRanked') : t(`common:tier.${value}`));
  const status = (value: string | null) => (value === null ? none : t(`common:requirementStatus.${value}`));
  const number = (value: number | null) => (value === null ? none : formatNumber(value));
  const role = (value: string | null) => (value === null ? none : t(`common:roles.${value}`));
  const words = (() => {
    switch (c.kind) {
      case 'requirement-added':
        return { title: c.title };
      case 'requirement-revised':
        return { title: c.title, fields: c.fields.map((f) => t(`changes.field.${f}`)).join(', ') };
      case 'requirement-rescored':
        return { title: c.title, from: number(c.score.from), to: number(c.score.to) };
      case 'requirement-decided':
        return { title: c.title, from: status(c.status.from), to: status(c.status.to) };
      case 'requirement-retiered':
        return { title: c.title, from: tier(c.tier.from), to: tier(c.tier.to), rankFrom: number(c.rank.from), rankTo: number(c.rank.to) };
      case 'readiness-recorded':
        return {
          item: t(`common:readiness.${c.item}`),
          from: c.status.from === null ? t('common:readinessStatus.not-assessed') : t(`common:readinessStatus.${c.status.from}`),
          to: c.status.to === null ? none : t(`common:readinessStatus.${c.status.to}`),
        };
      case 'phase-advanced':
        return { from: t(`common:phase.${c.phase.from}`), to: t(`common:phase.${c.phase.to}`) };
      case 'summary-confirmed':
        return { version: c.summaryVersion, hash: shortHash(c.summaryHash) };
      case 'summary-revision-requested':
        return { version: c.summaryVersion };
      case 'member-added':
      case 'member-changed':
      case 'member-removed':
        return { name: c.name, from: role(c.role.from), to: role(c.role.to) };
      case 'goal-added':
        return { text: c.text };
      case 'target-added':
      case 'target-revised':
      case 'measurement-recorded':
        return { status: c.status === null ? none : t(`changes.scorecard.${c.status}`) };
    }
  })();
  return (
    <span class="change">
      {t(`changes.kind.${c.kind}`, words)}
      {c.kind === 'phase-advanced' && c.waiver && (
        <small class="block">
          <span class="badge warn">{t('pmo:waiver')}</span> {t('changes.waiver', { reason: c.waiver.reason, count: c.waiver.unmetConditions.length })}
        </small>
      )}
    </span>
  );
};
