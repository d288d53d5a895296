/** The interviewee's page has no navigation: the language choice and the page itself. */
import type { ComponentChildren } from 'preact';
import { LANGUAGES, setLanguage, useT } from '../i18n.js';

export const IntervieweeFrame = ({ children, aside }: { children: ComponentChildren; aside?: ComponentChildren }) => {
  const { t, language } = useT();
  return (
    <div class="interviewee-frame">
      <a class="skip" href="#main">
        {t('app.skip')}
      </a>
      <div class="language-row" role="group" aria-label={t('language.label')}>
        {aside}
        {LANGUAGES.map((l) => (
          <button key={l} type="button" class="link" lang={l} aria-pressed={l === language} onClick={() => void setLanguage(l)}>
            {t(`language.${l}`)}
          </button>
        ))}
      </div>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
};
