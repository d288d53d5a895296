/**
 * Says, while reads wait for the service's read models to catch up (after a start, or with this
 * tab's own write), that the page fills in by itself – the reads are asked again meanwhile (`api.ts`).
 * The live region is always there, so that a screen reader hears the notice when it appears.
 */
import { useEffect, useState } from 'preact/hooks';
import { onCatchingUp } from '../api.js';
import { useT } from '../i18n.js';

export const CatchingUpNotice = () => {
  const { t } = useT();
  const [catchingUp, setCatchingUp] = useState(false);
  useEffect(() => onCatchingUp(setCatchingUp), []);
  return (
    <div class={catchingUp ? 'catching-up' : undefined} role="status">
      {catchingUp && (
        <>
          <span class="spinner" aria-hidden="true" />
          <strong>{t('catchingUp.title')}</strong> <span>{t('catchingUp.detail')}</span>
        </>
      )}
    </div>
  );
};
