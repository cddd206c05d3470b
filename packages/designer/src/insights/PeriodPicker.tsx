import { useTranslation } from 'react-i18next';
import { matchingRange, QUICK_RANGES, quickRange, type Period, type QuickRange } from './period.js';

/** The period of the figures: a quick range, or any first and last day. */
export function PeriodPicker({ period, onChange }: { period: Period; onChange(period: Period): void }) {
  const { t } = useTranslation();
  const range = matchingRange(period, new Date());
  return (
    <fieldset className="ins-period" data-testid="ins-period">
      <legend>{t('period.legend')}</legend>
      <select
        aria-label={t('period.quickRange')}
        value={range}
        onChange={(e) => e.target.value && onChange(quickRange(e.target.value as QuickRange, new Date()))}
        data-testid="ins-quick-range"
      >
        {range === '' && <option value="">{t('period.custom')}</option>}
        {QUICK_RANGES.map((r) => (
          <option key={r} value={r}>
            {t(`period.range.${r}`)}
          </option>
        ))}
      </select>
      <label>
        {t('period.from')}{' '}
        <input type="date" value={period.from} max={period.to} onChange={(e) => onChange({ ...period, from: e.target.value })} data-testid="ins-from" />
      </label>
      <label>
        {t('period.to')}{' '}
        <input type="date" value={period.to} min={period.from} onChange={(e) => onChange({ ...period, to: e.target.value })} data-testid="ins-to" />
      </label>
    </fieldset>
  );
}
