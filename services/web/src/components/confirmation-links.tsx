/**
 * Confirmation links of one interview, for its consultants and pm: issue one for the version
 * awaiting confirmation (expiry, optional email and language), see and copy its URL once, list the
 * links with their state, revoke an unused one. Embed as `<ConfirmationLinks interviewId={id} />`.
 */
import { useQuery, useQueryClient } from '@tanstack/preact-query';
import { useRef, useState } from 'preact/hooks';
import { get, newIdempotencyKey, post } from '../api.js';
import { formatDateTime, LANGUAGES, useT, type Language } from '../i18n.js';
import { fieldError, ProblemMessage } from './problem.js';
import './confirmation-links.css';

type Link = {
  linkId: string;
  summaryVersion: number;
  issuedAt: string;
  issuedBy: { id: string; name: string };
  expiresAt: string;
  email?: string;
  language?: Language;
  state: 'issued' | 'revoked' | 'used';
  revoked?: { reason: string; at: string; by: { name: string } };
  usedAt?: string;
};
type Via = { method: 'signed-in' } | { method: 'link'; linkId: string; issuedBy: string };
type InterviewLinks = { id: string; status: string; links?: Link[]; confirmation: { via?: Via } | null };
type Issued = { linkId: string; summaryVersion: number; expiresAt: string; token: string | null; url: string | null; emailed: boolean; emailError?: string };

const DAYS = [1, 3, 7, 14, 30] as const;

/** A link past its expiry is expired whatever the log says last. */
const stateOf = (link: Link, now: number) => (link.state === 'issued' && Date.parse(link.expiresAt) <= now ? 'expired' : link.state);
const BADGE = { issued: 'good', expired: 'warn', used: '', revoked: 'bad' } as const;

