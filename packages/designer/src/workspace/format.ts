/** How the workspace writes amounts, exception kinds and times: in the user's language and locale. */
import { i18n, currentLocale } from '../i18n/i18n.js';

const EXCEPTION_KINDS = [
  'priceVariance',
  'quantityVariance',
  'amountVariance',
  'missingGoodsReceipt',
  'missingPo',
  'unmatchedLine',
  'currencyMismatch',
  'checkFailed',
] as const;
type KnownException = (typeof EXCEPTION_KINDS)[number];
const isKnown = (kind: string): kind is KnownException => (EXCEPTION_KINDS as readonly string[]).includes(kind);

/** "priceVariance" → "Price variance" (or the user's language); unknown kinds are split at their capitals. */
export function exceptionLabel(kind: string | null | undefined): string {
  if (!kind) return '—';
  if (isKnown(kind)) return i18n.t(`exception.${kind}`);
  const words = kind.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A decimal string as money in the user's locale and the invoice's currency ("€3,450.00", "3.450,00 €"); the string stays the value. */
export function money(amount: string | number | null | undefined, currency: string | null | undefined, locale = currentLocale()): string {
  if (amount === null || amount === undefined || amount === '') return '—';
  const n = Number(amount);
  if (!Number.isFinite(n)) return String(amount);
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency: currency || 'EUR' }).format(n);
  } catch {
    return `${n.toFixed(2)} ${currency ?? ''}`.trim();
  }
}

/** A number in the user's locale with at most `digits` decimals ("1,234.5", "1.234,5"); a dash for none. */
export function decimal(value: number | null | undefined, digits = 0, locale = currentLocale()): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value);
}

/** A share (0.125) as a percentage in the user's locale ("12.5%", "12,5 %"); a dash for none. */
export function percent(share: number | null | undefined, digits = 1, locale = currentLocale()): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return '—';
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: digits }).format(share);
}

/**
 * A moment as day, month, year and time in the user's locale, the way it writes them
 * ("3 Dec 2025, 14:05", "03.12.2025, 14:05", "Dec 3, 2025, 2:05 PM"). The year is always
 * written: audits and disputes span years, and a date without one is read as this year's.
 */
export function dateTime(iso: string | null | undefined, locale = currentLocale()): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

/**
 * A moment soon to come, as a person waiting for it reads it: the time with seconds when it is
 * on the same day as `now` ("14:05:30"), else the full {@link dateTime}.
 */
export function clockTime(iso: string, now: number, locale = currentLocale()): string {
  const at = new Date(iso);
  if (at.toDateString() !== new Date(now).toDateString()) return dateTime(iso, locale);
  return new Intl.DateTimeFormat(locale, { timeStyle: 'medium' }).format(at);
}

/** A calendar date ("2026-12-03") in the user's locale ("3 Dec 2026", "03.12.2026"); read as a date, not a moment. */
export function calendarDate(isoDate: string | null | undefined, locale = currentLocale()): string {
  if (!isoDate) return '—';
  const at = Date.parse(`${isoDate.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(at)) return isoDate;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(at);
}

/** "just now", "5 min ago", "3 hours ago" in the user's language. */
export function relative(iso: string, now: number, locale = currentLocale()): string {
  const s = Math.round((now - Date.parse(iso)) / 1000);
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'short' });
  if (s < 45) return rtf.format(0, 'second');
  if (s < 3600) return rtf.format(-Math.round(s / 60), 'minute');
  if (s < 86400) return rtf.format(-Math.round(s / 3600), 'hour');
  return rtf.format(-Math.round(s / 86400), 'day');
}
