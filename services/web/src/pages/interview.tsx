/**
 * The interview record, laid out as seed 000's template: the interviewee and topics always in
 * view, the six sections with their findings, fast keyboard entry of findings (queued offline,
 * each shown saved / waiting / failed), recording the interview as conducted, drafting and sending
 * the summary (showing exactly what the interviewee will see), the confirmation, and capturing a
 * requirement from ticked findings.
 */
import { useQueryClient } from '@tanstack/preact-query';
import { useRef, useState } from 'preact/hooks';
import { fieldError, ProblemMessage } from '../components/problem.js';
import { FieldError, ProblemWithNextStep } from '../consultant/problem-next-step.js';
import { useCommand } from '../consultant/use-command.js';
import { ConfirmationLinksSlot } from '../consultant/confirmation-links-slot.js';
import { CATEGORIES, FREQUENCIES, SECTIONS, shortHash, useAbilities, useInterview, type Finding, type Frequency, type Interview, type Section } from '../consultant/documents.js';
import { discardFinding, enqueueFinding, retryFinding, usePendingFindings, type PendingFinding } from '../consultant/finding-queue.js';
import { fromLocalInput, lines, localInputValue } from '../consultant/forms.js';
import { formatDateTime, useT } from '../i18n.js';
import '../consultant/consultant.css';

const FINDINGS_OPEN: Array<Interview['status']> = ['conducted', 'summary-drafted', 'summary-sent', 'revision-requested'];

export default function InterviewRecord({ id }: { id: string }) {
  const { t } = useT('consultant');
  const interview = useInterview(id);
  const client = useQueryClient();
  const refresh = () => void client.invalidateQueries({ queryKey: ['interview', id] });
  const pending = usePendingFindings(id, refresh);
  const { consultant } = useAbilities(interview.data?.engagementId);
  const i = interview.data;
  return (
    <div class="page consultant interview-record">
      {interview.isError && <ProblemMessage error={interview.error} onRetry={() => void interview.refetch()} />}
      {interview.isPending && <p class="loading">{t('common:actions.loading')}</p>}
      {i && (
        <>
          <p class="crumbs">
            <a href={`/e/${i.engagementId}/interviews`}>{t('interview.back')}</a> ›
          </p>
          <IntervieweeHeader interview={i} />
          {i.cancellation && (
            <p class="problem">{t('interview.cancelled', { name: i.cancellation.by.name, date: formatDateTime(i.cancellation.at), reason: i.cancellation.reason })}</p>
          )}
          {i.status === 'scheduled' && consultant && <Conduct interview={i} />}
          {i.conductedAt && (
            <p class="hint">
              {t('interview.conductedOn', { date: formatDateTime(i.conductedAt) })}
              {i.attendees && i.attendees.length > 0 && <> · {t('interview.attendeesList', { names: i.attendees.join(', ') })}</>}
              {i.notes && <> · {i.notes}</>}
            </p>
          )}
          <section class="panel" aria-labelledby="record">
            <h2 id="record">{t('interview.record')}</h2>
            {consultant && FINDINGS_OPEN.includes(i.status) ? <FindingEntry interview={i} saved={refresh} /> : <p class="hint">{t('interview.closed')}</p>}
            <div class="sections">
              {SECTIONS.map((section, n) => (
                <SectionFindings key={section} number={n + 1} section={section} findings={i.findings.filter((f) => f.section === section)} pending={pending.filter((p) => p.body.section === section)} saved={refresh} />
              ))}
            </div>
          </section>
          <SummaryPanel interview={i} mayWrite={consultant} />
          <ConfirmationPanel interview={i} />
          <section id="confirmation-links">
            <ConfirmationLinksSlot interview={i} />
          </section>
          {consultant && i.findings.length > 0 && <CaptureRequirement interview={i} />}
        </>
      )}
    </div>
  );
}

