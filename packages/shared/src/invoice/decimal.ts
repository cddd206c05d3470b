import { Decimal } from 'decimal.js';
import type { DecimalString } from './invoice.js';

/**
 * Decimal arithmetic for intake. A private constructor with room for 40 significant digits, so
 * a price divided by its base quantity stays exact far beyond any currency's minor unit, and so
 * nothing here depends on (or changes) the global `Decimal` configuration.
 */
export const IntakeDecimal = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type IntakeDecimal = InstanceType<typeof IntakeDecimal>;
/** Wide enough that multiplying two intake decimals back never rounds, to test exactness. */
const CheckDecimal = Decimal.clone({ precision: 200 });

/**
 * `dividend ÷ divisor` at intake precision, and whether that quotient is exact.
 * @example divideExactly(new IntakeDecimal(60), new IntakeDecimal(12)) // { quotient: 5, exact: true }
 */
export function divideExactly(dividend: IntakeDecimal, divisor: IntakeDecimal): { quotient: IntakeDecimal; exact: boolean } {
  const quotient = dividend.div(divisor);
  return { quotient, exact: new CheckDecimal(quotient).times(divisor).eq(dividend) };
}

/** An amount as read: its value for arithmetic and its canonical text, scale kept ("25.00"). */
export interface Amount {
  value: IntakeDecimal;
  text: DecimalString;
}

/** xsd:decimal lexical form: optional sign, digits with an optional fraction, no exponent. */
const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/**
 * Reads a decimal written as text, as XML and CSV carry it ("1656.25", "-3", "+.5"), keeping
 * its scale: "25.00" stays "25.00", "+007.5" becomes "7.5". Exponents, thousands separators and
 * decimal commas are refused (`undefined`), because guessing which of "1.234,50" and
 * "1,234.50" was meant is how money goes wrong.
 * @example amountFromText('0.10')?.text // '0.10'
 */
export function amountFromText(raw: string): Amount | undefined {
  const match = DECIMAL_TEXT.exec(raw.trim());
  if (!match) return undefined;
  const [, sign = '', whole = '', fraction = ''] = match;
  if (whole === '' && fraction === '') return undefined;
  const digits = `${whole.replace(/^0+(?=\d)/, '') || '0'}${fraction ? `.${fraction}` : ''}`;
  const value = new IntakeDecimal(`${sign === '-' ? '-' : ''}${digits}`);
  return { value, text: value.isZero() || sign !== '-' ? digits : `-${digits}` };
}

/**
 * The canonical text of a computed decimal: plain notation (never "1e-7"), no trailing zeros,
 * no "-0".
 * @example formatDecimal(new IntakeDecimal('0.1').plus('0.2')) // '0.3'
 */
export function formatDecimal(value: Decimal.Value): DecimalString {
  const d = new IntakeDecimal(value);
  return d.isZero() ? '0' : d.toFixed();
}

/** Exact sum. */
export function sumDecimals(values: readonly Decimal.Value[]): IntakeDecimal {
  return values.reduce<IntakeDecimal>((acc, v) => acc.plus(v), new IntakeDecimal(0));
}
