import { describe, expect, it } from 'vitest';
import { calendarDate, clockTime, dateTime, decimal, money, percent } from './format.js';

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

describe('dateTime', () => {
  // a local moment, so the test reads the same in every time zone the machine may have
  const at = new Date(2025, 11, 3, 14, 5).toISOString();
  it('always writes the year, in both languages', () => {
    expect(plain(dateTime(at, 'en-GB'))).toBe('3 Dec 2025, 14:05');
    expect(plain(dateTime(at, 'de-DE'))).toBe('03.12.2025, 14:05');
    expect(plain(dateTime(at, 'en-US'))).toBe('Dec 3, 2025, 2:05 PM');
  });
  it("writes this year's dates with their year too", () => {
    const now = new Date();
    const thisYear = new Date(now.getFullYear(), 0, 15, 9, 30).toISOString();
    expect(dateTime(thisYear, 'en-GB')).toContain(String(now.getFullYear()));
    expect(dateTime(thisYear, 'de-DE')).toContain(String(now.getFullYear()));
  });
  it('shows a dash for no moment', () => {
    expect(dateTime(null, 'en-GB')).toBe('—');
  });
});

describe('clockTime', () => {
  const now = new Date(2025, 11, 3, 14, 0).getTime();
  it('writes the time with seconds for a moment later the same day', () => {
    expect(clockTime(new Date(2025, 11, 3, 14, 5, 30).toISOString(), now, 'en-GB')).toBe('14:05:30');
    expect(clockTime(new Date(2025, 11, 3, 14, 5, 30).toISOString(), now, 'de-DE')).toBe('14:05:30');
  });
  it('writes the date too for a moment on another day', () => {
    expect(plain(clockTime(new Date(2025, 11, 4, 8, 0).toISOString(), now, 'de-DE'))).toBe('04.12.2025, 08:00');
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
