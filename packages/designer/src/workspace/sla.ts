/** How a task stands against its SLA: green, amber in its last fifth (or hour), red once past due. */
export type SlaLevel = 'none' | 'ok' | 'amber' | 'red';

export interface SlaState {
  level: SlaLevel;
  /** "3 h 20 min left", "overdue by 2 h", or "no SLA". */
  label: string;
  /** Milliseconds left (negative when overdue); null without a due time. */
  leftMs: number | null;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The words a duration and an SLA are written with; English unless the caller passes its language's. */
export interface SlaWords {
  units: { day: string; hour: string; minute: string; second: string };
  none: string;
  left(duration: string): string;
  overdue(duration: string): string;
}

const ENGLISH: SlaWords = {
  units: { day: 'd', hour: 'h', minute: 'min', second: 's' },
  none: 'no SLA',
  left: (d) => `${d} left`,
  overdue: (d) => `overdue by ${d}`,
};

/** "2 d 4 h", "3 h 20 min", "12 min", "40 s": the two largest units that say something. */
export function formatDuration(ms: number, units: SlaWords['units'] = ENGLISH.units): string {
  const abs = Math.abs(ms);
  if (abs < MINUTE) return `${Math.floor(abs / 1000)} ${units.second}`;
  const days = Math.floor(abs / DAY);
  const hours = Math.floor((abs % DAY) / HOUR);
  const minutes = Math.floor((abs % HOUR) / MINUTE);
  if (days) return hours ? `${days} ${units.day} ${hours} ${units.hour}` : `${days} ${units.day}`;
  if (hours) return minutes ? `${hours} ${units.hour} ${minutes} ${units.minute}` : `${hours} ${units.hour}`;
  return `${minutes} ${units.minute}`;
}

/**
 * The SLA countdown of a task: amber when less than a fifth of its SLA window (opened → due)
 * is left, or less than an hour; red when past due.
 * @example slaState('2026-11-26T12:00:00Z', '2026-11-25T12:00:00Z', Date.parse('2026-11-26T08:00:00Z')) // amber, "4 h left"
 */
export function slaState(dueAt: string | null, createdAt: string, now: number, words: SlaWords = ENGLISH): SlaState {
  if (!dueAt) return { level: 'none', label: words.none, leftMs: null };
  const due = Date.parse(dueAt);
  const left = due - now;
  if (left <= 0) return { level: 'red', label: words.overdue(formatDuration(left, words.units)), leftMs: left };
  const window = Math.max(due - Date.parse(createdAt), 1);
  const level: SlaLevel = left < window / 5 || left < HOUR ? 'amber' : 'ok';
  return { level, label: words.left(formatDuration(left, words.units)), leftMs: left };
}
