/**
 * The engagement's goals (docs/domain.md#goals): goals with their success targets – added, revised
 * with a reason, measured after go-live – the scorecard, the goal matrix, complexity with its
 * inputs, the business case with its figures, and who has not been heard. Project managers get the
 * forms; everyone who reads the progress sees the rest.
 */
import { useState } from 'preact/hooks';
import { EngagementNav } from '../components/engagement-nav.js';
import { ProblemMessage } from '../components/problem.js';
import { FieldError, ProblemWithNextStep } from '../consultant/problem-next-step.js';
import { useCommand } from '../consultant/use-command.js';
import { useAbilities } from '../consultant/documents.js';
import { BusinessCasePanel } from '../goals/business-case.js';
import { Hearing } from '../goals/hearing.js';
import { useGoalMatrix, useGoalsProgress, type GoalsProgress, type ScorecardLine, type ScorecardStatus } from '../goals/model.js';
import { formatDate, formatDateTime, formatNumber, useT } from '../i18n.js';
import '../consultant/consultant.css';
import '../goals/goals.css';

export default function Goals({ id }: { id: string }) {
  const { t } = useT('goals');
  const progress = useGoalsProgress(id);
  const { pm } = useAbilities(id);
  return (
    <div class="page consultant goals-page">
      <EngagementNav id={id} />
      <h2>{t('title')}</h2>
      {progress.isError && <ProblemMessage error={progress.error} onRetry={() => void progress.refetch()} />}
      {progress.isPending && <p class="loading">{t('common:actions.loading')}</p>}
      {progress.data && (
        <>
          <Scorecard progress={progress.data} />
          <GoalList id={id} progress={progress.data} pm={pm} />
          <Matrix id={id} />
          <Complexity id={id} progress={progress.data} />
          <BusinessCasePanel id={id} businessCase={progress.data.businessCase ?? null} pm={pm} />
          <Hearing id={id} progress={progress.data} pm={pm} />
        </>
      )}
    </div>
  );
}

const TONE: Record<ScorecardStatus, string> = { met: 'good', 'not-met': 'bad', pending: 'warn' };

