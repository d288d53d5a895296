import { useT } from '../i18n.js';

export default function NotFound() {
  const { t } = useT();
  return (
    <main id="main" class="narrow">
      <h1>{t('errors.notFound')}</h1>
      <p>
        <a href="/">{t('nav.engagements')}</a>
      </p>
    </main>
  );
}
