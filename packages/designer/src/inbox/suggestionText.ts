import { anomalyBand, probabilityBand, wholePercent, type SuggestionFactor } from '@exflow/shared';
import { currentLocale, i18n, runtimeText as t } from '../i18n/i18n.js';
import { decimal, exceptionLabel } from '../workspace/format.js';

/**
 * How likely a suggested outcome is, in the user's language, with its percentage.
 * @example probabilityText(0.93) // 'wahrscheinlich, 93 %' in German
 */
export function probabilityText(probability: number): string {
  return t(`aiWords.probability.${probabilityBand(probability)}`, { pct: decimal(wholePercent(probability)) });
}

/**
 * How unusual an invoice is against its supplier's history, in the user's language.
 * @example anomalyText(0.86, true) // 'sehr ungewöhnlich, 86 %' in German
 */
export function anomalyText(score: number, flagged: boolean): string {
  return t(`aiWords.anomaly.${anomalyBand(score, flagged)}`, { pct: decimal(wholePercent(score)) });
}

/** Amounts the reason quotes as money (always with cents); the invoice's currency is not in it. */
const MONEY = new Set(['gross', 'typical']);

/** A reason's values as the user's locale writes them: numbers, money, a date, an exception kind. */
function localised(params: Record<string, string | number>): Record<string, string | number> {
  const locale = currentLocale();
  return Object.fromEntries(
    Object.entries(params).map(([name, value]) => {
      if (name === 'count') return [name, value]; // i18next picks the plural form from the number
      if (name === 'kind' && typeof value === 'string') return [name, exceptionLabel(value)];
      // a calendar date (an issue date): written as that day wherever the browser is
      if (name === 'date' && typeof value === 'string')
        return [name, new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(value))];
      if (typeof value !== 'number') return [name, value];
      if (MONEY.has(name)) return [name, new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value)];
      return [name, decimal(value, 2, locale)];
    }),
  );
}

/**
 * One reason behind a suggestion or an anomaly score in the user's language, from the code and
 * values shared gave it; a factor without a code (stored before codes existed, or from a model
 * of the tenant's own) or with a code the catalogue does not know keeps the server's English.
 * @example factorText({ feature: 'variancePct', code: 'variancePct', params: { pct: 4.2 }, text: '…', weight: 1 }) // 'Preis 4,2 % über der Bestellung'
 */
export function factorText(factor: Pick<SuggestionFactor, 'code' | 'params' | 'text'>): string {
  if (!factor.code) return factor.text;
  const key = `aiReason.${factor.code}`;
  const params = localised(factor.params ?? {});
  return i18n.exists(key, params) ? t(key, params) : factor.text;
}