const IntervieweeHeader = ({ interview: i }: { interview: Interview }) => {
  const { t } = useT('consultant');
  return (
    <header class="interviewee panel">
      <div class="who">
        <h1>{t('interview.title', { name: i.interviewee.name })}</h1>
        <p>
          <strong>{i.interviewee.department}</strong> · {i.interviewee.position}
          {i.interviewee.phoneExt && <> · ☎ {i.interviewee.phoneExt}</>}
        </p>
        <span class="badge">{t(`common:interviewStatus.${i.status}`)}</span>
      </div>
      <div class="meta">
        <p>
          {t('interview.when', { date: formatDateTime(i.scheduledAt), minutes: i.durationMinutes, location: i.location })} · {t(`common:method.${i.method}`)}
        </p>
        <p>{t('interview.interviewers', { names: i.interviewers.join(', ') })}</p>
        <ul class="topics" aria-label={t('interview.topics')}>
          {i.topics.map((topic) => (
            <li key={topic} class="badge">
              {t(`common:topic.${topic}`)}
            </li>
          ))}
        </ul>
        {i.reschedules.length > 0 && (
          <details>
            <summary>{t('interview.reschedules', { count: i.reschedules.length })}</summary>
            <ul class="reschedules">
              {i.reschedules.map((r) => (
                <li key={r.at}>
                  {t('interview.rescheduled', { from: formatDateTime(r.from.scheduledAt), to: formatDateTime(r.to.scheduledAt), location: r.to.location, name: r.by.name, reason: r.reason })}
                </li>
              ))}
            </ul>
          </details>
        )}
        {i.preparationNotes && (
          <details>
            <summary>{t('interview.preparation')}</summary>
            <p>{i.preparationNotes}</p>
          </details>
        )}
      </div>
    </header>
  );
};

const Conduct = ({ interview }: { interview: Interview }) => {
  const { t } = useT('consultant');
  const [form, setForm] = useState({ conductedAt: localInputValue(new Date().toISOString()), attendees: interview.interviewers.concat(interview.interviewee.name).join('\n'), notes: '' });
  const { error, busy, run } = useCommand([['interview', interview.id], ['progress', interview.engagementId]]);
  const submit = async (e: Event) => {
    e.preventDefault();
    await run(`/interviews/${interview.id}/conduct`, {
      conductedAt: fromLocalInput(form.conductedAt),
      attendees: lines(form.attendees),
      ...(form.notes.trim() ? { notes: form.notes.trim() } : {}),
    });
  };
  return (
    <section class="panel" aria-labelledby="conduct">
      <h2 id="conduct">{t('interview.conduct')}</h2>
      <form class="stack" onSubmit={(e) => void submit(e)}>
        <div class="row">
          <label>
            {t('interview.conductedAt')}
            <input type="datetime-local" required value={form.conductedAt} aria-invalid={!!fieldError(error, '/conductedAt')} onInput={(e) => setForm({ ...form, conductedAt: (e.target as HTMLInputElement).value })} />
            <FieldError error={error} path="/conductedAt" />
          </label>
          <label>
            {t('interview.attendees')}
            <textarea rows={2} value={form.attendees} onInput={(e) => setForm({ ...form, attendees: (e.target as HTMLTextAreaElement).value })} />
          </label>
        </div>
        <label>
          {t('interview.notes')}
          <textarea rows={2} maxLength={20000} value={form.notes} onInput={(e) => setForm({ ...form, notes: (e.target as HTMLTextAreaElement).value })} />
        </label>
        <ProblemWithNextStep error={error} />
        <button type="submit" class="primary" disabled={busy}>
          {t('interview.conductSubmit')}
        </button>
      </form>
    </section>
  );
};

