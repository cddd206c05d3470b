import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { de } from './catalogue/de.js';
import { en } from './catalogue/en.js';
import { browserLanguages, formattingLocale, loadChosenLanguage, pickLanguage, saveChosenLanguage, type Language } from './language.js';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof en };
  }
}

/**
 * The app's one i18next instance: both catalogues are bundled (they are small), so it is ready
 * before the first render and a switch never waits on the network.
 */
export const i18n = i18next.createInstance();
void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, de: { translation: de } },
  lng: pickLanguage(loadChosenLanguage(), browserLanguages()),
  fallbackLng: 'en',
  initAsync: false,
  // React escapes what it renders; escaping here too would show "&amp;"
  interpolation: { escapeValue: false },
  returnNull: false,
});
syncDocumentLanguage();
i18n.on('languageChanged', syncDocumentLanguage);

function syncDocumentLanguage() {
  if (typeof document !== 'undefined') document.documentElement.lang = i18n.language;
}

/** Switches the whole app and remembers the choice in this browser. */
export function switchLanguage(language: Language): void {
  saveChosenLanguage(language);
  void i18n.changeLanguage(language);
}

export function currentLanguage(): Language {
  return pickLanguage(i18n.language, []);
}

/** The locale `Intl` formats dates and amounts in, following the chosen language. */
export function currentLocale(): string {
  return formattingLocale(currentLanguage(), browserLanguages());
}

/**
 * The catalogue's text for a key built at run time (`kind.${kind}`), unchecked. i18next's typed
 * `t` checks a key against the whole catalogue's type, which grows with every key (and at some
 * size, TS2589 "excessively deep"); a run-time key cast to some literal key only pretends to be
 * checked. Use the typed `t` for literal keys (checked, cheap) and this for built ones, after
 * `i18n.exists` where the key may be missing.
 * @example runtimeText(`kind.${kind}`) // 'Warten' in German for 'timer'
 */
export function runtimeText(key: string, options?: Record<string, unknown>): string {
  return (i18n.t as unknown as (key: string, options?: Record<string, unknown>) => string)(key, options);
}

/**
 * A node kind's name in the user's language; a kind the catalogue does not name (a newer one)
 * keeps the label shared declares.
 * @example kindLabel('timer', 'Wait') // 'Warten' in German
 */
export function kindLabel(kind: string, declared: string): string {
  return i18n.exists(`kind.${kind}`) ? runtimeText(`kind.${kind}`) : declared;
}

/** A node kind's description in the user's language, else the one shared declares. */
export function kindDescription(kind: string, declared: string): string {
  return i18n.exists(`kindHelp.${kind}`) ? runtimeText(`kindHelp.${kind}`) : declared;
}
