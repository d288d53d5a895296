/** An API problem in its own words, and for a refusal (403, or a domain rule's 409) what to do next. */
import { ApiError } from '../api.js';
import { fieldError, ProblemMessage } from '../components/problem.js';
import { i18n, useT } from '../i18n.js';

export const ProblemWithNextStep = ({ error, onRetry }: { error: unknown; onRetry?: () => void }) => {
  const { t } = useT('consultant');
  if (!error) return null;
  const code = error instanceof ApiError && error.status === 409 ? error.problem.code : undefined;
  const key = `consultant:next.${code}`;
  return (
    <>
      <ProblemMessage error={error} onRetry={onRetry} />
      {code && i18n.exists(key) && <p class="next-step">{t(`next.${code}`)}</p>}
      {error instanceof ApiError && error.status === 403 && <p class="next-step">{t('forbidden')}</p>}
    </>
  );
};

/** The API's message for one field (path like `/interviewee/name`), shown beside the field. */
export const FieldError = ({ error, path }: { error: unknown; path: string }) => {
  const message = fieldError(error, path);
  return message ? <span class="field-error">{message}</span> : null;
};
