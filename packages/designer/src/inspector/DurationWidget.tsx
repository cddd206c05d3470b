import type { WidgetProps } from '@rjsf/utils';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { pickDuration, toIsoDuration, type DurationUnit } from './duration.js';

/**
 * "Due in": a number and hours or days, written as ISO 8601 (`PT8H`, `P2D`). A duration the
 * picker cannot show (`PT30M`) is kept and edited as text under "Other".
 */
export function DurationWidget(props: WidgetProps) {
  const { id, value, disabled, readonly, onChange } = props;
  const { t } = useTranslation();
  const iso = typeof value === 'string' && value ? value : undefined;
  const picked = pickDuration(iso);
  const [other, setOther] = useState(iso !== undefined && picked === null);
  const [amount, setAmount] = useState(picked ? String(picked.amount) : '');
  const [unit, setUnit] = useState<DurationUnit>(picked?.unit ?? 'hours');
  const off = disabled || readonly;
  const write = (nextAmount: string, nextUnit: DurationUnit) => {
    setAmount(nextAmount);
    setUnit(nextUnit);
    onChange(nextAmount.trim() === '' ? undefined : (toIsoDuration(Number(nextAmount), nextUnit) ?? iso));
  };
  if (other) {
    return (
      <span className="duration-picker" data-testid="duration-picker">
        <input id={id} type="text" value={iso ?? ''} disabled={off} placeholder="PT30M" onChange={(e) => onChange(e.target.value || undefined)} />
        <button
          type="button"
          className="form-btn"
          disabled={off}
          onClick={() => {
            setOther(false);
            write('', unit);
          }}
        >
          {t('inspector.durationPick')}
        </button>
      </span>
    );
  }
  return (
    <span className="duration-picker" data-testid="duration-picker">
      <input
        id={id}
        type="number"
        min={1}
        step={1}
        inputMode="numeric"
        value={amount}
        disabled={off}
        aria-describedby={`${id}-unit`}
        placeholder={t('inspector.durationNone')}
        onChange={(e) => write(e.target.value, unit)}
      />
      <select
        id={`${id}-unit`}
        aria-label={t('inspector.durationUnit')}
        value={unit}
        disabled={off}
        data-testid="duration-unit"
        onChange={(e) => {
          if (e.target.value === 'other') setOther(true);
          else write(amount, e.target.value as DurationUnit);
        }}
      >
        <option value="hours">{t('inspector.hours')}</option>
        <option value="days">{t('inspector.days')}</option>
        <option value="other">{t('inspector.durationOther')}</option>
      </select>
    </span>
  );
}