/** Keyboard first: type, Enter adds; 1–6 in an empty box (or Alt+1–6 anywhere) pick the section. */
const FindingEntry = ({ interview, saved }: { interview: Interview; saved: () => void }) => {
  const { t } = useT('consultant');
  const [section, setSection] = useState<Section>('current-structure');
  const [text, setText] = useState('');
  const [pain, setPain] = useState<number | undefined>();
  const [frequency, setFrequency] = useState<Frequency | undefined>();
  const input = useRef<HTMLTextAreaElement>(null);
  const add = () => {
    if (!text.trim()) return;
    enqueueFinding(interview.id, { section, text: text.trim(), ...(pain !== undefined ? { pain } : {}), ...(frequency ? { frequency } : {}) }, saved);
    setText('');
    setPain(undefined);
    setFrequency(undefined);
    input.current?.focus();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const digit = /^Digit([1-6])$/.exec(e.code)?.[1] ?? (/^[1-6]$/.test(e.key) ? e.key : undefined);
    if (digit && (e.altKey || (!text && !e.ctrlKey && !e.metaKey))) {
      e.preventDefault();
      setSection(SECTIONS[Number(digit) - 1]!);
      return;
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      add();
    }
  };
  return (
    <form
      class="finding-entry stack"
      aria-label={t('interview.add')}
      onKeyDown={(e) => {
        if (e.altKey && /^Digit[1-6]$/.test(e.code)) {
          e.preventDefault();
          setSection(SECTIONS[Number(e.code.slice(5)) - 1]!);
        }
      }}
      onSubmit={(e) => {
        e.preventDefault();
        add();
      }}
    >
      <fieldset class="chips">
        <legend>{t('interview.section')}</legend>
        {SECTIONS.map((s, n) => (
          <label key={s} class={`chip ${section === s ? 'on' : ''}`}>
            <input type="radio" name="section" value={s} checked={section === s} onChange={() => setSection(s)} />
            <kbd>{n + 1}</kbd> {t(`common:section.${s}`)}
          </label>
        ))}
      </fieldset>
      <label>
        {t('interview.findingText')}
        <textarea ref={input} rows={2} maxLength={20000} value={text} aria-describedby="finding-hint" onKeyDown={onKeyDown} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
      </label>
      <p id="finding-hint" class="hint">{t('interview.findingHint')}</p>
      <div class="chip-rows">
        <div role="group" aria-label={t('interview.pain')} class="chips">
          <span aria-hidden="true">{t('interview.pain')}</span>
          {[0, 1, 2, 3].map((level) => (
            <button key={level} type="button" class="chip" aria-pressed={pain === level} aria-label={t('interview.painLevel', { level })} onClick={() => setPain(pain === level ? undefined : level)}>
              {level}
            </button>
          ))}
        </div>
        <div role="group" aria-label={t('interview.frequency')} class="chips">
          <span aria-hidden="true">{t('interview.frequency')}</span>
          {FREQUENCIES.map((f) => (
            <button key={f} type="button" class="chip" aria-pressed={frequency === f} onClick={() => setFrequency(frequency === f ? undefined : f)}>
              {t(`common:frequency.${f}`)}
            </button>
          ))}
        </div>
      </div>
      <button type="submit" class="primary" disabled={!text.trim()}>
        {t('interview.addSubmit')}
      </button>
    </form>
  );
};

const FindingMeta = ({ pain, frequency }: { pain?: number; frequency?: Frequency }) => {
  const { t } = useT('consultant');
  return (
    <>
      {pain !== undefined && <span class={`badge ${pain >= 3 ? 'bad' : pain >= 2 ? 'warn' : ''}`}>{t('interview.painLevel', { level: pain })}</span>}
      {frequency && <span class="badge">{t(`common:frequency.${frequency}`)}</span>}
    </>
  );
};

