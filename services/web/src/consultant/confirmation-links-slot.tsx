/**
 * What the interview record shows about confirmation, below the summary: for its interviewee, the
 * way to the confirmation page; for whoever runs interviews, the confirmation-links panel (issue,
 * list, revoke). Rendered inside `<section id="confirmation-links">`.
 */
import { ConfirmationLinks } from '../components/confirmation-links.js';
import { useT } from '../i18n.js';
import { hasRole, useSession } from '../session.js';
import type { Interview } from './documents.js';

export const ConfirmationLinksSlot = ({ interview }: { interview: Interview }) => {
  const { t } = useT('interviewee');
  const user = useSession().data?.user;
  if (user && interview.interviewee.userId === user.id) {
    return interview.status === 'summary-sent' ? (
      <p>
        <a class="button-link primary" href={`/i/${interview.id}/confirm`}>
          {t('page.openToConfirm')}
        </a>
      </p>
    ) : null;
  }
  if (!hasRole(user, 'consultant', 'pm', 'admin') || interview.status === 'scheduled' || interview.status === 'cancelled') return null;
  return <ConfirmationLinks interviewId={interview.id} />;
};
