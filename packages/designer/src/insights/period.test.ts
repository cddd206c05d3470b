import { describe, expect, it } from 'vitest';
import { matchingRange, periodInstants, quickRange } from './period.js';

describe('Insights periods', () => {
  const today = new Date(2026, 11, 1, 15, 30); // 1 December 2026, local time

  it('quick ranges end today, or at the end of last month', () => {
    expect(quickRange('7d', today)).toEqual({ from: '2026-11-25', to: '2026-12-01' });
    expect(quickRange('90d', today)).toEqual({ from: '2026-09-03', to: '2026-12-01' });
    expect(quickRange('month', today)).toEqual({ from: '2026-12-01', to: '2026-12-01' });
    expect(quickRange('lastMonth', today)).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    expect(quickRange('quarter', new Date(2026, 4, 20))).toEqual({ from: '2026-04-01', to: '2026-05-20' });
    expect(matchingRange({ from: '2026-11-01', to: '2026-11-30' }, today)).toBe('lastMonth');
    expect(matchingRange({ from: '2026-11-02', to: '2026-11-30' }, today)).toBe('');
  });

  it('turns whole local days into the API’s half-open instants, and refuses a period that ends before it starts', () => {
    const instants = periodInstants({ from: '2026-11-01', to: '2026-11-30' }) as { from: string; to: string };
    expect(new Date(instants.from).getTime()).toBe(new Date(2026, 10, 1).getTime());
    expect(new Date(instants.to).getTime()).toBe(new Date(2026, 11, 1).getTime());
    expect(periodInstants({ from: '2026-11-30', to: '2026-11-01' })).toEqual({ problem: 'endsBeforeStart' });
    expect(periodInstants({ from: '', to: '2026-11-01' })).toEqual({ problem: 'noFirstDay' });
  });
});
