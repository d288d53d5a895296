/**
 * Sign-in: with the organisation's identity provider (authorization code with PKCE, done by the
 * service), or – on the embedded default outside production – as a demo person picked with one click.
 */
import { useQueryClient } from '@tanstack/preact-query';
import { useLocation } from 'preact-iso';
import { useState } from 'preact/hooks';
import { ProblemMessage } from '../components/problem.js';
import { LANGUAGES, setLanguage, useT } from '../i18n.js';
import { SESSION_KEY, signInForDevelopment, signInWithProvider, useSession, type Role } from '../session.js';

const ROLES: Role[] = ['consultant', 'stakeholder', 'pm', 'pmo', 'admin'];

export default function SignIn() {
  const { t, language } = useT('home');
  const session = useSession();
  const client = useQueryClient();
  const { query, route } = useLocation();
  const [error, setError] = useState<unknown>();
  const [custom, setCustom] = useState({ userId: '', name: '', roles: [] as Role[] });
  const returnTo = typeof query['returnTo'] === 'string' && query['returnTo'].startsWith('/') ? query['returnTo'] : '/';

  const enter = async (person: { userId: string; name: string; roles: Role[] }) => {
    setError(undefined);
    try {
      await signInForDevelopment(person);
      await client.invalidateQueries({ queryKey: SESSION_KEY });
      route(returnTo);
    } catch (e) {
      setError(e);
    }
  };

  const methods = session.data?.signIn;
  return (
    <main id="main" class="narrow signin">
      <div class="language-row">
        {LANGUAGES.map((l) => (
          <button key={l} type="button" class="link" aria-pressed={l === language} onClick={() => void setLanguage(l)}>
            {t(`common:language.${l}`)}
          </button>
        ))}
      </div>
      <h1>{t('common:app.name')}</h1>
      <p class="lead">{t('signIn.lead')}</p>
      {session.isError && <ProblemMessage error={session.error} onRetry={() => void session.refetch()} />}
      {session.data?.user && (
        <p>
          {t('common:session.signedInAs', { name: session.data.user.name })} – <a href={returnTo}>{t('signIn.continue')}</a>
        </p>
      )}
      {methods?.oidc && (
        <button type="button" class="primary large" onClick={() => signInWithProvider(returnTo)}>
          {t('signIn.withProvider')}
        </button>
      )}
      {methods?.development && (
        <section aria-labelledby="demo-people">
          <h2 id="demo-people">{t('signIn.developmentTitle')}</h2>
          <p class="hint">{t('signIn.developmentHint')}</p>
          <ul class="people">
            {(session.data?.demoPeople ?? []).map((person) => (
              <li key={person.userId}>
                <button type="button" class="person" onClick={() => void enter(person)}>
                  <strong>{person.name}</strong>
                  <span>{t(`consultant:people.${person.userId.replace(/\./g, '_')}`, { defaultValue: person.title })}</span>
                  <small>{person.roles.map((r) => t(`common:roles.${r}`)).join(' · ')}</small>
                </button>
              </li>
            ))}
          </ul>
          <details>
            <summary>{t('signIn.someoneElse')}</summary>
            <form
              class="stack"
              onSubmit={(e) => {
                e.preventDefault();
                void enter(custom);
              }}
            >
              <label>
                {t('signIn.userId')}
                <input required value={custom.userId} onInput={(e) => setCustom({ ...custom, userId: (e.target as HTMLInputElement).value })} />
              </label>
              <label>
                {t('signIn.name')}
                <input required value={custom.name} onInput={(e) => setCustom({ ...custom, name: (e.target as HTMLInputElement).value })} />
              </label>
              <fieldset>
                <legend>{t('signIn.roles')}</legend>
                {ROLES.map((role) => (
                  <label key={role} class="check">
                    <input
                      type="checkbox"
                      checked={custom.roles.includes(role)}
                      onChange={(e) =>
                        setCustom({
                          ...custom,
                          roles: (e.target as HTMLInputElement).checked ? [...custom.roles, role] : custom.roles.filter((r) => r !== role),
                        })
                      }
                    />
                    {t(`common:roles.${role}`)}
                  </label>
                ))}
              </fieldset>
              <button type="submit" class="primary">
                {t('common:session.signIn')}
              </button>
            </form>
          </details>
        </section>
      )}
      {methods && !methods.oidc && !methods.development && <p class="problem">{t('signIn.none')}</p>}
      <ProblemMessage error={error} />
    </main>
  );
}
