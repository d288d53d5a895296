/**
 * Who has not been heard (docs/domain.md#departments-heard): every department the team, the
 * interviews and the requirements name, whether it was interviewed and heard, and – for a project
 * manager while the business survey is ahead or under way – whether leaving it requires every named
 * department heard. Shown on the goals page and, compact, on the overview next to the gate.
 */
import { useState } from 'preact/hooks';
import { FieldError, ProblemWithNextStep } from '../consultant/problem-next-step.js';
import { useCommand } from '../consultant/use-command.js';
import { PHASES } from '../consultant/documents.js';
import { useT } from '../i18n.js';
import type { GoalsProgress } from './model.js';

const SURVEY = 'business-survey';

export const Hearing = ({ id, progress, pm, compact = false }: { id: string; progress: GoalsProgress; pm: boolean; compact?: boolean }) => {
  const { t } = useT('goals');
  const hearing = progress.hearing ?? { departments: [], notHeard: [] };
  const required = (progress.gateOptions ?? []).some((g) => g.phase === SURVEY && g.require.includes('departments-heard'));
  const surveyAhead = PHASES.indexOf(progress.currentPhase) <= PHASES.indexOf(SURVEY);
  return (
    <section class="panel" aria-labelledby={compact ? 'heard-compact' : 'heard'}>
      <h2 id={compact ? 'heard-compact' : 'heard'}>{t('heard.title')}</h2>
      {hearing.departments.length === 0 ? (
        <p class="empty">{t('heard.none')}</p>
      ) : hearing.notHeard.length === 0 ? (
        <p class="badge good">{t('heard.allHeard')}</p>
      ) : (
        <p class="badge warn">{t('heard.notHeard', { departments: hearing.notHeard.join(', ') })}</p>
      )}
      {surveyAhead && <p class="hint">{required ? t('heard.required') : t('heard.notRequired')}</p>}
      {!compact && hearing.departments.length > 0 && (
        <>
          <p class="hint">{t('heard.intro')}</p>
          <div class="table-wrap">
            <table class="stacked">
              <thead>
                <tr>
                  <th scope="col">{t('heard.department')}</th>
                  <th scope="col">{t('heard.namedBy')}</th>
                  <th scope="col">{t('heard.interviewed')}</th>
                  <th scope="col">{t('heard.heard')}</th>
                </tr>
              </thead>
              <tbody>
                {hearing.departments.map((d) => (
                  <tr key={d.department}>
                    <th scope="row">{d.department}</th>
                    <td data-label={t('heard.namedBy')}>
                      {[
                        d.namedBy.members.length > 0 && t('heard.members', { count: d.namedBy.members.length }),
                        d.namedBy.interviews.length > 0 && t('heard.interviews', { count: d.namedBy.interviews.length }),
                        d.namedBy.requirements.length > 0 && t('heard.requirements', { count: d.namedBy.requirements.length }),
                      ]
                        .filter(Boolean)
                        .join(' · ')}
                    </td>
                    <td data-label={t('heard.interviewed')}>{d.interviewed.length > 0 ? t('heard.yes') : t('heard.no')}</td>
                    <td data-label={t('heard.heard')}>
                      <span class={`badge ${d.heard ? 'good' : 'warn'}`}>{d.heard ? t('heard.yes') : t('heard.no')}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      {pm && surveyAhead && !compact && <GateChoice id={id} required={required} />}
    </section>
  );
};

const GateChoice = ({ id, required }: { id: string; required: boolean }) => {
  const { t } = useT('goals');
  const { error, busy, run } = useCommand([['progress', id]]);
  const [reason, setReason] = useState('');
  const submit = async (e: Event) => {
    e.preventDefault();
    if (await run(`/engagements/${id}/gate-conditions`, { phase: SURVEY, require: required ? [] : ['departments-heard'], reason: reason.trim() })) setReason('');
  };
  return (
    <details class="inner">
      <summary>{required ? t('heard.drop') : t('heard.require')}</summary>
      <form class="stack" onSubmit={(e) => void submit(e)}>
        <label>
          {t('heard.reason')}
          <input required maxLength={2000} value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
          <FieldError error={error} path="/reason" />
        </label>
        <ProblemWithNextStep error={error} />
        <button type="submit" class="primary" disabled={busy || !reason.trim()}>
          {required ? t('heard.drop') : t('heard.require')}
        </button>
      </form>
    </details>
  );
};
