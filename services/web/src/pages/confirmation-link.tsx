/**
 * The page a confirmation link opens, for client staff with no account: the link is the
 * credential. Exactly the version the link was issued for, confirm or ask for changes, then the
 * receipt; a used, expired, withdrawn or outdated link says so and whom to ask.
 */
import { useQuery, useQueryClient } from '@tanstack/preact-query';
import { useEffect } from 'preact/hooks';
import { ApiError, get, post } from '../api.js';
import { ProblemMessage } from '../components/problem.js';
import { formatDate, formatDateTime, setLanguage, useT, type Language } from '../i18n.js';
import { IntervieweeFrame } from '../interviewee/frame.js';
import { saveReceipt } from '../interviewee/receipt.js';
import { SummaryAnswer, type GivenAnswer, type SentSummary } from '../interviewee/summary-answer.js';

type LinkView = {
  interview: { id: string; scheduledAt: string; conductedAt?: string };
  interviewee: { name: string; department: string; position: string };
  summary: SentSummary;
  link: { linkId: string; state: 'issued' | 'used' | 'revoked'; expiresAt: string; issuedBy: { name: string }; language?: Language };
  answer: GivenAnswer;
};

const GONE = ['link-used', 'link-expired', 'link-revoked', 'link-outdated'] as const;
type Gone = (typeof GONE)[number];

export default function ConfirmationLink({ token }: { token: string }) {
  const { t } = useT('interviewee');
  const client = useQueryClient();
  const path = `/confirmations/${encodeURIComponent(token)}`;
  const key = ['confirmation', token];
  const view = useQuery({ queryKey: key, queryFn: () => get<LinkView>(path) });

  // The page opens in the language the link was sent in, unless the reader chose one before.
  const linkLanguage = view.data?.link.language;
  useEffect(() => {
    if (linkLanguage && localStorage.getItem('crm.language') === null) void setLanguage(linkLanguage);
  }, [linkLanguage]);

  const refresh = () => client.invalidateQueries({ queryKey: key });
  const answered = async (answer: Promise<unknown>) => {
    try {
      await answer;
    } finally {
      // Whatever happened (answered, or the link went stale meanwhile), show the link as it is now.
      await refresh();
    }
  };

  let content;
  if (view.isPending) content = <p class="loading">{t('common:actions.loading')}</p>;
  else if (view.isError) content = <LinkProblem error={view.error} onRetry={() => void view.refetch()} />;
  else {
    const { interview, interviewee, summary, link, answer } = view.data;
    content = (
      <SummaryAnswer
        summary={summary}
        answer={answer}
        intro={
          <>
            <p class="lead">{t('page.lead', { name: interviewee.name, date: formatDate(interview.conductedAt ?? interview.scheduledAt) })}</p>
            {!answer && <p class="hint">{t('page.expires', { date: formatDateTime(link.expiresAt), name: link.issuedBy.name })}</p>}
          </>
        }
        onConfirm={(idempotencyKey) => answered(post(`${path}/confirm`, {}, { idempotencyKey }))}
        onRequestRevision={(comments, idempotencyKey) => answered(post(`${path}/request-revision`, { comments }, { idempotencyKey }))}
        onReceipt={() => saveReceipt(`${path}/receipt`, `receipt-${interview.id}-v${summary.summaryVersion}.json`)}
      />
    );
  }
  return <IntervieweeFrame>{content}</IntervieweeFrame>;
}

/** A link that no longer works says so plainly, and whom to ask for a new one. */
const LinkProblem = ({ error, onRetry }: { error: unknown; onRetry: () => void }) => {
  const { t } = useT('interviewee');
  const problem = error instanceof ApiError ? error.problem : undefined;
  if (problem?.code === 'link-invalid') {
    return (
      <section class="interviewee-gone" role="alert">
        <h1>{t('link.invalidTitle')}</h1>
        <p class="lead">{t('link.invalid')}</p>
      </section>
    );
  }
  if (problem && (GONE as readonly string[]).includes(problem.code)) {
    const issuer = (problem.details as { issuedBy?: string } | undefined)?.issuedBy;
    const title = { 'link-used': 'usedTitle', 'link-expired': 'expiredTitle', 'link-revoked': 'revokedTitle', 'link-outdated': 'outdatedTitle' }[problem.code as Gone];
    return (
      <section class="interviewee-gone" role="alert">
        <h1>{t(`link.${title}`)}</h1>
        <p class="lead">{issuer ? t('link.askIssuer', { name: issuer }) : t('link.askSomeone')}</p>
        <p class="hint">{problem.detail}</p>
      </section>
    );
  }
  return <ProblemMessage error={error} onRetry={onRetry} />;
};
