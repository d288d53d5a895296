/**
 * The signed-in interviewee's confirmation page: exactly the version sent, confirm or ask for
 * changes, then the receipt. One page without navigation (WEB.md), so it signs in by itself.
 */
import { useQuery, useQueryClient } from '@tanstack/preact-query';
import { useLocation } from 'preact-iso';
import { useEffect } from 'preact/hooks';
import { get, post } from '../api.js';
import { ProblemMessage } from '../components/problem.js';
import { formatDate, useT } from '../i18n.js';
import { IntervieweeFrame } from '../interviewee/frame.js';
import { saveReceipt } from '../interviewee/receipt.js';
import { awaitingOrAnswered, type InterviewDocument } from '../interviewee/answer-state.js';
import { SummaryAnswer } from '../interviewee/summary-answer.js';
import { useSession } from '../session.js';

export default function IntervieweeConfirm({ id }: { id: string }) {
  const { t } = useT('interviewee');
  const session = useSession();
  const client = useQueryClient();
  const { url, route } = useLocation();
  const user = session.data?.user;
  const signedOut = session.isSuccess && !user;
  useEffect(() => {
    // Not again from the sign-in page's URL while it loads: it would become its own way back.
    if (signedOut && !url.startsWith('/signin')) route(`/signin?returnTo=${encodeURIComponent(url)}`, true);
  }, [signedOut, url]);
  const interview = useQuery({ queryKey: ['interview', id], queryFn: () => get<InterviewDocument>(`/interviews/${id}`), enabled: !!user });

  let content;
  if (session.isPending || (user && interview.isPending)) content = <p class="loading">{t('common:actions.loading')}</p>;
  else if (session.isError) content = <ProblemMessage error={session.error} onRetry={() => void session.refetch()} />;
  else if (!user) content = null;
  else if (interview.isError) content = <ProblemMessage error={interview.error} onRetry={() => void interview.refetch()} />;
  else if (interview.data) {
    const doc = interview.data;
    const shown = awaitingOrAnswered(doc);
    const mine = doc.interviewee.userId === user.id;
    const refresh = () => client.invalidateQueries({ queryKey: ['interview', id] });
    content = !shown ? (
      <section class="interviewee-gone">
        <h1>{t('page.title')}</h1>
        <p class="lead">{t('page.nothingAwaits')}</p>
      </section>
    ) : (
      <SummaryAnswer
        summary={shown.summary}
        // "You confirmed" is said to the interviewee only; anyone else reads the version and the note below.
        answer={mine ? shown.answer : null}
        intro={<p class="lead">{t('page.lead', { name: doc.interviewee.name, date: formatDate(doc.conductedAt ?? doc.scheduledAt) })}</p>}
        blocked={mine ? undefined : t('page.notYours')}
        onConfirm={async (idempotencyKey) => {
          await post(`/interviews/${id}/summary/confirm`, { summaryVersion: shown.summary.summaryVersion, summaryHash: shown.summary.summaryHash }, { idempotencyKey });
          await refresh();
        }}
        onRequestRevision={async (comments, idempotencyKey) => {
          await post(`/interviews/${id}/summary/request-revision`, { summaryVersion: shown.summary.summaryVersion, comments }, { idempotencyKey });
          await refresh();
        }}
        onReceipt={() => saveReceipt(`/interviews/${id}/summary/receipt`, `receipt-${id}-v${shown.summary.summaryVersion}.json`)}
      />
    );
  }
  return (
    <IntervieweeFrame aside={user && <span class="hint signed-in-as">{t('common:session.signedInAs', { name: user.name })}</span>}>
      {content}
    </IntervieweeFrame>
  );
}
