/**
 * "Why this rank" on the requirement page: the score's arithmetic from the formula's own terms,
 * who set each input and when, the rank and the vital-few cut-off, and the events that moved the
 * requirement from one tier to the other – now or as of an instant. Read from the log, so it is
 * fetched only when opened (the service limits such reads per person).
 */
import { useQuery } from '@tanstack/preact-query';
import { useState } from 'preact/hooks';
import { get } from '../api.js';
import { ProblemMessage } from '../components/problem.js';
import { formatDateTime, formatNumber, useT } from '../i18n.js';
import { queryString } from '../pm/model.js';
import { actionOf, instantOf, type EventRef, type PriorityExplanation } from './model.js';
import './proof.css';

export const EventLine = ({ event }: { event: EventRef }) => {
  const { t } = useT('proof');
  const action = actionOf(event.type);
  return (
    <span class="event-ref">
      {t('event', { position: event.position, action: t(`pmo:action.${action}`, { defaultValue: action }), name: event.actor.name, at: formatDateTime(event.at) })}
    </span>
  );
};

export const WhyThisRank = ({ requirementId }: { requirementId: string }) => {
  const { t } = useT('proof');
  const [open, setOpen] = useState(false);
  const [local, setLocal] = useState('');
  const [asOf, setAsOf] = useState<string | undefined>();
  const explanation = useQuery({
    queryKey: ['requirement', requirementId, 'explanation', asOf],
    queryFn: () => get<PriorityExplanation>(`/requirements/${requirementId}/priority/explanation${queryString({ asOf })}`),
    enabled: open,
    staleTime: 60_000,
    refetchOnWindowFocus: false,
    retry: false,
  });
  const e = explanation.data;
  return (
    <details class="panel why-this-rank" onToggle={(event) => setOpen((event.currentTarget as HTMLDetailsElement).open)}>
      <summary>
        <h3 id="why-this-rank">{t('why.title')}</h3>
      </summary>
      <form
        class="row-inline as-of-form"
        onSubmit={(event) => {
          event.preventDefault();
          setAsOf(instantOf(local));
        }}
      >
        <label>
          {t('why.asOf')}
          <input type="datetime-local" step={1} value={local} onInput={(event) => setLocal((event.target as HTMLInputElement).value)} />
        </label>
        <button type="submit" class="secondary">
          {t('why.explain')}
        </button>
      </form>
      {explanation.isError && <ProblemMessage error={explanation.error} onRetry={() => void explanation.refetch()} />}
      {explanation.isLoading && <p class="loading">{t('common:actions.loading')}</p>}
      {e && <Explanation explanation={e} />}
    </details>
  );
};

const Explanation = ({ explanation: e }: { explanation: PriorityExplanation }) => {
  const { t } = useT('proof');
  const tier = (value: string | null) => (value === null ? t('notRanked') : t(`common:tier.${value}`));
  const rank = (value: number | null) => (value === null ? t('none') : formatNumber(value));
  const { ranking } = e;
  return (
    <div class="stack" aria-live="polite">
      <p class="hint">{t('why.shownAsOf', { at: formatDateTime(e.asOf) })}</p>
      {e.priority === null ? (
        <p class="empty">{t('why.notPrioritized')}</p>
      ) : (
        <>
          <div class="table-wrap">
            <table class="terms">
              <caption>{t('why.formula', { version: e.priority.formulaVersion })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('why.column.input')}</th>
                  <th scope="col">{t('why.column.value')}</th>
                  <th scope="col">{t('why.column.weight')}</th>
                  <th scope="col">{t('why.column.points')}</th>
                  <th scope="col">{t('why.column.setBy')}</th>
                </tr>
              </thead>
              <tbody>
                {e.priority.terms.map((term) => (
                  <tr key={term.input}>
                    <th scope="row">{t(`pm:inputs.${term.input}.label`)}</th>
                    <td>{formatNumber(term.value)}</td>
                    <td>× {formatNumber(term.weight)}</td>
                    <td>{formatNumber(term.points)}</td>
                    <td>{t('why.setBy', { name: term.setBy.actor.name, at: formatDateTime(term.setBy.at) })}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p class="arithmetic">
            {t('why.arithmetic', {
              sum: e.priority.terms.map((term) => `${formatNumber(term.value)}×${formatNumber(term.weight)}`).join(' + '),
              score: formatNumber(e.priority.score),
            })}
          </p>
          <p class="rationale">{e.priority.rationale}</p>
        </>
      )}
      <p class="rank">{ranking.rank === null ? t('why.rankNone', { ranked: ranking.ranked }) : t('why.rank', { rank: ranking.rank, ranked: ranking.ranked })}</p>
      {ranking.ranked > 0 && (
        <p class="cut">{t('why.cut', { count: ranking.vitalFewCount, ranked: ranking.ranked, score: ranking.cutOffScore === null ? t('none') : formatNumber(ranking.cutOffScore) })}</p>
      )}
      {ranking.tierReason && (
        <p class={`tier-reason ${ranking.tier === 'vital-few' ? 'good' : ''}`}>
          <strong>{tier(ranking.tier)}</strong> · {t(`why.reason.${ranking.tierReason}`, { count: ranking.vitalFewCount })}
        </p>
      )}
      <h4>{t('why.moves')}</h4>
      {e.moves.length === 0 ? (
        <p class="empty">{t('why.noMoves')}</p>
      ) : (
        <ol class="moves">
          {e.moves.map((move) => (
            <li key={move.event.eventId}>
              <strong>{t('why.move', { from: tier(move.tier.from), to: tier(move.tier.to), rankFrom: rank(move.rank.from), rankTo: rank(move.rank.to) })}</strong>
              <small class="block">
                <EventLine event={move.event} /> ·{' '}
                {move.event.subjectId === e.requirementId ? t('why.byThis') : <a href={`/r/${move.event.subjectId}`}>{t('why.byOther')}</a>}
              </small>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
};
