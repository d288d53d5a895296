/** The frame of every signed-in page: header with navigation, language switch and the user. */
import type { ComponentChildren } from 'preact';
import { useLocation } from 'preact-iso';
import { LANGUAGES, setLanguage, useT } from '../i18n.js';
import { hasRole, useSession, useSignOut } from '../session.js';

export const Layout = ({ children }: { children: ComponentChildren }) => {
  const { t, language } = useT();
  const session = useSession();
  const signOut = useSignOut();
  const { url } = useLocation();
  const user = session.data?.user;
  return (
    <>
      <a class="skip" href="#main">
        {t('app.skip')}
      </a>
      <header class="top">
        <a class="brand" href="/">
          <span>{t('app.name')}</span>
          <small>{t('app.tagline')}</small>
        </a>
        <nav aria-label={t('nav.menu')}>
          <a href="/" aria-current={url === '/' ? 'page' : undefined}>
            {t('nav.engagements')}
          </a>
          {hasRole(user, 'admin', 'pmo') && (
            <a href="/ops" aria-current={url === '/ops' ? 'page' : undefined}>
              {t('nav.operations')}
            </a>
          )}
        </nav>
        <div class="tools">
          <label class="language">
            <span class="visually-hidden">{t('language.label')}</span>
            <select value={language} onChange={(e) => void setLanguage((e.target as HTMLSelectElement).value as (typeof LANGUAGES)[number])}>
              {LANGUAGES.map((l) => (
                <option key={l} value={l}>
                  {t(`language.${l}`)}
                </option>
              ))}
            </select>
          </label>
          {user && (
            <span class="user">
              <span title={user.roles.map((r) => t(`roles.${r}`)).join(', ')}>{user.name}</span>
              <button type="button" class="link" onClick={() => void signOut()}>
                {t('session.signOut')}
              </button>
            </span>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
};
