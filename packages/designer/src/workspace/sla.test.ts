import { describe, expect, it } from 'vitest';
import { formatDuration, slaState } from './sla.js';

const created = '2026-11-25T12:00:00Z';
const due = '2026-11-26T12:00:00Z'; // a 24 h SLA
const at = (iso: string) => Date.parse(iso);

describe('slaState', () => {
  it('is green with most of the window left', () => {
    expect(slaState(due, created, at('2026-11-25T20:00:00Z'))).toEqual({ level: 'ok', label: '16 h left', leftMs: 16 * 3600_000 });
  });
  it('turns amber in the last fifth of the window', () => {
    expect(slaState(due, created, at('2026-11-26T07:30:00Z')).level).toBe('amber');
    expect(slaState(due, created, at('2026-11-26T06:00:00Z')).level).toBe('ok');
  });
  it('turns amber in the last hour even of a long SLA', () => {
    expect(slaState('2026-12-25T12:00:00Z', created, at('2026-12-25T11:30:00Z'))).toMatchObject({ level: 'amber', label: '30 min left' });
  });
  it('turns red once past due', () => {
    expect(slaState(due, created, at('2026-11-26T14:30:00Z'))).toMatchObject({ level: 'red', label: 'overdue by 2 h 30 min' });
  });
  it('has no level without a due time', () => {
    expect(slaState(null, created, 0)).toEqual({ level: 'none', label: 'no SLA', leftMs: null });
  });
});

describe('formatDuration', () => {
  it('keeps the two largest units', () => {
    expect(formatDuration(2 * 86400_000 + 4 * 3600_000 + 5 * 60_000)).toBe('2 d 4 h');
    expect(formatDuration(3600_000)).toBe('1 h');
    expect(formatDuration(45_000)).toBe('45 s');
  });
});

describe('in another language', () => {
  const german = {
    units: { day: 'T', hour: 'Std.', minute: 'Min.', second: 's' },
    none: 'keine SLA',
    left: (d: string) => `noch ${d}`,
    overdue: (d: string) => `${d} überfällig`,
  };
  it('writes the countdown with the given words', () => {
    expect(slaState(due, created, at('2026-11-25T20:00:00Z'), german).label).toBe('noch 16 Std.');
    expect(slaState(due, created, at('2026-11-26T14:30:00Z'), german).label).toBe('2 Std. 30 Min. überfällig');
    expect(slaState(null, created, 0, german).label).toBe('keine SLA');
  });
});
