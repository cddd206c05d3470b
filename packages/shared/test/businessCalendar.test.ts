import { describe, expect, it } from 'vitest';
import { addBusinessDuration, isKnownTimeZone, slaDueAt } from '../src/index.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('addBusinessDuration', () => {
  it('Friday 16:00 + 1 business day is Monday 16:00', () => {
    expect(iso(addBusinessDuration(at('2026-11-27T16:00:00Z'), 'P1D'))).toBe('2026-11-30T16:00:00.000Z');
  });

  it('skips a holiday: Thursday before Good Friday + 1 business day is Easter Tuesday', () => {
    const calendar = { holidays: ['2026-04-03', '2026-04-06'] }; // Good Friday, Easter Monday
    expect(iso(addBusinessDuration(at('2026-04-02T09:30:00Z'), 'P1D', calendar))).toBe('2026-04-07T09:30:00.000Z');
  });

  it('counts several days across a weekend, and adds the time part as clock time', () => {
    expect(iso(addBusinessDuration(at('2026-11-25T10:00:00Z'), 'P3D'))).toBe('2026-11-30T10:00:00.000Z');
    expect(iso(addBusinessDuration(at('2026-11-25T10:00:00Z'), 'P1DT4H'))).toBe('2026-11-26T14:00:00.000Z');
  });

  it('moves an end that falls on a day off to the next working day', () => {
    // Friday 22:00 + 4 h is Saturday 02:00: Monday 02:00
    expect(iso(addBusinessDuration(at('2026-11-27T22:00:00Z'), 'PT4H'))).toBe('2026-11-30T02:00:00.000Z');
  });

  it('follows the working days the tenant gives (a Sunday-to-Thursday week)', () => {
    const calendar = { workingDays: [7, 1, 2, 3, 4] };
    // Thursday + 1 business day: Sunday
    expect(iso(addBusinessDuration(at('2026-11-26T08:00:00Z'), 'P1D', calendar))).toBe('2026-11-29T08:00:00.000Z');
  });

  it("counts days in the calendar's time zone and keeps the wall-clock time across a DST change", () => {
    // Friday 23 Oct 2026 16:00 in Berlin (14:00 UTC, summer time) + 1 business day: Monday 26 Oct
    // 16:00 in Berlin, which is 15:00 UTC once the clocks went back on Sunday 25 Oct
    const berlin = { timeZone: 'Europe/Berlin' };
    expect(iso(addBusinessDuration(at('2026-10-23T14:00:00Z'), 'P1D', berlin))).toBe('2026-10-26T15:00:00.000Z');
    // Friday 00:30 in Berlin is still Thursday in UTC: in Berlin + 1 business day is Monday 00:30
    expect(iso(addBusinessDuration(at('2026-11-26T23:30:00Z'), 'P1D', berlin))).toBe('2026-11-29T23:30:00.000Z');
    // the same instant counted in UTC: Thursday + 1 is Friday
    expect(iso(addBusinessDuration(at('2026-11-26T23:30:00Z'), 'P1D'))).toBe('2026-11-27T23:30:00.000Z');
  });

  it('reads a holiday as a date in the time zone', () => {
    const calendar = { timeZone: 'Europe/Berlin', holidays: ['2026-12-25'] };
    // Thursday 24 Dec 10:00 Berlin + 1 business day: Christmas Day is off, so Monday 28 Dec
    expect(iso(addBusinessDuration(at('2026-12-24T09:00:00Z'), 'P1D', calendar))).toBe('2026-12-28T09:00:00.000Z');
  });

  it('answers undefined for a text that is not a duration and for a calendar without working days', () => {
    expect(addBusinessDuration(at('2026-11-27T16:00:00Z'), '24 hours')).toBeUndefined();
    const allHolidays = {
      workingDays: [1],
      holidays: Array.from({ length: 600 }, (_, i) => new Date(Date.UTC(2026, 10, 30) + i * 7 * 86_400_000).toISOString().slice(0, 10)),
    };
    expect(addBusinessDuration(at('2026-11-27T16:00:00Z'), 'P1D', allHolidays)).toBeUndefined();
  });

  it('falls back to UTC for an unknown time zone', () => {
    expect(isKnownTimeZone('Mars/Olympus')).toBe(false);
    expect(isKnownTimeZone('Europe/Berlin')).toBe(true);
    expect(iso(addBusinessDuration(at('2026-11-27T16:00:00Z'), 'P1D', { timeZone: 'Mars/Olympus' }))).toBe('2026-11-30T16:00:00.000Z');
  });
});

describe('slaDueAt', () => {
  it('is plain elapsed time unless business days are asked for', () => {
    expect(iso(slaDueAt(at('2026-11-27T16:00:00Z'), 'PT24H'))).toBe('2026-11-28T16:00:00.000Z');
    expect(iso(slaDueAt(at('2026-11-27T16:00:00Z'), 'P1D', { businessDays: true }))).toBe('2026-11-30T16:00:00.000Z');
    expect(slaDueAt(0, 'soon')).toBeUndefined();
  });
});
