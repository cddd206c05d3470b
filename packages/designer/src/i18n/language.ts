/** The languages the web app ships a catalogue for; the first is the fallback. */
export const LANGUAGES = ['en', 'de'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each language's own name, as its speakers write it (for the switch). */
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', de: 'Deutsch' };

const STORAGE_KEY = 'exflow.language';

function isLanguage(value: string): value is Language {
  return (LANGUAGES as readonly string[]).includes(value);
}

/**
 * The language to show: the one the user chose (remembered), else the first of the browser's
 * languages we ship ("de-AT" → "de"), else English.
 * @example pickLanguage(null, ['fr-FR', 'de-AT']) // 'de'
 */
export function pickLanguage(chosen: string | null | undefined, browserLanguages: readonly string[]): Language {
  if (chosen && isLanguage(chosen)) return chosen;
  for (const tag of browserLanguages) {
    const base = tag.toLowerCase().split('-')[0] ?? '';
    if (isLanguage(base)) return base;
  }
  return LANGUAGES[0];
}

/**
 * The locale dates and amounts are written in: the browser's own variant of the language when
 * it has one ("en-US" for an American reading English), else the language's usual region.
 * @example formattingLocale('de', ['de-CH']) // 'de-CH'
 */
export function formattingLocale(language: Language, browserLanguages: readonly string[]): string {
  const own = browserLanguages.find((tag) => tag.toLowerCase().split('-')[0] === language && tag.includes('-'));
  return own ?? (language === 'de' ? 'de-DE' : 'en-GB');
}

export function loadChosenLanguage(storage: Storage | undefined = globalThis.localStorage): string | null {
  try {
    return storage?.getItem(STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}

export function saveChosenLanguage(language: Language, storage: Storage | undefined = globalThis.localStorage): void {
  try {
    storage?.setItem(STORAGE_KEY, language);
  } catch {
    // a browser that refuses storage still switches, it only forgets on reload
  }
}

export function browserLanguages(): readonly string[] {
  return globalThis.navigator?.languages ?? [];
}
