/**
 * The engagement overview: the six phases as a timeline, the survey counters, the readiness
 * checklist (recorded by a project manager), and the next gate – its unmet conditions as a
 * checklist linking to where each is fixed, advancing, and a waiver only behind "pass anyway".
 */
import { useQuery } from '@tanstack/preact-query';
import { useState } from 'preact/hooks';
import { ApiError, get } from '../api.js';
import { EngagementNav, useEngagement, type EngagementDocument } from '../components/engagement-nav.js';
import { fieldError, ProblemMessage } from '../components/problem.js';
import { FieldError, ProblemWithNextStep } from '../consultant/problem-next-step.js';
import { useCommand } from '../consultant/use-command.js';
import { PHASES, READINESS_ITEMS, useAbilities, useInterviews, useProgress, type GateCondition, type Progress } from '../consultant/documents.js';
import { Hearing } from '../goals/hearing.js';
import type { GoalsProgress } from '../goals/model.js';
import { formatDate, formatDateTime, formatNumber, useT } from '../i18n.js';
import '../consultant/consultant.css';

export default function EngagementOverview({ id }: { id: string }) {
  const { t } = useT('consultant');
  const progress = useProgress(id);
  const engagement = useEngagement(id);
  const { pm } = useAbilities(id);
  return (
    <div class="page consultant">
      <EngagementNav id={id} />
      {engagement.isError && <ProblemMessage error={engagement.error} onRetry={() => void engagement.refetch()} />}
      {engagement.data && <Purpose engagement={engagement.data} />}
      {progress.isError && <ProblemMessage error={progress.error} onRetry={() => void progress.refetch()} />}
      {progress.isPending && <p class="loading">{t('common:actions.loading')}</p>}
      {progress.data && (
        <>
          <Timeline progress={progress.data} />
          <Survey progress={progress.data} />
          <NextGate id={id} progress={progress.data} pm={pm} />
          <Hearing id={id} progress={progress.data as GoalsProgress} pm={pm} compact />
          <Readiness id={id} progress={progress.data} pm={pm} />
        </>
      )}
    </div>
  );
}

