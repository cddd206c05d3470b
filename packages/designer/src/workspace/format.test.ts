import { describe, expect, it } from 'vitest';
import { calendarDate, decimal, money, percent } from './format.js';

// Intl writes a narrow no-break space in some locales; compare on plain spaces
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('money', () => {
  it("writes the amount in the user's locale and the invoice's currency", () => {
    expect(plain(money('3450.5', 'EUR', 'de-DE'))).toBe('3.450,50 €');
    expect(money('3450.5', 'EUR', 'en-GB')).toBe('€3,450.50');
    expect(plain(money('1200', 'USD', 'de-DE'))).toBe('1.200,00 $');
  });
  it('shows a dash for no amount and the text for one that is not a number', () => {
    expect(money(null, 'EUR', 'en-GB')).toBe('—');
    expect(money('n/a', 'EUR', 'en-GB')).toBe('n/a');
  });
});

describe('calendarDate', () => {
  it('writes the same day in every time zone', () => {
    expect(calendarDate('2026-12-03', 'de-DE')).toBe('03.12.2026');
    expect(calendarDate('2026-12-03', 'en-GB')).toBe('3 Dec 2026');
  });
});

describe('numbers and shares', () => {
  it("write decimals and percentages in the user's locale, a dash for none", () => {
    expect(decimal(1234.56, 1, 'de-DE')).toBe('1.234,6');
    expect(decimal(1234.56, 1, 'en-GB')).toBe('1,234.6');
    expect(plain(percent(0.125, 1, 'de-DE'))).toBe('12,5 %');
    expect(percent(0.125, 0, 'en-GB')).toBe('13%');
    expect(percent(null)).toBe('—');
    expect(decimal(Number.NaN)).toBe('—');
  });
});
