/** A period of whole days as the Insights page shows it: first and last day, both included (YYYY-MM-DD, local time). */
export interface Period {
  from: string;
  to: string;
}

/** The quick ranges, in the order the picker offers them (their names are `period.range.<id>` in the catalogue). */
export const QUICK_RANGES = ['7d', '30d', '90d', 'month', 'lastMonth', 'quarter'] as const;
export type QuickRange = (typeof QUICK_RANGES)[number];

/** Why days are not a period (the reason's words are `period.<problem>` in the catalogue). */
export type PeriodProblem = 'noFirstDay' | 'noLastDay' | 'endsBeforeStart';

const day = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

/**
 * The days a quick range covers on `today` (local time): the last n days end today; a month or
 * quarter runs from its first day to today, last month to its last day.
 * @example quickRange('lastMonth', new Date(2026, 11, 1)) // { from: '2026-11-01', to: '2026-11-30' }
 */
export function quickRange(range: QuickRange, today: Date): Period {
  const y = today.getFullYear();
  const m = today.getMonth();
  switch (range) {
    case '7d':
    case '30d':
    case '90d':
      return { from: day(new Date(y, m, today.getDate() - Number(range.slice(0, -1)) + 1)), to: day(today) };
    case 'month':
      return { from: day(new Date(y, m, 1)), to: day(today) };
    case 'lastMonth':
      return { from: day(new Date(y, m - 1, 1)), to: day(new Date(y, m, 0)) };
    case 'quarter':
      return { from: day(new Date(y, m - (m % 3), 1)), to: day(today) };
  }
}

/**
 * The API's half-open instants for a period of local days: from the first day's midnight to the
 * midnight after the last day; the reason when the days are not a period.
 * @example periodInstants({ from: '2026-11-01', to: '2026-11-30' })
 */
export function periodInstants(period: Period): { from: string; to: string } | { problem: PeriodProblem } {
  const parse = (text: string) => (/^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(`${text}T00:00:00`) : null);
  const from = parse(period.from);
  const to = parse(period.to);
  if (!from || Number.isNaN(from.getTime())) return { problem: 'noFirstDay' };
  if (!to || Number.isNaN(to.getTime())) return { problem: 'noLastDay' };
  if (to < from) return { problem: 'endsBeforeStart' };
  const after = new Date(to.getFullYear(), to.getMonth(), to.getDate() + 1);
  return { from: from.toISOString(), to: after.toISOString() };
}

/** The quick range a period is, if it is one on `today`. */
export function matchingRange(period: Period, today: Date): QuickRange | '' {
  return (
    QUICK_RANGES.find((r) => {
      const p = quickRange(r, today);
      return p.from === period.from && p.to === period.to;
    }) ?? ''
  );
}
