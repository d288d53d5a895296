/**
 * The interview schedule of one engagement: every interview with its status, interviewee, time and
 * confirmation state; scheduling one (seed 000: interviewee, interviewers, time, place, method,
 * topics, preparation), rescheduling with a reason and cancelling with a reason.
 */
import { useState } from 'preact/hooks';
import { EngagementNav } from '../components/engagement-nav.js';
import { fieldError, ProblemMessage } from '../components/problem.js';
import { FieldError, ProblemWithNextStep } from '../consultant/problem-next-step.js';
import { useCommand } from '../consultant/use-command.js';
import { METHODS, TOPICS, useAbilities, useInterviews, type Interview } from '../consultant/documents.js';
import { localInputValue, fromLocalInput, lines } from '../consultant/forms.js';
import { formatDateTime, useT } from '../i18n.js';
import '../consultant/consultant.css';

const STATUS_TONE: Record<Interview['status'], string> = {
  scheduled: '',
  cancelled: 'muted',
  conducted: 'warn',
  'summary-drafted': 'warn',
  'summary-sent': 'warn',
  'revision-requested': 'bad',
  confirmed: 'good',
};

export default function InterviewSchedule({ id }: { id: string }) {
  const { t } = useT('consultant');
  const interviews = useInterviews(id);
  const { consultant } = useAbilities(id);
  const [status, setStatus] = useState('');
  const items = (interviews.data?.items ?? [])
    .filter((i) => !status || i.status === status)
    .sort((a, b) => a.scheduledAt.localeCompare(b.scheduledAt));
  return (
    <div class="page consultant">
      <EngagementNav id={id} />
      <div class="heading-row">
        <h2>{t('schedule.title')}</h2>
        <label class="inline">
          {t('schedule.filter')}
          <select value={status} onChange={(e) => setStatus((e.target as HTMLSelectElement).value)}>
            <option value="">{t('schedule.all')}</option>
            {Object.keys(STATUS_TONE).map((s) => (
              <option key={s} value={s}>
                {t(`common:interviewStatus.${s}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {interviews.isError && <ProblemMessage error={interviews.error} onRetry={() => void interviews.refetch()} />}
      {interviews.isPending && <p class="loading">{t('common:actions.loading')}</p>}
      {interviews.isSuccess && items.length === 0 && <p class="empty">{t('schedule.empty')}</p>}
      {items.length > 0 && (
        <div class="table-wrap">
          <table class="schedule stacked">
            <thead>
              <tr>
                <th scope="col">{t('schedule.when')}</th>
                <th scope="col">{t('schedule.interviewee')}</th>
                <th scope="col">{t('schedule.status')}</th>
                <th scope="col">{t('schedule.confirmation')}</th>
                <th scope="col">{t('schedule.method')}</th>
                {consultant && <th scope="col">{t('schedule.actions')}</th>}
              </tr>
            </thead>
            <tbody>
              {items.map((i) => (
                <tr key={i.id}>
                  <td data-label={t('schedule.when')}>
                    {formatDateTime(i.scheduledAt)}
                    <br />
                    <small>
                      {t('schedule.minutes', { count: i.durationMinutes })} · {i.location}
                    </small>
                  </td>
                  <th scope="row" data-label={t('schedule.interviewee')}>
                    <a href={`/i/${i.id}`} aria-label={t('schedule.open', { name: i.interviewee.name })}>
                      {i.interviewee.name}
                    </a>
                    <br />
                    <small>
                      {i.interviewee.department} · {i.interviewee.position}
                    </small>
                  </th>
                  <td data-label={t('schedule.status')}>
                    <span class={`badge ${STATUS_TONE[i.status]}`}>{t(`common:interviewStatus.${i.status}`)}</span>
                  </td>
                  <td data-label={t('schedule.confirmation')}>{t(`schedule.confirmationState.${i.confirmationState}`)}</td>
                  <td data-label={t('schedule.method')}>{t(`common:method.${i.method}`)}</td>
                  {consultant && (
                    <td data-label={t('schedule.actions')}>
                      <div class="cell-actions">
                      {i.status === 'scheduled' && (
                        <>
                          <Reschedule interview={i} engagementId={id} />
                          <Cancel interview={i} engagementId={id} />
                        </>
                      )}
                      </div>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {consultant && <ScheduleForm id={id} />}
    </div>
  );
}

/** The reads a change to an interview of this engagement shows up in. */
const scheduleReads = (engagementId: string) => [['interviews', engagementId], ['progress', engagementId]] as const;

const ScheduleForm = ({ id }: { id: string }) => {
  const { t } = useT('consultant');
  const { user } = useAbilities(id);
  const blank = () => ({
    name: '',
    department: '',
    position: '',
    phoneExt: '',
    userId: '',
    interviewers: user?.name ?? '',
    scheduledAt: '',
    durationMinutes: '60',
    location: '',
    method: 'in-person',
    topics: [] as string[],
    preparationNotes: '',
  });
  const [form, setForm] = useState(blank);
  const { error, busy, run } = useCommand(scheduleReads(id));
  const field = (key: Exclude<keyof ReturnType<typeof blank>, 'topics'>, path = `/${key}`) => ({
    value: form[key],
    onInput: (e: Event) => setForm({ ...form, [key]: (e.target as HTMLInputElement).value }),
    'aria-invalid': !!fieldError(error, path),
  });
  const optional = (value: string) => (value.trim() ? value.trim() : undefined);
  const submit = async (e: Event) => {
    e.preventDefault();
    const ok = await run(`/engagements/${id}/interviews`, {
      interviewee: {
        name: form.name.trim(),
        department: form.department.trim(),
        position: form.position.trim(),
        phoneExt: optional(form.phoneExt),
        userId: optional(form.userId),
      },
      interviewers: lines(form.interviewers),
      scheduledAt: fromLocalInput(form.scheduledAt),
      durationMinutes: Number(form.durationMinutes),
      location: form.location.trim(),
      method: form.method,
      topics: form.topics,
      preparationNotes: optional(form.preparationNotes),
    });
    if (ok) setForm(blank());
  };
  return (
    <details class="panel">
      <summary>{t('schedule.new')}</summary>
      <form class="stack" onSubmit={(e) => void submit(e)}>
        <div class="row">
          <label>
            {t('schedule.intervieweeName')}
            <input required maxLength={200} {...field('name', '/interviewee/name')} />
            <FieldError error={error} path="/interviewee/name" />
          </label>
          <label>
            {t('schedule.department')}
            <input required maxLength={200} {...field('department', '/interviewee/department')} />
            <FieldError error={error} path="/interviewee/department" />
          </label>
          <label>
            {t('schedule.position')}
            <input required maxLength={200} {...field('position', '/interviewee/position')} />
            <FieldError error={error} path="/interviewee/position" />
          </label>
          <label>
            {t('schedule.phoneExt')}
            <input maxLength={30} inputMode="tel" {...field('phoneExt', '/interviewee/phoneExt')} />
            <FieldError error={error} path="/interviewee/phoneExt" />
          </label>
          <label>
            {t('schedule.userId')}
            <input maxLength={200} autoComplete="off" {...field('userId', '/interviewee/userId')} />
            <FieldError error={error} path="/interviewee/userId" />
          </label>
        </div>
        <div class="row">
          <label>
            {t('schedule.scheduledAt')}
            <input type="datetime-local" required {...field('scheduledAt')} />
            <FieldError error={error} path="/scheduledAt" />
          </label>
          <label>
            {t('schedule.duration')}
            <input type="number" min={5} max={1440} step={5} required {...field('durationMinutes')} />
            <FieldError error={error} path="/durationMinutes" />
          </label>
          <label>
            {t('schedule.location')}
            <input required maxLength={500} {...field('location')} />
            <FieldError error={error} path="/location" />
          </label>
          <label>
            {t('schedule.method')}
            <select value={form.method} onChange={(e) => setForm({ ...form, method: (e.target as HTMLSelectElement).value })}>
              {METHODS.map((m) => (
                <option key={m} value={m}>
                  {t(`common:method.${m}`)}
                </option>
              ))}
            </select>
          </label>
        </div>
        <label>
          {t('schedule.interviewers')}
          <textarea required rows={2} {...field('interviewers')} />
            <FieldError error={error} path="/interviewers" />
        </label>
        <fieldset aria-invalid={!!fieldError(error, '/topics')}>
          <legend>{t('schedule.topics')}</legend>
          {TOPICS.map((topic) => (
            <label key={topic} class="check">
              <input
                type="checkbox"
                checked={form.topics.includes(topic)}
                onChange={(e) =>
                  setForm({ ...form, topics: (e.target as HTMLInputElement).checked ? [...form.topics, topic] : form.topics.filter((x) => x !== topic) })
                }
              />
              {t(`common:topic.${topic}`)}
            </label>
          ))}
          <FieldError error={error} path="/topics" />
        </fieldset>
        <label>
          {t('schedule.preparationNotes')}
          <textarea rows={3} maxLength={20000} aria-describedby="prep-hint" {...field('preparationNotes')} />
            <FieldError error={error} path="/preparationNotes" />
        </label>
        <p id="prep-hint" class="hint">{t('schedule.preparationHint')}</p>
        <ProblemWithNextStep error={error} />
        <button type="submit" class="primary" disabled={busy}>
          {t('schedule.submit')}
        </button>
      </form>
    </details>
  );
};

const Reschedule = ({ interview, engagementId }: { interview: Interview; engagementId: string }) => {
  const { t } = useT('consultant');
  const [form, setForm] = useState({ scheduledAt: localInputValue(interview.scheduledAt), location: '', reason: '' });
  const { error, busy, run } = useCommand(scheduleReads(engagementId));
  const submit = async (e: Event) => {
    e.preventDefault();
    await run(`/interviews/${interview.id}/reschedule`, {
      scheduledAt: fromLocalInput(form.scheduledAt),
      location: form.location.trim() || undefined,
      reason: form.reason.trim(),
    });
  };
  return (
    <details class="inline-form">
      <summary>{t('schedule.reschedule', { name: interview.interviewee.name })}</summary>
      <form class="stack" onSubmit={(e) => void submit(e)}>
        <label>
          {t('schedule.newTime')}
          <input type="datetime-local" required value={form.scheduledAt} onInput={(e) => setForm({ ...form, scheduledAt: (e.target as HTMLInputElement).value })} />
        </label>
        <label>
          {t('schedule.newLocation')}
          <input maxLength={500} value={form.location} onInput={(e) => setForm({ ...form, location: (e.target as HTMLInputElement).value })} />
        </label>
        <label>
          {t('schedule.reason')}
          <input required maxLength={2000} value={form.reason} onInput={(e) => setForm({ ...form, reason: (e.target as HTMLInputElement).value })} />
        </label>
        <ProblemWithNextStep error={error} />
        <button type="submit" class="primary" disabled={busy}>
          {t('schedule.rescheduleSubmit')}
        </button>
      </form>
    </details>
  );
};

const Cancel = ({ interview, engagementId }: { interview: Interview; engagementId: string }) => {
  const { t } = useT('consultant');
  const [reason, setReason] = useState('');
  const { error, busy, run } = useCommand(scheduleReads(engagementId));
  return (
    <details class="inline-form">
      <summary>{t('schedule.cancel', { name: interview.interviewee.name })}</summary>
      <form
        class="stack"
        onSubmit={(e) => {
          e.preventDefault();
          void run(`/interviews/${interview.id}/cancel`, { reason: reason.trim() });
        }}
      >
        <label>
          {t('schedule.reason')}
          <input required maxLength={2000} value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
        </label>
        <ProblemWithNextStep error={error} />
        <button type="submit" class="danger" disabled={busy}>
          {t('schedule.cancelSubmit')}
        </button>
      </form>
    </details>
  );
};