const Scorecard = ({ progress }: { progress: GoalsProgress }) => {
  const { t } = useT('goals');
  const s = progress.scorecard;
  const counts: Array<[ScorecardStatus, number]> = [
    ['met', s.met],
    ['not-met', s.notMet],
    ['pending', s.pending],
  ];
  return (
    <section class="panel" aria-labelledby="scorecard">
      <h2 id="scorecard">{t('scorecard.title')}</h2>
      <dl class="counters">
        {counts.map(([status, count]) => (
          <div key={status} class={`scorecard-${status}`}>
            <dt>{t(`scorecard.${status}`)}</dt>
            <dd>{formatNumber(count)}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
};

const GoalList = ({ id, progress, pm }: { id: string; progress: GoalsProgress; pm: boolean }) => {
  const { t } = useT('goals');
  const live = progress.currentPhase === 'go-live';
  return (
    <section class="panel" aria-labelledby="goals">
      <h2 id="goals">{t('goals.title')}</h2>
      {progress.goals.length === 0 && <p class="empty">{t('goals.empty')}</p>}
      <ol class="goal-list">
        {progress.goals.map((goal) => {
          const targets = progress.scorecard.targets.filter((target) => target.goalId === goal.goalId);
          return (
            <li key={goal.goalId} class="goal">
              <h3>{goal.text}</h3>
              {targets.length === 0 && <p class="hint">{t('goals.noTargets')}</p>}
              <ul class="targets">
                {targets.map((target) => (
                  <Target key={target.targetId} id={id} target={target} pm={pm} live={live} />
                ))}
              </ul>
              {pm && !live && <AddTarget id={id} goalId={goal.goalId} goal={goal.text} />}
            </li>
          );
        })}
      </ol>
      {pm && !live && <AddGoal id={id} />}
    </section>
  );
};

const Target = ({ id, target, pm, live }: { id: string; target: ScorecardLine; pm: boolean; live: boolean }) => {
  const { t } = useT('goals');
  const number = (value: number) => formatNumber(value, { maximumFractionDigits: 4 });
  return (
    <li class="target">
      <div class="target-head">
        <strong>{target.metric}</strong>
        <span class={`badge ${TONE[target.status]}`}>{t(`scorecard.${target.status}`)}</span>
      </div>
      <p>
        {t(`target.direction.${target.direction}`)}: {t('target.fromTo', { baseline: number(target.baseline), target: number(target.target), unit: target.unit })}
        <br />
        <small>{t('target.by', { date: formatDate(`${target.horizon}T00:00:00Z`), owner: target.owner })}</small>
      </p>
      {target.measurements.length > 0 && (
        <div>
          <h4>{t('target.measurements')}</h4>
          <ul>
            {target.measurements.map((m) => (
              <li key={m.measurementId}>
                {t('target.measurement', { value: number(m.value), unit: target.unit, date: formatDateTime(m.measuredAt) })}
                {m.note && <small> · {m.note}</small>}
              </li>
            ))}
          </ul>
        </div>
      )}
      {pm && <ReviseTarget id={id} target={target} />}
      {pm && (live ? <Measure id={id} target={target} /> : <p class="hint">{t('target.measureAfterGoLive')}</p>)}
    </li>
  );
};

const input = (value: string, set: (v: string) => void) => ({ value, onInput: (e: Event) => set((e.target as HTMLInputElement).value) });

const AddGoal = ({ id }: { id: string }) => {
  const { t } = useT('goals');
  const { error, busy, run } = useCommand([['progress', id], ['goal-matrix', id], ['engagement', id]]);
  const [text, setText] = useState('');
  const submit = async (e: Event) => {
    e.preventDefault();
    if (await run(`/engagements/${id}/goals`, { text: text.trim() })) setText('');
  };
  return (
    <details class="panel inner">
      <summary>{t('goals.add')}</summary>
      <form class="stack" onSubmit={(e) => void submit(e)}>
        <label>
          {t('goals.text')}
          <input required maxLength={1000} {...input(text, setText)} />
          <FieldError error={error} path="/text" />
        </label>
        <ProblemWithNextStep error={error} />
        <button type="submit" class="primary" disabled={busy || !text.trim()}>
          {t('goals.addSubmit')}
        </button>
      </form>
    </details>
  );
};

type TargetDraft = { metric: string; unit: string; baseline: string; target: string; horizon: string; owner: string };
const EMPTY_TARGET: TargetDraft = { metric: '', unit: '', baseline: '', target: '', horizon: '', owner: '' };

const TargetFields = ({ draft, set, error, required }: { draft: TargetDraft; set: (d: TargetDraft) => void; error: unknown; required: boolean }) => {
  const { t } = useT('goals');
  const field = (key: keyof TargetDraft) => input(draft[key], (value) => set({ ...draft, [key]: value }));
  return (
    <>
      <div class="row">
        <label>
          {t('target.metric')}
          <input required={required} maxLength={200} {...field('metric')} />
          <FieldError error={error} path="/metric" />
        </label>
        <label>
          {t('target.unit')}
          <input required={required} maxLength={50} {...field('unit')} />
          <FieldError error={error} path="/unit" />
        </label>
        <label>
          {t('target.owner')}
          <input required={required} maxLength={200} {...field('owner')} />
          <FieldError error={error} path="/owner" />
        </label>
      </div>
      <div class="row">
        <label>
          {t('target.baseline')}
          <input required={required} type="number" step="any" inputMode="decimal" {...field('baseline')} />
          <FieldError error={error} path="/baseline" />
        </label>
        <label>
          {t('target.target')}
          <input required={required} type="number" step="any" inputMode="decimal" {...field('target')} />
          <FieldError error={error} path="/target" />
        </label>
        <label>
          {t('target.horizon')}
          <input required={required} type="date" {...field('horizon')} />
          <FieldError error={error} path="/horizon" />
        </label>
      </div>
    </>
  );
};

/** The fields a person filled in, numbers as numbers; empty ones are left out. */
const filled = (draft: TargetDraft) =>
  Object.fromEntries(
    Object.entries(draft)
      .filter(([, value]) => value.trim() !== '')
      .map(([key, value]) => [key, key === 'baseline' || key === 'target' ? Number(value) : value.trim()]),
  );

const AddTarget = ({ id, goalId, goal }: { id: string; goalId: string; goal: string }) => {
  const { t } = useT('goals');
  const { error, busy, run } = useCommand([['progress', id]]);
  const [draft, setDraft] = useState(EMPTY_TARGET);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (await run(`/engagements/${id}/goals/${encodeURIComponent(goalId)}/targets`, filled(draft))) setDraft(EMPTY_TARGET);
  };
  return (
    <details class="inner">
      <summary>{t('target.add', { goal })}</summary>
      <form class="stack" onSubmit={(e) => void submit(e)}>
        <TargetFields draft={draft} set={setDraft} error={error} required />
        <ProblemWithNextStep error={error} />
        <button type="submit" class="primary" disabled={busy}>
          {t('target.addSubmit')}
        </button>
      </form>
    </details>
  );
};

const ReviseTarget = ({ id, target }: { id: string; target: ScorecardLine }) => {
  const { t } = useT('goals');
  const { error, busy, run } = useCommand([['progress', id]]);
  const [draft, setDraft] = useState(EMPTY_TARGET);
  const [reason, setReason] = useState('');
  const submit = async (e: Event) => {
    e.preventDefault();
    if (await run(`/engagements/${id}/targets/${encodeURIComponent(target.targetId)}/revise`, { ...filled(draft), reason: reason.trim() })) {
      setDraft(EMPTY_TARGET);
      setReason('');
    }
  };
  return (
    <details class="inner">
      <summary>{t('target.revise', { metric: target.metric })}</summary>
      <form class="stack" onSubmit={(e) => void submit(e)}>
        <p class="hint">{t('target.reviseHint')}</p>
        <TargetFields draft={draft} set={setDraft} error={error} required={false} />
        <label>
          {t('target.reason')}
          <input required maxLength={2000} {...input(reason, setReason)} />
          <FieldError error={error} path="/reason" />
        </label>
        <ProblemWithNextStep error={error} />
        <button type="submit" class="primary" disabled={busy || !reason.trim()}>
          {t('target.reviseSubmit')}
        </button>
      </form>
    </details>
  );
};

const Measure = ({ id, target }: { id: string; target: ScorecardLine }) => {
  const { t } = useT('goals');
  const { error, busy, run } = useCommand([['progress', id]]);
  const [value, setValue] = useState('');
  const [measuredAt, setMeasuredAt] = useState('');
  const [note, setNote] = useState('');
  const submit = async (e: Event) => {
    e.preventDefault();
    const body = { value: Number(value), measuredAt: new Date(measuredAt).toISOString(), ...(note.trim() ? { note: note.trim() } : {}) };
    if (await run(`/engagements/${id}/targets/${encodeURIComponent(target.targetId)}/measurements`, body)) {
      setValue('');
      setNote('');
    }
  };
  return (
    <details class="inner">
      <summary>{t('target.measure', { metric: target.metric })}</summary>
      <form class="stack" onSubmit={(e) => void submit(e)}>
        <div class="row">
          <label>
            {t('target.value')} ({target.unit})
            <input required type="number" step="any" inputMode="decimal" {...input(value, setValue)} />
            <FieldError error={error} path="/value" />
          </label>
          <label>
            {t('target.measuredAt')}
            <input required type="datetime-local" {...input(measuredAt, setMeasuredAt)} />
            <FieldError error={error} path="/measuredAt" />
          </label>
        </div>
        <label>
          {t('target.note')}
          <input maxLength={2000} {...input(note, setNote)} />
        </label>
        <ProblemWithNextStep error={error} />
        <button type="submit" class="primary" disabled={busy || value === '' || !measuredAt}>
          {t('target.measureSubmit')}
        </button>
      </form>
    </details>
  );
};

const Matrix = ({ id }: { id: string }) => {
  const { t } = useT('goals');
  const matrix = useGoalMatrix(id);
  if (matrix.isError) return <ProblemMessage error={matrix.error} onRetry={() => void matrix.refetch()} />;
  if (!matrix.data) return null;
  const { goals, unservedGoalIds, requirementsServingNoGoal } = matrix.data;
  const textOf = new Map(goals.map((g) => [g.goalId, g.text]));
  return (
    <section class="panel" aria-labelledby="matrix">
      <h2 id="matrix">{t('matrix.title')}</h2>
      <div class="table-wrap">
        <table class="stacked">
          <thead>
            <tr>
              <th scope="col">{t('matrix.goal')}</th>
              <th scope="col">{t('matrix.requirements')}</th>
            </tr>
          </thead>
          <tbody>
            {goals.map((goal) => (
              <tr key={goal.goalId}>
                <th scope="row">{goal.text}</th>
                <td data-label={t('matrix.requirements')}>
                  {goal.requirements.length === 0 ? (
                    <span class="badge warn">{t('matrix.none')}</span>
                  ) : (
                    <ul class="plain">
                      {goal.requirements.map((r) => (
                        <li key={r.requirementId}>
                          <a href={`/r/${r.requirementId}`}>{r.title}</a>
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="row">
        <div>
          <h3>{t('matrix.unserved')}</h3>
          {unservedGoalIds.length === 0 ? (
            <p class="hint">{t('matrix.allServed')}</p>
          ) : (
            <ul>
              {unservedGoalIds.map((goalId) => (
                <li key={goalId}>{textOf.get(goalId) ?? goalId}</li>
              ))}
            </ul>
          )}
        </div>
        <div>
          <h3>{t('matrix.loose')}</h3>
          {requirementsServingNoGoal.length === 0 ? (
            <p class="hint">{t('matrix.allServing')}</p>
          ) : (
            <ul>
              {requirementsServingNoGoal.map((r) => (
                <li key={r.requirementId}>
                  <a href={`/r/${r.requirementId}`}>{r.title}</a>
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
    </section>
  );
};

const Complexity = ({ id, progress }: { id: string; progress: GoalsProgress }) => {
  const { t } = useT('goals');
  const c = progress.complexity;
  // Titles from the goal matrix, which lists every requirement that is not rejected.
  const matrix = useGoalMatrix(id).data;
  const titles = new Map([...(matrix?.goals.flatMap((g) => g.requirements) ?? []), ...(matrix?.requirementsServingNoGoal ?? [])].map((r) => [r.requirementId, r.title]));
  return (
    <section class="panel" aria-labelledby="complexity">
      <h2 id="complexity">{t('complexity.title')}</h2>
      <dl class="counters">
        <div>
          <dt>{t('complexity.functions')}</dt>
          <dd>{formatNumber(c.functions)}</dd>
        </div>
        <div>
          <dt>{t('complexity.departments')}</dt>
          <dd>{formatNumber(c.departments.length)}</dd>
        </div>
      </dl>
      <h3>{t('complexity.inputs')}</h3>
      {c.acceptedRequirements.length === 0 ? (
        <p class="hint">{t('complexity.noneAccepted')}</p>
      ) : (
        <ul>
          {c.acceptedRequirements.map((r) => (
            <li key={r.requirementId}>
              <a href={`/r/${r.requirementId}`}>{titles.get(r.requirementId) ?? r.requirementId}</a>: {r.departments.join(', ')}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
};