const SectionFindings = ({ number, section, findings, pending, saved }: { number: number; section: Section; findings: Finding[]; pending: PendingFinding[]; saved: () => void }) => {
  const { t } = useT('consultant');
  const headingId = `section-${section}`;
  return (
    <section class="template-section" aria-labelledby={headingId}>
      <h3 id={headingId}>
        <kbd>{number}</kbd> {t(`common:section.${section}`)}
      </h3>
      {findings.length === 0 && pending.length === 0 ? (
        <p class="hint">{t('interview.none')}</p>
      ) : (
        <ul class="findings">
          {findings.map((f) => (
            <li key={f.findingId} class="finding saved">
              <p>{f.text}</p>
              <div class="finding-meta">
                <FindingMeta pain={f.pain} frequency={f.frequency} />
                <span class="state good">✓ {t('interview.saved')}</span>
                <small>{t('interview.byOn', { name: f.recordedBy.name, date: formatDateTime(f.recordedAt) })}</small>
              </div>
            </li>
          ))}
          {pending.map((p) => (
            <li key={p.key} class={`finding ${p.state}`}>
              <p>{p.body.text}</p>
              <div class="finding-meta">
                <FindingMeta pain={p.body.pain} frequency={p.body.frequency} />
                {p.state === 'waiting' ? (
                  <span class="state warn" role="status">↻ {t('interview.waiting')}</span>
                ) : (
                  <>
                    <span class="state bad" role="alert">
                      ✗ {t('interview.failed')}: {p.detail}
                    </span>
                    <button type="button" class="link" onClick={() => retryFinding(p.key, saved)}>
                      {t('interview.retry')}
                    </button>
                    <button type="button" class="link" onClick={() => discardFinding(p.key)}>
                      {t('interview.discard')}
                    </button>
                  </>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
};

/** Findings as check boxes – picked, never typed as ids. */
const FindingPicker = ({ findings, picked, setPicked, legend }: { findings: Finding[]; picked: string[]; setPicked: (ids: string[]) => void; legend: string }) => {
  const { t } = useT('consultant');
  return (
    <fieldset class="finding-picker">
      <legend>{legend}</legend>
      {SECTIONS.map((section) => {
        const inSection = findings.filter((f) => f.section === section);
        if (inSection.length === 0) return null;
        return (
          <div key={section} class="picker-group">
            <strong>{t(`common:section.${section}`)}</strong>
            {inSection.map((f) => (
              <label key={f.findingId} class="check">
                <input
                  type="checkbox"
                  checked={picked.includes(f.findingId)}
                  onChange={(e) => setPicked((e.target as HTMLInputElement).checked ? [...picked, f.findingId] : picked.filter((x) => x !== f.findingId))}
                />
                <span>{f.text}</span>
              </label>
            ))}
          </div>
        );
      })}
    </fieldset>
  );
};

const CitedFindings = ({ interview, ids }: { interview: Interview; ids: string[] }) => {
  const { t } = useT('consultant');
  const cited = interview.findings.filter((f) => ids.includes(f.findingId));
  return (
    <ul class="cited">
      {cited.map((f) => (
        <li key={f.findingId}>
          <small>{t(`common:section.${f.section}`)}</small> {f.text}
        </li>
      ))}
    </ul>
  );
};

const SummaryPanel = ({ interview, mayWrite }: { interview: Interview; mayWrite: boolean }) => {
  const { t } = useT('consultant');
  const latest = interview.summaries.at(-1);
  const [text, setText] = useState(latest?.text ?? '');
  const [picked, setPicked] = useState<string[]>(latest?.findingIds ?? []);
  const reads = [['interview', interview.id], ['progress', interview.engagementId]] as const;
  const drafting = useCommand(reads);
  const sending = useCommand(reads);
  const error = drafting.error;
  const busy = drafting.busy || sending.busy;
  const mayDraft = mayWrite && FINDINGS_OPEN.includes(interview.status) && interview.findings.length > 0;
  const maySend = mayWrite && latest && !latest.sentAt && interview.status !== 'confirmed';
  const draft = async (e: Event) => {
    e.preventDefault();
    await drafting.run(`/interviews/${interview.id}/summary`, { text: text.trim(), findingIds: picked });
  };
  const send = () => sending.run(`/interviews/${interview.id}/summary/send`);
  return (
    <section class="panel" aria-labelledby="summary">
      <h2 id="summary">{t('interview.summary')}</h2>
      {mayDraft && (
        <form class="summary-draft" aria-label={t('interview.draft')} onSubmit={(e) => void draft(e)}>
          <FindingPicker findings={interview.findings} picked={picked} setPicked={setPicked} legend={t('interview.cite')} />
          <div class="stack">
            <label>
              {t('interview.draftText')}
              <textarea rows={8} required maxLength={20000} value={text} aria-invalid={!!fieldError(error, '/text')} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
            <FieldError error={error} path="/text" />
            </label>
            <p class="hint">{t('interview.citedCount', { count: picked.length })}</p>
            <CitedFindings interview={interview} ids={picked} />
            <ProblemWithNextStep error={error} />
            <button type="submit" class="primary" disabled={busy || !text.trim()}>
              {t('interview.draftSubmit')}
            </button>
          </div>
        </form>
      )}
      {maySend && latest && (
        <section class="preview" aria-labelledby="preview">
          <h3 id="preview">{t('interview.preview', { name: interview.interviewee.name })}</h3>
          <p class="meta">{t('interview.previewMeta', { version: latest.summaryVersion, hash: shortHash(latest.summaryHash) })}</p>
          <p class="summary-text">{latest.text}</p>
          <CitedFindings interview={interview} ids={latest.findingIds} />
          <ProblemWithNextStep error={sending.error} />
          <button type="button" class="primary" disabled={busy} onClick={() => void send()}>
            {t('interview.sendSubmit', { version: latest.summaryVersion })}
          </button>
        </section>
      )}
      <h3>{t('interview.versions')}</h3>
      {interview.summaries.length === 0 ? (
        <p class="hint">{t('interview.noDrafts')}</p>
      ) : (
        <ul class="versions">
          {[...interview.summaries].reverse().map((s) => (
            <li key={s.summaryVersion}>
              <details open={s === latest}>
                <summary>
                  {t('interview.version', { version: s.summaryVersion })} · <code>{shortHash(s.summaryHash)}</code> · {t('interview.draftedBy', { name: s.draftedBy.name, date: formatDateTime(s.draftedAt) })}
                  {s.sentAt && <> · {t('interview.sentOn', { date: formatDateTime(s.sentAt) })}</>}
                </summary>
                <p class="summary-text">{s.text}</p>
                <p class="hint">{t('interview.citedCount', { count: s.findingIds.length })}</p>
                <CitedFindings interview={interview} ids={s.findingIds} />
                {s.revisionRequested && (
                  <p class="problem">
                    {t('interview.revision', { name: s.revisionRequested.by.name, date: formatDateTime(s.revisionRequested.at), comments: s.revisionRequested.comments })}
                  </p>
                )}
              </details>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
};

const ConfirmationPanel = ({ interview }: { interview: Interview }) => {
  const { t } = useT('consultant');
  const c = interview.confirmation;
  const sent = [...interview.summaries].reverse().find((s) => s.sentAt);
  return (
    <section class="panel" aria-labelledby="confirmation">
      <h2 id="confirmation">{t('interview.confirmation')}</h2>
      <p>
        <span class={`badge ${c ? 'good' : interview.confirmationState === 'revision-requested' ? 'bad' : 'warn'}`}>{t(`schedule.confirmationState.${interview.confirmationState}`)}</span>
      </p>
      {c ? (
        <p>{t('interview.confirmedBy', { name: c.confirmedByName, date: formatDateTime(c.confirmedAt), version: c.summaryVersion, hash: shortHash(c.summaryHash) })}</p>
      ) : interview.confirmationState === 'awaiting-confirmation' && sent ? (
        <p>{t('interview.awaiting', { name: interview.interviewee.name, version: sent.summaryVersion })}</p>
      ) : (
        <p class="hint">{t('interview.notSent')}</p>
      )}
    </section>
  );
};

const CaptureRequirement = ({ interview }: { interview: Interview }) => {
  const { t } = useT('consultant');
  const [picked, setPicked] = useState<string[]>([]);
  const [form, setForm] = useState({ title: '', description: '', category: 'customer-data', departments: interview.interviewee.department });
  const { error, busy, run } = useCommand([['progress', interview.engagementId], ['backlog', interview.engagementId]]);
  const [captured, setCaptured] = useState<Array<{ id: string; title: string }>>([]);
  const submit = async (e: Event) => {
    e.preventDefault();
    const answer = await run(`/engagements/${interview.engagementId}/requirements`, {
      title: form.title.trim(),
      description: form.description.trim(),
      category: form.category,
      departments: lines(form.departments),
      sources: picked.map((findingId) => ({ interviewId: interview.id, findingId })),
    });
    if (!answer) return;
    setCaptured([...captured, { id: answer.id, title: form.title.trim() }]);
    setPicked([]);
    setForm({ ...form, title: '', description: '' });
  };
  return (
    <details class="panel">
      <summary>{t('interview.capture')}</summary>
      <form class="summary-draft" aria-label={t('interview.capture')} onSubmit={(e) => void submit(e)}>
        <FindingPicker findings={interview.findings} picked={picked} setPicked={setPicked} legend={t('interview.sources')} />
        <div class="stack">
          <label>
            {t('interview.reqTitle')}
            <input required maxLength={200} value={form.title} aria-invalid={!!fieldError(error, '/title')} onInput={(e) => setForm({ ...form, title: (e.target as HTMLInputElement).value })} />
            <FieldError error={error} path="/title" />
          </label>
          <label>
            {t('interview.reqDescription')}
            <textarea required rows={3} value={form.description} aria-invalid={!!fieldError(error, '/description')} onInput={(e) => setForm({ ...form, description: (e.target as HTMLTextAreaElement).value })} />
            <FieldError error={error} path="/description" />
          </label>
          <div class="row">
            <label>
              {t('interview.category')}
              <select value={form.category} onChange={(e) => setForm({ ...form, category: (e.target as HTMLSelectElement).value })}>
                {CATEGORIES.map((c) => (
                  <option key={c} value={c}>
                    {t(`common:category.${c}`)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('interview.departments')}
              <input required value={form.departments} onInput={(e) => setForm({ ...form, departments: (e.target as HTMLInputElement).value })} />
            </label>
          </div>
          {picked.length === 0 && <p class="hint">{t('interview.pickSources')}</p>}
          <ProblemWithNextStep error={error} />
          <button type="submit" class="primary" disabled={busy || picked.length === 0}>
            {t('interview.captureSubmit')}
          </button>
          {captured.length > 0 && (
            <div role="status">
              {t('interview.captured')}
              <ul>
                {captured.map((r) => (
                  <li key={r.id}>
                    <a href={`/r/${r.id}`}>{r.title}</a>
                  </li>
                ))}
              </ul>
            </div>
          )}
        </div>
      </form>
    </details>
  );
};
