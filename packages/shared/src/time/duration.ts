const ISO_DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d{1,3})?)S)?)?$/;

/** An ISO 8601 duration split into whole days and the time of day part, in milliseconds. */
export interface DurationParts {
  days: number;
  timeMs: number;
}

/**
 * The days and the time part of an ISO 8601 duration (`P2DT4H` → 2 days and 4 hours), or
 * `undefined` when the text is not one. Business-day arithmetic counts the days as working days.
 * @example splitDuration('P1DT2H') // { days: 1, timeMs: 7200000 }
 */
export function splitDuration(text: string): DurationParts | undefined {
  const m = ISO_DURATION.exec(text);
  if (!m || text === 'P' || text.endsWith('T')) return undefined;
  const [d, h, min, s] = m.slice(1).map((v) => Number(v ?? 0));
  return { days: d, timeMs: Math.round(((h * 60 + min) * 60 + s) * 1000) };
}

/**
 * Milliseconds in an ISO 8601 duration of days, hours, minutes and seconds (seconds may have
 * up to three decimals: `PT0.05S`), or `undefined`
 * when the text is not one. Months and years are refused: their length depends on the calendar.
 * @example durationToMs('PT24H') // 86400000
 */
export function durationToMs(text: string): number | undefined {
  const parts = splitDuration(text);
  return parts && parts.days * 86_400_000 + parts.timeMs;
}
