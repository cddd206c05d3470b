import { splitDuration } from './duration.js';

/**
 * A tenant's working calendar: which weekdays are worked and which dates are holidays, in
 * one time zone. SLAs counted in business days skip the rest.
 */
export interface BusinessCalendar {
  /** ISO weekdays that are worked, 1 Monday … 7 Sunday. Default Monday to Friday. */
  workingDays?: number[];
  /** Dates nobody works (`YYYY-MM-DD`, in the calendar's time zone). */
  holidays?: string[];
  /** IANA time zone the days are counted in, e.g. `Europe/Berlin`. Default (or unknown): UTC. */
  timeZone?: string;
}

const DAY = 86_400_000;
const MONDAY_TO_FRIDAY = [1, 2, 3, 4, 5];
/** Ten years of days off in a row means the calendar has no working day: stop rather than loop. */
const MAX_SKIPPED_DAYS = 3660;

/** Whether `timeZone` names a zone this platform's Intl knows. */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** How far the zone's wall clock is ahead of UTC at `instant`, in ms. */
function zoneOffset(instant: number, timeZone: string): number {
  if (timeZone === 'UTC') return 0;
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(instant);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
  return wall - (instant - (((instant % 1000) + 1000) % 1000));
}

/** The zone's wall clock as if it were UTC, so day steps keep the time of day across DST. */
const toWall = (instant: number, zone: string) => instant + zoneOffset(instant, zone);
const fromWall = (wall: number, zone: string) => wall - zoneOffset(wall - zoneOffset(wall, zone), zone);

/**
 * When a duration counted in business days ends: each day of the duration is a working day
 * (weekdays not worked and holidays are skipped, the time of day kept), then the time part
 * is added as clock time; an end that falls on a day off moves to the next working day at the
 * same time. `undefined` when the duration is not ISO 8601 or the calendar has no working day.
 * @example
 * // Friday 27 Nov 2026 16:00 UTC + 1 business day → Monday 30 Nov 2026 16:00 UTC
 * addBusinessDuration(Date.parse('2026-11-27T16:00:00Z'), 'P1D', {}) // Date.parse('2026-11-30T16:00:00Z')
 */
export function addBusinessDuration(start: number, duration: string, calendar: BusinessCalendar = {}): number | undefined {
  const parts = splitDuration(duration);
  if (!parts) return undefined;
  const zone = calendar.timeZone && isKnownTimeZone(calendar.timeZone) ? calendar.timeZone : 'UTC';
  const worked = new Set(calendar.workingDays?.length ? calendar.workingDays : MONDAY_TO_FRIDAY);
  const holidays = new Set(calendar.holidays ?? []);
  const isWorking = (wall: number) => {
    const date = new Date(wall);
    const isoWeekday = date.getUTCDay() || 7;
    return worked.has(isoWeekday) && !holidays.has(date.toISOString().slice(0, 10));
  };
  let skipped = 0;
  const nextWorking = (wall: number) => {
    while (!isWorking(wall)) {
      if (++skipped > MAX_SKIPPED_DAYS) return undefined;
      wall += DAY;
    }
    return wall;
  };
  let wall: number | undefined = toWall(start, zone);
  for (let day = 0; day < parts.days && wall !== undefined; day++) wall = nextWorking(wall + DAY);
  if (wall === undefined) return undefined;
  wall = nextWorking(wall + parts.timeMs);
  return wall === undefined ? undefined : fromWall(wall, zone);
}

/**
 * When an SLA ends: in business days on the calendar when `businessDays` is set, else plain
 * elapsed time. `undefined` when the duration is not ISO 8601.
 * @example slaDueAt(Date.parse('2026-11-27T16:00:00Z'), 'PT24H') // Date.parse('2026-11-28T16:00:00Z')
 */
export function slaDueAt(start: number, duration: string, options: { businessDays?: boolean; calendar?: BusinessCalendar } = {}): number | undefined {
  if (options.businessDays) return addBusinessDuration(start, duration, options.calendar);
  const parts = splitDuration(duration);
  return parts && start + parts.days * DAY + parts.timeMs;
}
