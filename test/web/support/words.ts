/**
 * The app's own words, from its locale files through i18next as the app uses them, so a test finds
 * a control by the label a person reads – in English and in Chinese – without restating it.
 */
import i18next, { type TFunction } from 'i18next';
import { readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Language } from './browser.js';

const locales = resolve(import.meta.dirname, '../../../services/web/src/locales');

export const translator = async (language: Language): Promise<TFunction> => {
  const resources: Record<string, Record<string, object>> = {};
  for (const lng of ['en', language]) {
    for (const file of await readdir(resolve(locales, lng))) {
      if (!file.endsWith('.ts')) continue;
      const module = (await import(pathToFileURL(resolve(locales, lng, file)).href)) as { default: object };
      (resources[lng] ??= {})[file.slice(0, -3)] = module.default;
    }
  }
  const instance = i18next.createInstance();
  await instance.init({ lng: language, fallbackLng: 'en', resources, defaultNS: 'common', interpolation: { escapeValue: false } });
  return instance.t;
};
