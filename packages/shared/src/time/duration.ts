const ISO_DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d{1,3})?)S)?)?$/;

/**
 * Milliseconds in an ISO 8601 duration of days, hours, minutes and seconds (seconds may have
 * up to three decimals: `PT0.05S`), or `undefined`
 * when the text is not one. Months and years are refused: their length depends on the calendar.
 * @example durationToMs('PT24H') // 86400000
 */
export function durationToMs(text: string): number | undefined {
  const m = ISO_DURATION.exec(text);
  if (!m || text === 'P' || text.endsWith('T')) return undefined;
  const [d, h, min, s] = m.slice(1).map((v) => Number(v ?? 0));
  return Math.round((((d * 24 + h) * 60 + min) * 60 + s) * 1000);
}
