/**
 * One requirement: its sources, priority history, decisions and revisions; revising it,
 * prioritizing it with the five 20/80 inputs and a live score, and accepting, deferring or
 * rejecting it with a reason; why it has its rank.
 */
import { useQueryClient } from '@tanstack/preact-query';
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { priorityScore } from '../../../../domain/requirement/priority.js';
import { ApiError, newIdempotencyKey, post } from '../api.js';
import { EngagementNav } from '../components/engagement-nav.js';
import { fieldError, ProblemMessage } from '../components/problem.js';
import { formatDateTime, formatNumber, useT } from '../i18n.js';
import { CATEGORIES, PHASES, useRequirement, type PriorityInputs, type RequirementDocument } from '../pm/model.js';
import { Choice } from '../pm/choice.js';
import { InputList, SourceList } from '../pm/requirement-summary.js';
import { ChangeRequests } from '../pm/change-requests.js';
import { WhyThisRank } from '../proof/why-this-rank.js';
import { hasRole, useSession } from '../session.js';
import '../pm/pm.css';

export default function Requirement({ id }: { id: string }) {
  const { t } = useT('pm');
  const requirement = useRequirement(id);
  const session = useSession();
  const user = session.data?.user;
  const r = requirement.data;
  if (requirement.isError) return <ProblemMessage error={requirement.error} onRetry={() => void requirement.refetch()} />;
  if (!r) return <p class="loading">{t('common:actions.loading')}</p>;
  const mayDecide = hasRole(user, 'pm', 'admin');
  const mayRevise = hasRole(user, 'pm', 'consultant', 'admin') && r.status !== 'accepted';
  return (
    <div class="page requirement-page">
      <EngagementNav id={r.engagementId} />
      <p class="crumbs">
        <a href={`/e/${r.engagementId}/backlog`}>{t('requirement.backToBacklog')}</a>
      </p>
      <h2>{r.title}</h2>
      <p class="row-inline">
        <span class="badge">{t(`common:requirementStatus.${r.status}`)}</span>
        {r.tier && <span class={`badge ${r.tier === 'vital-few' ? 'good' : ''}`}>{t(`common:tier.${r.tier}`)}</span>}
        {r.priority && <span>{t('selected.score', { score: r.priority.score })}</span>}
        {r.targetPhase && <span>{t('requirement.targetPhaseIs', { phase: t(`common:phase.${r.targetPhase}`) })}</span>}
        <span class="hint">{t('common:terms.version', { version: r.version })}</span>
      </p>
      <section class="panel stack">
        <p class="description">{r.description}</p>
        <p>
          {t(`common:category.${r.category}`)} · {r.departments.join(', ')}
        </p>
        <h3>{t('sources.title')}</h3>
        <SourceList sources={r.sources} />
      </section>

      <WhyThisRank requirementId={r.id} />

      <ChangeRequests requirement={r} mayRaise={hasRole(user, 'pm', 'consultant', 'admin') && r.status !== 'rejected'} mayDecide={mayDecide} />

      {(mayDecide || mayRevise) && (
        <div class="requirement-actions">
          {mayDecide && <Prioritize requirement={r} />}
          {mayDecide && <Decide requirement={r} />}
          {mayRevise && <Revise requirement={r} />}
        </div>
      )}

      <section class="panel" aria-labelledby="priority-history">
        <h3 id="priority-history">{t('requirement.priorityHistory')}</h3>
        {r.priorityHistory.length === 0 ? (
          <p class="empty">{t('priority.none')}</p>
        ) : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('requirement.when')}</th>
                  <th scope="col">{t('requirement.who')}</th>
                  <th scope="col">{t('backlog.score')}</th>
                  <th scope="col">{t('priority.inputs')}</th>
                  <th scope="col">{t('prioritize.rationale')}</th>
                </tr>
              </thead>
              <tbody>
                {[...r.priorityHistory].reverse().map((p) => (
                  <tr key={p.position}>
                    <td>{formatDateTime(p.at)}</td>
                    <td>{p.by.name}</td>
                    <td>{formatNumber(p.score)}</td>
                    <td>
                      <InputList inputs={p.inputs} />
                    </td>
                    <td>{p.rationale}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section class="panel" aria-labelledby="decisions">
        <h3 id="decisions">{t('requirement.decisions')}</h3>
        {r.decisions.length === 0 ? (
          <p class="empty">{t('requirement.noDecisions')}</p>
        ) : (
          <ul class="history">
            {r.decisions.map((d, index) => (
              <li key={index}>
                <time dateTime={d.at}>{formatDateTime(d.at)}</time> <strong>{t(`common:requirementStatus.${d.status}`)}</strong>
                {d.targetPhase && ` → ${t(`common:phase.${d.targetPhase}`)}`} · {d.by.name}
                {d.reason && ` · ${d.reason}`}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section class="panel" aria-labelledby="revisions">
        <h3 id="revisions">{t('requirement.revisions')}</h3>
        {r.revisions.length === 0 ? (
          <p class="empty">{t('requirement.noRevisions')}</p>
        ) : (
          <ul class="history">
            {r.revisions.map((v, index) => (
              <li key={index}>
                <time dateTime={v.at}>{formatDateTime(v.at)}</time> {v.by.name} · {v.reason}
                <ul>
                  {Object.keys(v.changes).map((field) => (
                    <li key={field}>
                      {t(`revise.${field}`)}: <del>{show(v.previous[field])}</del> → <ins>{show(v.changes[field])}</ins>
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

const show = (value: unknown) => (Array.isArray(value) ? value.join(', ') : String(value ?? '–'));

/** A command form's state: busy, the problem, and one Idempotency-Key per attempt so a retry never records twice. */
const useCommand = (requirement: RequirementDocument) => {
  const client = useQueryClient();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const [key, setKey] = useState(newIdempotencyKey);
  const run = async (path: string, body: object) => {
    setBusy(true);
    setError(undefined);
    setDone(false);
    try {
      await post(path, body, { idempotencyKey: key, ifMatch: requirement.version });
      setKey(newIdempotencyKey());
      setDone(true);
      await Promise.all([
        client.invalidateQueries({ queryKey: ['requirement', requirement.id] }),
        client.invalidateQueries({ queryKey: ['backlog', requirement.engagementId] }),
        client.invalidateQueries({ queryKey: ['audit', requirement.engagementId] }),
      ]);
    } catch (failure) {
      // A refused command appended nothing: the next attempt is a new command.
      if (failure instanceof ApiError) setKey(newIdempotencyKey());
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, done, run };
};

/** What to do next after a domain refusal (409) or a stale version (412). */
const NextStep = ({ error }: { error: unknown }) => {
  const { t } = useT('pm');
  if (!(error instanceof ApiError) || (error.status !== 409 && error.status !== 412)) return null;
  const code = error.problem.code;
  const known = ['version-mismatch', 'engagement-closed', 'requirement-not-prioritized', 'requirement-already-accepted', 'requirement-already-deferred', 'requirement-rejected'];
  return <p class="next-step">{t(`next.${known.includes(code) ? code : 'other'}`)}</p>;
};

const Form = ({ title, children, error, done, onSubmit }: { title: string; children: ComponentChildren; error: unknown; done: boolean; onSubmit: () => void }) => {
  const { t } = useT('pm');
  return (
    <form
      class="panel stack"
      aria-label={title}
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      <h3>{title}</h3>
      {children}
      <ProblemMessage error={error} />
      <NextStep error={error} />
      {done && (
        <p class="done" role="status">
          {t('requirement.saved')}
        </p>
      )}
    </form>
  );
};

const LEVELS = [0, 1, 2, 3] as const;

const Prioritize = ({ requirement }: { requirement: RequirementDocument }) => {
  const { t } = useT('pm');
  const [inputs, setInputs] = useState<PriorityInputs>(
    requirement.priority?.inputs ?? { frequency: 0, lossIfMismanaged: 0, urgency: 0, fundSafety: false, stakeholderConcern: false },
  );
  const [rationale, setRationale] = useState('');
  const command = useCommand(requirement);
  const score = priorityScore(inputs);
  const level = (key: 'frequency' | 'lossIfMismanaged' | 'urgency') => (
    <label key={key}>
      {t(`inputs.${key}.label`)}
      <select value={inputs[key]} aria-describedby={`meaning-${key}`} onChange={(e) => setInputs({ ...inputs, [key]: Number((e.target as HTMLSelectElement).value) })}>
        {LEVELS.map((v) => (
          <option key={v} value={v}>
            {formatNumber(v)}
          </option>
        ))}
      </select>
      <small id={`meaning-${key}`}>{t(`inputs.${key}.meaning`)}</small>
      {fieldError(command.error, `/${key}`) && <span class="field-error">{fieldError(command.error, `/${key}`)}</span>}
    </label>
  );
  const flag = (key: 'fundSafety' | 'stakeholderConcern') => (
    <div key={key} class="flag">
      <label class="check">
        <input type="checkbox" checked={inputs[key]} aria-describedby={`meaning-${key}`} onChange={(e) => setInputs({ ...inputs, [key]: (e.target as HTMLInputElement).checked })} />
        {t(`inputs.${key}.label`)}
      </label>
      <small id={`meaning-${key}`}>{t(`inputs.${key}.meaning`)}</small>
    </div>
  );
  return (
    <Form title={t('prioritize.title')} error={command.error} done={command.done} onSubmit={() => void command.run(`/requirements/${requirement.id}/prioritize`, { ...inputs, rationale })}>
      <div class="row">
        {level('frequency')}
        {level('lossIfMismanaged')}
        {level('urgency')}
      </div>
      <div class="row">
        {flag('fundSafety')}
        {flag('stakeholderConcern')}
      </div>
      <p class="formula">{t('prioritize.formula')}</p>
      <p class="score-preview" aria-live="polite">
        {t('prioritize.preview')} <output aria-label={t('prioritize.preview')}>{formatNumber(score)}</output> / 15
      </p>
      <label>
        {t('prioritize.rationale')}
        <textarea required rows={2} maxLength={2000} value={rationale} aria-invalid={!!fieldError(command.error, '/rationale')} onInput={(e) => setRationale((e.target as HTMLTextAreaElement).value)} />
        {fieldError(command.error, '/rationale') && <span class="field-error">{fieldError(command.error, '/rationale')}</span>}
      </label>
      <button type="submit" class="primary" disabled={command.busy}>
        {t('prioritize.submit')}
      </button>
    </Form>
  );
};

const Decide = ({ requirement }: { requirement: RequirementDocument }) => {
  const { t } = useT('pm');
  const [decision, setDecision] = useState<'accept' | 'defer' | 'reject'>('accept');
  const [targetPhase, setTargetPhase] = useState<string>(requirement.targetPhase ?? 'system-deployment');
  const [reason, setReason] = useState('');
  const command = useCommand(requirement);
  const body = decision === 'accept' ? { targetPhase, ...(reason ? { reason } : {}) } : { reason };
  return (
    <Form title={t('decide.title')} error={command.error} done={command.done} onSubmit={() => void command.run(`/requirements/${requirement.id}/${decision}`, body)}>
      <fieldset>
        <legend>{t('decide.decision')}</legend>
        {(['accept', 'defer', 'reject'] as const).map((d) => (
          <label key={d} class="check">
            <input type="radio" name="decision" value={d} checked={decision === d} onChange={() => setDecision(d)} />
            {t(`decide.${d}`)}
          </label>
        ))}
      </fieldset>
      {decision === 'accept' && (
        <label>
          {t('decide.targetPhase')}
          <select value={targetPhase} onChange={(e) => setTargetPhase((e.target as HTMLSelectElement).value)}>
            {PHASES.map((p) => (
              <option key={p} value={p}>
                {t(`common:phase.${p}`)}
              </option>
            ))}
          </select>
          {fieldError(command.error, '/targetPhase') && <span class="field-error">{fieldError(command.error, '/targetPhase')}</span>}
        </label>
      )}
      <label>
        {decision === 'accept' ? t('decide.reasonOptional') : t('decide.reason')}
        <textarea rows={2} maxLength={2000} required={decision !== 'accept'} value={reason} aria-invalid={!!fieldError(command.error, '/reason')} onInput={(e) => setReason((e.target as HTMLTextAreaElement).value)} />
        {fieldError(command.error, '/reason') && <span class="field-error">{fieldError(command.error, '/reason')}</span>}
      </label>
      <button type="submit" class={decision === 'reject' ? 'danger' : 'primary'} disabled={command.busy}>
        {t(`decide.submit.${decision}`)}
      </button>
    </Form>
  );
};

const Revise = ({ requirement }: { requirement: RequirementDocument }) => {
  const { t } = useT('pm');
  const [form, setForm] = useState({ title: requirement.title, description: requirement.description, category: requirement.category, departments: requirement.departments.join(', ') });
  const [reason, setReason] = useState('');
  const command = useCommand(requirement);
  const departments = form.departments
    .split(/[,，]/)
    .map((d) => d.trim())
    .filter(Boolean);
  // Only what changed is sent, so the revision records exactly the fields that moved.
  const changes = {
    ...(form.title !== requirement.title ? { title: form.title } : {}),
    ...(form.description !== requirement.description ? { description: form.description } : {}),
    ...(form.category !== requirement.category ? { category: form.category } : {}),
    ...(departments.join('\n') !== requirement.departments.join('\n') ? { departments } : {}),
  };
  const field = (key: 'title' | 'description' | 'departments') => ({
    value: form[key],
    'aria-invalid': !!fieldError(command.error, `/${key}`),
    onInput: (e: Event) => setForm({ ...form, [key]: (e.target as HTMLInputElement).value }),
  });
  return (
    <details class="panel">
      <summary>{t('reviseForm.heading')}</summary>
      <Form title={t('reviseForm.heading')} error={command.error} done={command.done} onSubmit={() => void command.run(`/requirements/${requirement.id}/revise`, { ...changes, reason })}>
        <label>
          {t('revise.title')}
          <input required maxLength={200} {...field('title')} />
        </label>
        <label>
          {t('revise.description')}
          <textarea rows={3} required {...field('description')} />
        </label>
        <Choice label={t('revise.category')} value={form.category} values={CATEGORIES} group="category" onChange={(category) => setForm({ ...form, category })} />
        <label>
          {t('revise.departments')}
          <input {...field('departments')} />
          <small>{t('reviseForm.departmentsHint')}</small>
        </label>
        <label>
          {t('reviseForm.reason')}
          <textarea rows={2} required maxLength={2000} value={reason} aria-invalid={!!fieldError(command.error, '/reason')} onInput={(e) => setReason((e.target as HTMLTextAreaElement).value)} />
          {fieldError(command.error, '/reason') && <span class="field-error">{fieldError(command.error, '/reason')}</span>}
        </label>
        <button type="submit" class="primary" disabled={command.busy || Object.keys(changes).length === 0}>
          {t('reviseForm.submit')}
        </button>
      </Form>
    </details>
  );
};
