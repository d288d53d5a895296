/** The home page's offer on an empty instance: create the demo engagement, showing its progress. */
import { useQueryClient } from '@tanstack/preact-query';
import { useLocation } from 'preact-iso';
import { useState } from 'preact/hooks';
import { ProblemWithNextStep } from './problem-next-step.js';
import { useT } from '../i18n.js';
import { SESSION_KEY, type User } from '../session.js';
import { createDemoEngagement, type DemoProgress } from './demo-engagement.js';

export const DemoEngagement = ({ user, development }: { user: User; development: boolean }) => {
  const { t, language } = useT('consultant');
  const client = useQueryClient();
  const { route } = useLocation();
  const [progress, setProgress] = useState<DemoProgress>();
  const [error, setError] = useState<unknown>();
  if (!development) return <p class="hint">{t('demo.onlyDevelopment')}</p>;
  const create = async () => {
    setError(undefined);
    setProgress({ step: 0, of: 1 });
    try {
      const id = await createDemoEngagement(user, language, setProgress);
      await client.invalidateQueries();
      route(`/e/${id}`);
    } catch (failure) {
      setError(failure);
      setProgress(undefined);
      await client.invalidateQueries({ queryKey: SESSION_KEY });
      await client.invalidateQueries({ queryKey: ['engagements'] });
    }
  };
  return (
    <div class="demo stack">
      <p>{t('demo.lead')}</p>
      <p class="hint">{t('demo.actors')}</p>
      <button type="button" class="primary large" disabled={!!progress} onClick={() => void create()}>
        {t('demo.create')}
      </button>
      {progress && (
        <div role="status">
          <progress max={progress.of} value={progress.step} aria-label={t('demo.create')} />{' '}
          {t('demo.progress', { step: Math.min(progress.step, progress.of), of: progress.of })}
        </div>
      )}
      {error !== undefined && (
        <>
          <ProblemWithNextStep error={error} />
          <p>{t('demo.failed')}</p>
        </>
      )}
    </div>
  );
};
