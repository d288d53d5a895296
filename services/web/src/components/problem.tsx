/** Shows what went wrong in the API's own words (`detail`), and each field it names. */
import { ApiError, NetworkError } from '../api.js';
import { useT } from '../i18n.js';

export const ProblemMessage = ({ error, onRetry }: { error: unknown; onRetry?: () => void }) => {
  const { t } = useT();
  if (!error) return null;
  const offline = error instanceof NetworkError;
  const problem = error instanceof ApiError ? error.problem : undefined;
  return (
    <div class="problem" role="alert">
      <strong>{offline ? t('errors.offline') : (problem?.title ?? t('errors.title'))}</strong>
      {problem && <p>{problem.detail}</p>}
      {problem?.errors && problem.errors.length > 0 && (
        <ul>
          {problem.errors.map((e) => (
            <li key={e.path}>{t('errors.field', { field: e.path.replace(/^\//, '') || '—', message: e.message })}</li>
          ))}
        </ul>
      )}
      {!problem && !offline && error instanceof Error && <p>{error.message}</p>}
      {onRetry && (
        <button type="button" class="secondary" onClick={onRetry}>
          {t('actions.retry')}
        </button>
      )}
    </div>
  );
};

/** The message an API problem gives for one field (path like `/title`), to show beside it. */
export const fieldError = (error: unknown, path: string): string | undefined =>
  error instanceof ApiError ? error.problem.errors?.find((e) => e.path === path)?.message : undefined;
