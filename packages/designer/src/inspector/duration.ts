/** The units the duration picker offers; anything else ISO 8601 can say is edited as text. */
export type DurationUnit = 'hours' | 'days';

export interface PickedDuration {
  amount: number;
  unit: DurationUnit;
}

/**
 * An ISO 8601 duration as the picker shows it: `PT8H` → 8 hours, `P2D` → 2 days; `null` for
 * one it cannot show (`PT30M`, `P1DT4H`), which stays editable as text.
 * @example pickDuration('P2D') // { amount: 2, unit: 'days' }
 */
export function pickDuration(iso: string | undefined): PickedDuration | null {
  if (!iso) return null;
  const days = /^P(\d+)D$/.exec(iso);
  if (days) return { amount: Number(days[1]), unit: 'days' };
  const hours = /^PT(\d+)H$/.exec(iso);
  if (hours) return { amount: Number(hours[1]), unit: 'hours' };
  return null;
}

/**
 * The ISO 8601 duration the picker writes; `undefined` for no whole, positive amount (the SLA is removed).
 * @example toIsoDuration(24, 'hours') // 'PT24H'
 */
export function toIsoDuration(amount: number, unit: DurationUnit): string | undefined {
  if (!Number.isInteger(amount) || amount <= 0) return undefined;
  return unit === 'days' ? `P${amount}D` : `PT${amount}H`;
}
