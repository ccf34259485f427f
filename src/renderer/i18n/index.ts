import i18next, { type i18n } from 'i18next';
import type { Language } from '../../main/rpc/schema.js';
import { be } from './be.js';
import { en } from './en.js';
import { ru } from './ru.js';

export const catalogues = { be, ru, en } as const;

export function createI18n(language: Language): i18n {
  const instance = i18next.createInstance();
  void instance.init({
    lng: language,
    fallbackLng: false,
    resources: {
      be: { translation: be },
      ru: { translation: ru },
      en: { translation: en },
    },
    interpolation: { escapeValue: false }, // React escapes
    returnNull: false,
    initAsync: false,
    // A missing key is a bug: say so loudly in development rather than show a key name.
    saveMissing: true,
    missingKeyHandler: (_lngs, _ns, key) => {
      console.error(`missing translation key: ${key}`);
    },
  });
  return instance;
}
