import type { ReliabilityBin } from '@exflow/shared';
import { useTranslation } from 'react-i18next';

const SIZE = 160;
const PAD = 20;
const scale = (v: number) => PAD + v * (SIZE - 2 * PAD);

/**
 * The reliability curve as a small chart: the diagonal is a perfectly calibrated model, each
 * dot a bin (what the model said against how often it was right, its size the bin's count).
 * The table beside it holds the same figures for a screen reader; the chart is labelled as a whole.
 */
export function ReliabilityChart({ bins }: { bins: readonly ReliabilityBin[] }) {
  const { t } = useTranslation();
  const filled = bins.filter((b) => b.count > 0 && b.predicted !== null && b.observed !== null);
  const most = Math.max(1, ...filled.map((b) => b.count));
  return (
    <svg
      className="reliability-chart"
      width={SIZE}
      height={SIZE}
      viewBox={`0 0 ${SIZE} ${SIZE}`}
      role="img"
      aria-label={t('admin.ai.chart')}
      data-testid="ai-reliability-chart"
    >
      <rect x={PAD} y={PAD} width={SIZE - 2 * PAD} height={SIZE - 2 * PAD} className="reliability-chart__frame" />
      <line x1={scale(0)} y1={SIZE - scale(0)} x2={scale(1)} y2={SIZE - scale(1)} className="reliability-chart__ideal" />
      <polyline points={filled.map((b) => `${scale(b.predicted!)},${SIZE - scale(b.observed!)}`).join(' ')} className="reliability-chart__curve" />
      {filled.map((b) => (
        <circle key={b.from} cx={scale(b.predicted!)} cy={SIZE - scale(b.observed!)} r={2 + 4 * Math.sqrt(b.count / most)} className="reliability-chart__dot" />
      ))}
      <text x={SIZE / 2} y={SIZE - 4} textAnchor="middle" className="reliability-chart__label">
        {t('admin.ai.chartSaid')}
      </text>
      <text x={8} y={SIZE / 2} textAnchor="middle" transform={`rotate(-90 8 ${SIZE / 2})`} className="reliability-chart__label">
        {t('admin.ai.chartRight')}
      </text>
    </svg>
  );
}
