/** A period of whole days as the Insights page shows it: first and last day, both included (YYYY-MM-DD, local time). */
export interface Period {
  from: string;
  to: string;
}

export const QUICK_RANGES = [
  { id: '7d', label: 'Last 7 days' },
  { id: '30d', label: 'Last 30 days' },
  { id: '90d', label: 'Last 90 days' },
  { id: 'month', label: 'This month' },
  { id: 'lastMonth', label: 'Last month' },
  { id: 'quarter', label: 'This quarter' },
] as const;
export type QuickRange = (typeof QUICK_RANGES)[number]['id'];

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
 * midnight after the last day; `null` with the reason when the days are not a period.
 * @example periodInstants({ from: '2026-11-01', to: '2026-11-30' })
 */
export function periodInstants(period: Period): { from: string; to: string } | { problem: string } {
  const parse = (text: string) => (/^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(`${text}T00:00:00`) : null);
  const from = parse(period.from);
  const to = parse(period.to);
  if (!from || Number.isNaN(from.getTime())) return { problem: 'Choose the first day of the period' };
  if (!to || Number.isNaN(to.getTime())) return { problem: 'Choose the last day of the period' };
  if (to < from) return { problem: 'The last day is before the first day' };
  const after = new Date(to.getFullYear(), to.getMonth(), to.getDate() + 1);
  return { from: from.toISOString(), to: after.toISOString() };
}

/** The quick range a period is, if it is one on `today`. */
export function matchingRange(period: Period, today: Date): QuickRange | '' {
  return (
    QUICK_RANGES.find((r) => {
      const p = quickRange(r.id, today);
      return p.from === period.from && p.to === period.to;
    })?.id ?? ''
  );
}
