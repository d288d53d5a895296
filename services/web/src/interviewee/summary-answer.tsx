/**
 * What the interviewee sees, signed in or through a link (WEB.md "Interviewee"): exactly the version
 * sent – the text large, the cited findings below, "version 2 · 3f9a…c01e" – and two actions,
 * confirm or ask for changes with comments; afterwards what was answered, when, and the receipt.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { newIdempotencyKey } from '../api.js';
import { fieldError, ProblemMessage } from '../components/problem.js';
import { formatDateTime, useT } from '../i18n.js';
import { shortHash } from './receipt.js';
import './interviewee.css';

import type { GivenAnswer, SentSummary } from './answer-state.js';
export type { CitedFinding, GivenAnswer, SentSummary } from './answer-state.js';

type Props = {
  summary: SentSummary;
  answer: GivenAnswer;
  /** Under the title: whose interview, when, and for a link its expiry and issuer. */
  intro: ComponentChildren;
  onConfirm: (idempotencyKey: string) => Promise<unknown>;
  onRequestRevision: (comments: string, idempotencyKey: string) => Promise<unknown>;
  onReceipt: () => Promise<unknown>;
  /** Shown instead of the actions when they cannot be used (e.g. not the interviewee). */
  blocked?: ComponentChildren;
};

export const SummaryAnswer = ({ summary, answer, intro, onConfirm, onRequestRevision, onReceipt, blocked }: Props) => {
  const { t } = useT('interviewee');
  // Focus moves to the outcome only when it was just given here, not when the page opens on it.
  const askedHere = useRef(false);
  if (!answer && !blocked) askedHere.current = true;
  return (
    <article class="interviewee page" aria-labelledby="summary-title">
      <h1 id="summary-title">{t('page.title')}</h1>
      <div class="intro">{intro}</div>
      <p class="version">
        <span class="badge">{t('page.versionHash', { version: summary.summaryVersion, hash: shortHash(summary.summaryHash) })}</span>
      </p>
      <details class="hash">
        <summary>{t('page.fullHash')}</summary>
        <code>{summary.summaryHash}</code>
        <p class="hint">{t('page.hashHint')}</p>
      </details>
      <section aria-labelledby="summary-text" class="summary-text panel">
        <h2 id="summary-text" class="visually-hidden">
          {t('page.summary')}
        </h2>
        {summary.text.split(/\n{2,}/).map((paragraph, index) => (
          <p key={index}>{paragraph}</p>
        ))}
      </section>
      {answer ? (
        <Answered answer={answer} onReceipt={onReceipt} focus={askedHere.current} />
      ) : blocked ? (
        <div class="empty">{blocked}</div>
      ) : (
        <Actions onConfirm={onConfirm} onRequestRevision={onRequestRevision} />
      )}
      <section aria-labelledby="cited-findings" class="findings">
        <h2 id="cited-findings">{t('page.findings')}</h2>
        {summary.findings.length === 0 ? (
          <p class="hint">{t('page.noFindings')}</p>
        ) : (
          <ul>
            {summary.findings.map((finding) => (
              <li key={finding.findingId} class="card">
                <span class="finding-meta">
                  {t(`common:section.${finding.section}`)}
                  {finding.pain !== undefined && <> · {t('page.pain', { pain: finding.pain })}</>}
                  {finding.frequency !== undefined && <> · {t(`common:frequency.${finding.frequency}`)}</>}
                </span>
                <span>{finding.text}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </article>
  );
};

const Actions = ({ onConfirm, onRequestRevision }: Pick<Props, 'onConfirm' | 'onRequestRevision'>) => {
  const { t } = useT('interviewee');
  const [mode, setMode] = useState<'choose' | 'comment'>('choose');
  const [comments, setComments] = useState('');
  const [busy, setBusy] = useState<'confirm' | 'revision' | undefined>();
  const [error, setError] = useState<unknown>();
  const [missing, setMissing] = useState(false);
  // One key per intended answer: a retry after a lost answer is recognised, never recorded twice.
  const confirmKey = useRef(newIdempotencyKey());
  const revisionKey = useRef(newIdempotencyKey());
  const commentBox = useRef<HTMLTextAreaElement>(null);
  const askButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (mode === 'comment') commentBox.current?.focus();
  }, [mode]);

  const confirm = async () => {
    setBusy('confirm');
    setError(undefined);
    try {
      await onConfirm(confirmKey.current);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(undefined);
    }
  };
  const sendComments = async (event: Event) => {
    event.preventDefault();
    if (comments.trim() === '') {
      setMissing(true);
      commentBox.current?.focus();
      return;
    }
    setBusy('revision');
    setError(undefined);
    try {
      await onRequestRevision(comments.trim(), revisionKey.current);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(undefined);
    }
  };
  const commentError = missing ? t('actions.commentsRequired') : fieldError(error, '/comments');

  return (
    <section class="answer-actions" aria-label={t('page.title')}>
      {mode === 'choose' ? (
        <div class="choices">
          <button type="button" class="primary large" onClick={() => void confirm()} disabled={busy !== undefined}>
            {busy === 'confirm' ? t('actions.confirming') : t('actions.confirm')}
          </button>
          <button type="button" class="secondary large" ref={askButton} onClick={() => setMode('comment')} disabled={busy !== undefined}>
            {t('actions.askChanges')}
          </button>
        </div>
      ) : (
        <form class="stack" onSubmit={(e) => void sendComments(e)} noValidate>
          <label>
            {t('actions.comments')}
            <textarea
              ref={commentBox}
              rows={6}
              maxLength={20_000}
              value={comments}
              aria-invalid={commentError ? 'true' : undefined}
              aria-describedby="comments-hint comments-error"
              onInput={(e) => {
                setComments((e.target as HTMLTextAreaElement).value);
                setMissing(false);
              }}
            />
          </label>
          <small id="comments-hint">{t('actions.commentsHint')}</small>
          <p id="comments-error" class="field-error" aria-live="polite">
            {commentError}
          </p>
          <div class="choices">
            <button type="submit" class="primary large" disabled={busy !== undefined}>
              {busy === 'revision' ? t('actions.sending') : t('actions.sendComments')}
            </button>
            <button
              type="button"
              class="secondary"
              disabled={busy !== undefined}
              onClick={() => {
                setMode('choose');
                setError(undefined);
                setMissing(false);
              }}
            >
              {t('actions.cancel')}
            </button>
          </div>
        </form>
      )}
      <ProblemMessage error={error} />
    </section>
  );
};

const Answered = ({ answer, onReceipt, focus }: { answer: NonNullable<GivenAnswer>; onReceipt: () => Promise<unknown>; focus: boolean }) => {
  const { t } = useT('interviewee');
  const heading = useRef<HTMLHeadingElement>(null);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (focus) heading.current?.focus();
  }, []);
  const receipt = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await onReceipt();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  if (answer.kind === 'revision-requested') {
    return (
      <section class="answered panel" aria-labelledby="answered-title">
        <h2 id="answered-title" ref={heading} tabIndex={-1}>
          {t('done.revisionTitle')}
        </h2>
        <p>{t('done.revisionAt', { date: formatDateTime(answer.at) })}</p>
        <h3>{t('done.yourComments')}</h3>
        <blockquote>{answer.comments}</blockquote>
      </section>
    );
  }
  return (
    <section class="answered confirmed panel" aria-labelledby="answered-title">
      <h2 id="answered-title" ref={heading} tabIndex={-1}>
        {t('done.confirmedTitle')}
      </h2>
      <p>{t('done.confirmedAt', { date: formatDateTime(answer.at) })}</p>
      <button type="button" class="primary" onClick={() => void receipt()} disabled={busy} aria-describedby="receipt-hint">
        {t('actions.receipt')}
      </button>
      <small id="receipt-hint">{t('actions.receiptHint')}</small>
      <ProblemMessage error={error} />
    </section>
  );
};