export const ConfirmationLinks = ({ interviewId }: { interviewId: string }) => {
  const { t } = useT('interviewee');
  const interview = useQuery({ queryKey: ['interview', interviewId], queryFn: () => get<InterviewLinks>(`/interviews/${interviewId}`) });
  const [issued, setIssued] = useState<(Issued & { email?: string }) | undefined>();
  if (interview.isPending) return <p class="loading">{t('common:actions.loading')}</p>;
  if (interview.isError) return <ProblemMessage error={interview.error} onRetry={() => void interview.refetch()} />;
  const links = interview.data.links ?? [];
  const via = interview.data.confirmation?.via;
  const now = Date.now();
  return (
    <section class="panel confirmation-links stack" aria-labelledby="confirmation-links-title">
      <h2 id="confirmation-links-title">{t('links.title')}</h2>
      <p class="hint">{t('links.intro')}</p>
      {interview.data.status === 'summary-sent' ? (
        <IssueForm interviewId={interviewId} onIssued={setIssued} />
      ) : (
        interview.data.status !== 'confirmed' && <p class="empty">{t('links.notSent')}</p>
      )}
      {via && (
        <p>
          <strong>{t('links.answeredVia')}</strong>{' '}
          {via.method === 'link'
            ? t('links.via.link', { name: links.find((l) => l.linkId === via.linkId)?.issuedBy.name ?? via.issuedBy })
            : t('links.via.signed-in')}
        </p>
      )}
      {issued && <IssuedLink issued={issued} />}
      {links.length === 0 ? (
        <p class="hint">{t('links.none')}</p>
      ) : (
        <div class="table-wrap">
          <table class="links-table">
            <thead>
              <tr>
                <th scope="col">{t('links.issuedAt')}</th>
                <th scope="col">{t('links.issuedBy')}</th>
                <th scope="col">{t('links.version')}</th>
                <th scope="col">{t('links.expiresAt')}</th>
                <th scope="col">{t('links.sentTo')}</th>
                <th scope="col">{t('links.state')}</th>
                <th scope="col">
                  <span class="visually-hidden">{t('links.revoke')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {[...links].reverse().map((link) => {
                const state = stateOf(link, now);
                return (
                  <tr key={link.linkId}>
                    <td data-label={t('links.issuedAt')}>{formatDateTime(link.issuedAt)}</td>
                    <td data-label={t('links.issuedBy')}>{link.issuedBy.name}</td>
                    <td data-label={t('links.version')}>{link.summaryVersion}</td>
                    <td data-label={t('links.expiresAt')}>{formatDateTime(link.expiresAt)}</td>
                    <td class="email" data-label={t('links.sentTo')}>
                      {link.email ?? '–'}
                    </td>
                    <td data-label={t('links.state')}>
                      <span>
                        <span class={`badge ${BADGE[state]}`}>{t(`links.stateValue.${state}`)}</span>
                        {link.revoked && <small class="block">{link.revoked.reason}</small>}
                        {link.usedAt && <small class="block">{formatDateTime(link.usedAt)}</small>}
                      </span>
                    </td>
                    <td class="actions">{state === 'issued' && <Revoke interviewId={interviewId} link={link} />}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
};

const IssueForm = ({ interviewId, onIssued }: { interviewId: string; onIssued: (issued: Issued & { email?: string }) => void }) => {
  const { t, language } = useT('interviewee');
  const client = useQueryClient();
  const [days, setDays] = useState<number>(7);
  const [email, setEmail] = useState('');
  const [linkLanguage, setLinkLanguage] = useState<Language>(language);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const key = useRef(newIdempotencyKey());

  const issue = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    const body = { validForDays: days, language: linkLanguage, ...(email.trim() ? { email: email.trim() } : {}) };
    try {
      const answer = await post<Issued>(`/interviews/${interviewId}/confirmation-links`, body, { idempotencyKey: key.current });
      key.current = newIdempotencyKey();
      onIssued({ ...answer, ...(body.email ? { email: body.email } : {}) });
      setEmail('');
      await client.invalidateQueries({ queryKey: ['interview', interviewId] });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const emailError = fieldError(error, '/email');
  return (
    <form class="stack" onSubmit={(e) => void issue(e)}>
      <div class="row">
        <label>
          {t('links.validFor')}
          <select value={days} onChange={(e) => setDays(Number((e.target as HTMLSelectElement).value))}>
            {DAYS.map((d) => (
              <option key={d} value={d}>
                {t('links.days', { count: d })}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('links.email')}
          <input
            type="email"
            autocomplete="off"
            value={email}
            aria-invalid={emailError ? 'true' : undefined}
            aria-describedby="link-email-hint link-email-error"
            onInput={(e) => setEmail((e.target as HTMLInputElement).value)}
          />
          <small id="link-email-hint">{t('links.emailHint')}</small>
          {emailError && (
            <small id="link-email-error" class="field-error">
              {emailError}
            </small>
          )}
        </label>
        <label>
          {t('links.language')}
          <select value={linkLanguage} onChange={(e) => setLinkLanguage((e.target as HTMLSelectElement).value as Language)}>
            {LANGUAGES.map((l) => (
              <option key={l} value={l}>
                {t(`common:language.${l}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div>
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t('links.issuing') : t('links.issue')}
        </button>
      </div>
      <ProblemMessage error={error} />
    </form>
  );
};

/** The URL of a new link, shown once: the service keeps only a hash of its secret. */
const IssuedLink = ({ issued }: { issued: Issued & { email?: string } }) => {
  const { t } = useT('interviewee');
  const [copy, setCopy] = useState<'idle' | 'copied' | 'failed'>('idle');
  const field = useRef<HTMLInputElement>(null);
  if (!issued.url) return null;
  const copyLink = async () => {
    try {
      await navigator.clipboard.writeText(issued.url!);
      setCopy('copied');
    } catch {
      field.current?.select();
      setCopy('failed');
    }
  };
  return (
    <div class="issued-link stack" role="status">
      <strong>{t('links.issuedTitle', { version: issued.summaryVersion })}</strong>
      <p>
        {t('links.shownOnce')} {issued.emailed && issued.email && t('links.emailed', { email: issued.email })}
      </p>
      {issued.emailError && <p class="problem">{issued.emailError}</p>}
      <label>
        {t('links.url')}
        <span class="copy-row">
          <input ref={field} type="text" readOnly value={issued.url} onFocus={(e) => (e.target as HTMLInputElement).select()} />
          <button type="button" class="secondary" onClick={() => void copyLink()}>
            {copy === 'copied' ? t('links.copied') : t('links.copy')}
          </button>
        </span>
      </label>
      {copy === 'failed' && <small class="field-error">{t('links.copyFailed')}</small>}
    </div>
  );
};

const Revoke = ({ interviewId, link }: { interviewId: string; link: Link }) => {
  const { t } = useT('interviewee');
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const key = useRef(newIdempotencyKey());
  const revoke = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await post(`/interviews/${interviewId}/confirmation-links/${link.linkId}/revoke`, { reason: reason.trim() }, { idempotencyKey: key.current });
      await client.invalidateQueries({ queryKey: ['interview', interviewId] });
      setOpen(false);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  if (!open) {
    return (
      <button type="button" class="link" onClick={() => setOpen(true)} aria-label={t('links.revokeLink', { date: formatDateTime(link.issuedAt) })}>
        {t('links.revoke')}
      </button>
    );
  }
  const reasonError = fieldError(error, '/reason');
  return (
    <form class="stack revoke-form" onSubmit={(e) => void revoke(e)}>
      <label>
        {t('links.reason')}
        <input
          type="text"
          required
          maxLength={2000}
          value={reason}
          autoFocus
          aria-invalid={reasonError ? 'true' : undefined}
          onInput={(e) => setReason((e.target as HTMLInputElement).value)}
        />
      </label>
      {reasonError && <small class="field-error">{reasonError}</small>}
      <span class="copy-row">
        <button type="submit" class="danger" disabled={busy || reason.trim() === ''}>
          {busy ? t('links.revoking') : t('links.confirmRevoke')}
        </button>
        <button type="button" class="secondary" onClick={() => setOpen(false)} disabled={busy}>
          {t('actions.cancel')}
        </button>
      </span>
      <ProblemMessage error={error} />
    </form>
  );
};
