import { Decimal } from 'decimal.js';

/**
 * Decimals for the checks: 40 significant digits and half-up rounding, in a private
 * constructor so nothing depends on (or changes) the global `Decimal` configuration.
 */
export const Money = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type Money = InstanceType<typeof Money>;

// ISO 4217 currencies without a minor unit, or with three decimals; every other has two.
const MINOR_UNITS: Record<string, number> = { JPY: 0, KRW: 0, ISK: 0, CLP: 0, VND: 0, XAF: 0, XOF: 0, HUF: 2, BHD: 3, KWD: 3, OMR: 3, JOD: 3, TND: 3 };

/**
 * Decimal places of a currency's minor unit: 2 for EUR, 0 for JPY, 3 for KWD.
 * @example minorUnits('JPY') // 0
 */
export const minorUnits = (currency: string): number => MINOR_UNITS[currency] ?? 2;

/** `value` rounded half-up to the currency's minor unit. */
export const roundToCurrency = (value: Decimal.Value, currency: string): Money => new Money(value).toDecimalPlaces(minorUnits(currency), Decimal.ROUND_HALF_UP);

/** Canonical text of a computed amount: plain notation, no "-0". */
export const moneyText = (value: Decimal.Value): string => {
  const d = new Money(value);
  return d.isZero() ? '0' : d.toFixed();
};

/** Whole days from `from` to `to` (dates or timestamps, read as UTC calendar days). */
export function daysBetween(from: string, to: string): number {
  const day = (s: string) => Date.UTC(Number(s.slice(0, 4)), Number(s.slice(5, 7)) - 1, Number(s.slice(8, 10)));
  return Math.round((day(to) - day(from)) / 86_400_000);
}

/** An amount written with the currency's minor unit: "16.00" for EUR, "191" for JPY. */
export const amountText = (value: Decimal.Value, currency: string): string => roundToCurrency(value, currency).toFixed(minorUnits(currency));
