import { useTranslation } from 'react-i18next';
import { currentLanguage, switchLanguage } from './i18n.js';
import { LANGUAGE_NAMES, LANGUAGES, type Language } from './language.js';

/** The top bar's language menu; the choice is remembered in this browser. */
export function LanguageSwitch() {
  const { t } = useTranslation();
  return (
    <label className="lang-switch">
      <span className="visually-hidden">{t('common.language')}</span>
      <select data-testid="language-switch" value={currentLanguage()} onChange={(e) => switchLanguage(e.target.value as Language)}>
        {LANGUAGES.map((l) => (
          <option key={l} value={l} lang={l}>
            {LANGUAGE_NAMES[l]}
          </option>
        ))}
      </select>
    </label>
  );
}
