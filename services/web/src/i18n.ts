/**
 * English and Simplified Chinese, switchable and remembered. Every word a person reads comes from
 * the locale files (`locales/<language>/<area>.ts`, one i18next namespace per area of the app), in
 * the glossary's terms. Dates and numbers follow the chosen language and the browser's time zone.
 */
import i18next from 'i18next';
import { useEffect, useState } from 'preact/hooks';
import { RESOURCES } from './locales/index.js';

export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];
const STORAGE_KEY = 'crm.language';

const initial = (): Language => {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored === 'en' || stored === 'zh-CN') return stored;
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
};

export const i18n = i18next.createInstance();
await i18n.init({
  lng: initial(),
  fallbackLng: 'en',
  resources: RESOURCES,
  ns: Object.keys(RESOURCES['en'] ?? {}),
  defaultNS: 'common',
  interpolation: { escapeValue: false }, // Preact escapes text
  returnNull: false,
});
document.documentElement.lang = i18n.language;

export const setLanguage = async (language: Language) => {
  localStorage.setItem(STORAGE_KEY, language);
  await i18n.changeLanguage(language);
  document.documentElement.lang = language;
};

/** `t` for a component, re-rendering it when the language changes. */
export const useT = (namespace: string = 'common') => {
  const [, setLanguageState] = useState(i18n.language);
  useEffect(() => {
    const changed = (language: string) => setLanguageState(language);
    i18n.on('languageChanged', changed);
    return () => i18n.off('languageChanged', changed);
  }, []);
  return { t: i18n.getFixedT(i18n.language, namespace), language: i18n.language as Language };
};

export const formatDateTime = (iso: string | null | undefined, options: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' }) =>
  iso ? new Intl.DateTimeFormat(i18n.language, options).format(new Date(iso)) : '–';
export const formatDate = (iso: string | null | undefined) => formatDateTime(iso, { dateStyle: 'medium' });
export const formatNumber = (value: number, options?: Intl.NumberFormatOptions) => new Intl.NumberFormat(i18n.language, options).format(value);