const Purpose = ({ engagement }: { engagement: EngagementDocument }) => {
  const { t } = useT('consultant');
  return (
    <section class="purpose" aria-label={t('overview.goals')}>
      <p>{t('overview.sponsor', { name: engagement.sponsor.name, title: engagement.sponsor.title })}</p>
      {engagement.goals.length > 0 && (
        <div>
          <h2>{t('overview.goals')}</h2>
          <ul>
            {engagement.goals.map((goal) => (
              <li key={goal}>{goal}</li>
            ))}
          </ul>
        </div>
      )}
      {engagement.successCriteria.length > 0 && (
        <div>
          <h2>{t('overview.successCriteria')}</h2>
          <ul>
            {engagement.successCriteria.map((criterion) => (
              <li key={criterion}>{criterion}</li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
};

const Timeline = ({ progress }: { progress: Progress }) => {
  const { t } = useT('consultant');
  return (
    <section class="panel" aria-labelledby="timeline">
      <h2 id="timeline">{t('overview.timeline')}</h2>
      <ol class="timeline">
        {progress.phases.map((p) => (
          <li key={p.phase} class={`phase ${p.status}`} aria-current={p.status === 'active' ? 'step' : undefined}>
            <strong>{t(`common:phase.${p.phase}`)}</strong>
            <span class={`badge ${p.status === 'completed' ? 'good' : p.status === 'active' ? '' : 'muted'}`}>{t(`common:phaseStatus.${p.status}`)}</span>
            {p.startedAt && <small>{t('overview.started', { date: formatDate(p.startedAt) })}</small>}
            {p.completedAt && <small>{t('overview.completed', { date: formatDate(p.completedAt) })}</small>}
            {p.waiver && (
              <div class="waiver">
                <span class="badge warn">{t('overview.waived')}</span>
                <small>{t('overview.waiverBy', { name: p.waiver.by.name, date: formatDate(p.waiver.at), reason: p.waiver.reason })}</small>
                <small>{t('overview.waivedConditions', { count: p.waiver.unmetConditions.length })}</small>
              </div>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
};

const Survey = ({ progress }: { progress: Progress }) => {
  const { t } = useT('consultant');
  const s = progress.survey;
  const counters: Array<[string, number]> = [
    ['scheduled', s.interviews.scheduled],
    ['conducted', s.interviews.conducted],
    ['cancelled', s.interviews.cancelled],
    ['sent', s.summaries.sent],
    ['confirmed', s.summaries.confirmed],
    ['awaiting', s.summaries.awaitingConfirmation],
    ['findings', s.findings],
    ['requirements', s.requirements.total],
    ['prioritized', s.requirements['prioritized'] ?? 0],
    ['accepted', s.requirements['accepted'] ?? 0],
  ];
  return (
    <section class="panel" aria-labelledby="survey">
      <h2 id="survey">{t('overview.survey')}</h2>
      <dl class="counters">
        {counters.map(([key, value]) => (
          <div key={key}>
            <dt>{t(`overview.counters.${key}`)}</dt>
            <dd>{formatNumber(value)}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
};

/**
 * The conditions shown before advancing mirror the gates from the reads (so a project manager can
 * work through them); the service decides when advancing, and its own list replaces this one.
 */
const useGatePreview = (id: string, progress: Progress): GateCondition[] => {
  const from = progress.currentPhase;
  const interviews = useInterviews(id);
  const backlog = useQuery({
    queryKey: ['backlog', id, 'captured'],
    queryFn: () => get<{ items: Array<{ id: string; title: string }> }>(`/engagements/${id}/backlog?status=captured&limit=200`),
    enabled: from === 'business-survey',
  });
  if (from === 'business-survey') {
    const { gateOptions = [], hearing } = progress as Partial<GoalsProgress>;
    const departmentsRequired = gateOptions.some((g) => g.phase === from && g.require.includes('departments-heard'));
    return [
      ...(departmentsRequired ? (hearing?.notHeard ?? []) : []).map((department) => ({ rule: 'department-not-heard' as const, subjectId: department })),
      ...(interviews.data?.items ?? [])
        .filter((i) => i.status !== 'cancelled' && i.status !== 'confirmed')
        .map((i) => ({ rule: 'interview-not-confirmed' as const, subjectId: i.id })),
      ...(backlog.data?.items ?? []).map((r) => ({ rule: 'requirement-not-prioritized' as const, subjectId: r.id })),
    ];
  }
  if (from === 'process-solidification') {
    return progress.readiness
      .filter((r) => r.status !== 'met' && r.status !== 'not-applicable')
      .map((r) => ({ rule: 'readiness-item-not-met' as const, subjectId: r.item }));
  }
  return [];
};

const NextGate = ({ id, progress, pm }: { id: string; progress: Progress; pm: boolean }) => {
  const { t } = useT('consultant');
  const interviews = useInterviews(id);
  const preview = useGatePreview(id, progress);
  const { error, busy, run } = useCommand([['progress', id], ['engagement', id]]);
  const [reason, setReason] = useState('');
  const [done, setDone] = useState<string>();
  const index = PHASES.indexOf(progress.currentPhase);
  const next = PHASES[index + 1];
  const names = new Map((interviews.data?.items ?? []).map((i) => [i.id, i.interviewee.name]));
  if (!next) return <section class="panel"><p>{t('overview.finalPhase')}</p></section>;

  const advance = async (waiverReason?: string) => {
    if (await run(`/engagements/${id}/phase/advance`, waiverReason ? { to: next, waiverReason } : { to: next })) {
      setReason('');
      setDone(next);
    }
  };
  // The service's own list of unmet conditions, when it refused to advance.
  const refused =
    error instanceof ApiError && error.problem.code === 'gate-not-satisfied'
      ? (error.problem.details as { unmetConditions?: GateCondition[] } | undefined)?.unmetConditions
      : undefined;
  const conditions = refused ?? preview;
  const subject = (c: GateCondition) =>
    c.rule === 'readiness-item-not-met' ? t(`common:readiness.${c.subjectId}`) : c.rule === 'interview-not-confirmed' ? (names.get(c.subjectId) ?? c.subjectId) : c.subjectId;
  const href = (c: GateCondition) =>
    c.rule === 'interview-not-confirmed'
      ? `/i/${c.subjectId}`
      : c.rule === 'requirement-not-prioritized'
        ? `/r/${c.subjectId}`
        : c.rule === 'department-not-heard'
          ? `/e/${id}/goals#heard`
          : `#readiness-${c.subjectId}`;
  return (
    <section class="panel" aria-labelledby="gate">
      <h2 id="gate">{t('overview.gate', { from: t(`common:phase.${progress.currentPhase}`), to: t(`common:phase.${next}`) })}</h2>
      {done && <p role="status" class="badge good">{t('overview.advanced', { phase: t(`common:phase.${done}`) })}</p>}
      {conditions.length === 0 ? (
        <p>{t('overview.gateOpen')}</p>
      ) : (
        <>
          <h3>{t('overview.gateUnmet')}</h3>
          <p class="hint">{refused ? t('overview.gateFromService') : t('overview.gateFromReads')}</p>
          <ul class="checklist">
            {conditions.map((c) => (
              <li key={`${c.rule}:${c.subjectId}`}>
                <span aria-hidden="true">☐</span> <a href={href(c)}>{t(`overview.rule.${c.rule}`, { subject: subject(c) })}</a>
              </li>
            ))}
          </ul>
        </>
      )}
      {error !== undefined && (
        <>
          <ProblemWithNextStep error={error} />
        </>
      )}
      {pm && (
        <div class="stack">
          <button type="button" class="primary" disabled={busy} onClick={() => void advance()}>
            {t('overview.advance', { phase: t(`common:phase.${next}`) })}
          </button>
          {conditions.length > 0 && (
            <details class="waiver-form">
              <summary>{t('overview.passAnyway')}</summary>
              <form
                class="stack"
                onSubmit={(e) => {
                  e.preventDefault();
                  void advance(reason.trim());
                }}
              >
                <label>
                  {t('overview.waiverReason')}
                  <textarea
                    required
                    rows={3}
                    maxLength={2000}
                    value={reason}
                    aria-invalid={!!fieldError(error, '/waiverReason')}
                    aria-describedby="waiver-hint"
                    onInput={(e) => setReason((e.target as HTMLTextAreaElement).value)}
                  />
            <FieldError error={error} path="/waiverReason" />
                </label>
                <p id="waiver-hint" class="hint">{t('overview.waiverHint')}</p>
                <button type="submit" class="danger" disabled={busy || !reason.trim()}>
                  {t('overview.waiverSubmit')}
                </button>
              </form>
            </details>
          )}
        </div>
      )}
    </section>
  );
};

const Readiness = ({ id, progress, pm }: { id: string; progress: Progress; pm: boolean }) => {
  const { t } = useT('consultant');
  const [form, setForm] = useState({ item: READINESS_ITEMS[0] as string, status: 'met', evidence: '' });
  const { error, busy, run } = useCommand([['progress', id], ['engagement', id]]);
  const [saved, setSaved] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setSaved(false);
    if (await run(`/engagements/${id}/readiness`, { item: form.item, status: form.status, ...(form.evidence.trim() ? { evidence: form.evidence.trim() } : {}) })) {
      setSaved(true);
      setForm({ ...form, evidence: '' });
    }
  };
  const tone = (status: string) => (status === 'met' ? 'good' : status === 'not-met' ? 'bad' : status === 'not-applicable' ? '' : 'warn');
  return (
    <section class="panel" aria-labelledby="readiness">
      <h2 id="readiness">{t('overview.readiness')}</h2>
      <div class="table-wrap">
        <table class="stacked">
          <thead>
            <tr>
              <th scope="col">{t('overview.item')}</th>
              <th scope="col">{t('overview.status')}</th>
              <th scope="col">{t('overview.evidence')}</th>
              <th scope="col">{t('overview.recorded')}</th>
            </tr>
          </thead>
          <tbody>
            {progress.readiness.map((r) => (
              <tr key={r.item} id={`readiness-${r.item}`}>
                <th scope="row">{t(`common:readiness.${r.item}`)}</th>
                <td data-label={t('overview.status')}>
                  <span class={`badge ${tone(r.status)}`}>{t(`common:readinessStatus.${r.status}`)}</span>
                </td>
                <td data-label={t('overview.evidence')}>{r.evidence ?? '–'}</td>
                <td data-label={t('overview.recorded')}>{r.recordedAt ? t('overview.recordBy', { name: r.recordedBy?.name ?? '', date: formatDateTime(r.recordedAt) }) : '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {pm && (
        <details class="panel inner">
          <summary>{t('overview.record')}</summary>
          <form class="stack" onSubmit={(e) => void submit(e)}>
            <div class="row">
              <label>
                {t('overview.item')}
                <select value={form.item} onChange={(e) => setForm({ ...form, item: (e.target as HTMLSelectElement).value })}>
                  {READINESS_ITEMS.map((item) => (
                    <option key={item} value={item}>
                      {t(`common:readiness.${item}`)}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                {t('overview.status')}
                <select value={form.status} onChange={(e) => setForm({ ...form, status: (e.target as HTMLSelectElement).value })}>
                  {['met', 'not-met', 'not-applicable'].map((s) => (
                    <option key={s} value={s}>
                      {t(`common:readinessStatus.${s}`)}
                    </option>
                  ))}
                </select>
              </label>
            </div>
            <label>
              {t('overview.evidence')}
              <textarea rows={2} maxLength={2000} value={form.evidence} aria-invalid={!!fieldError(error, '/evidence')} onInput={(e) => setForm({ ...form, evidence: (e.target as HTMLTextAreaElement).value })} />
            <FieldError error={error} path="/evidence" />
            </label>
            <ProblemWithNextStep error={error} />
            {saved && <p role="status">{t('overview.recorded_ok')}</p>}
            <button type="submit" class="primary" disabled={busy}>
              {t('overview.recordSave')}
            </button>
          </form>
        </details>
      )}
    </section>
  );
};
