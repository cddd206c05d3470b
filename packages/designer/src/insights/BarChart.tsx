import { useTranslation } from 'react-i18next';

export interface Bar {
  /** Stable key, also the `data-bar` attribute tests and drill-downs use. */
  key: string;
  label: string;
  value: number;
  /** What the bar means in words, e.g. "controller / Operations, >30d: 2 tasks". */
  description: string;
}

/**
 * Horizontal bars in SVG, one button per bar: keyboard-focusable, named by the text it shows
 * (its label and figure, WCAG 2.5.3) and described in words for screen readers, and a click drills into the cases behind it. No chart library: five small
 * bar charts do not need one, and canvas charts (uPlot, Chart.js) give a bar neither focus
 * nor an accessible name.
 */
export function BarChart({
  bars,
  format,
  onSelect,
  selected,
  title,
  scale,
}: {
  bars: Bar[];
  format(v: number): string;
  onSelect(bar: Bar): void;
  selected?: string;
  title: string;
  /** The value of a full bar (1 for rates); default the largest. */ scale?: number;
}) {
  const { t } = useTranslation();
  if (!bars.length) return <p className="ins-empty">{t('insights.noFigures')}</p>;
  const max = scale ?? (Math.max(...bars.map((b) => b.value), 0) || 1);
  const row = 26;
  // room for the longest label (about 6 px a character at 11 px), within reason
  const labelWidth = Math.min(280, Math.max(90, Math.max(...bars.map((b) => b.label.length)) * 6.2 + 12));
  const width = 560;
  return (
    <svg
      className="ins-chart"
      role="group"
      aria-label={title}
      viewBox={`0 0 ${width} ${bars.length * row + 4}`}
      width="100%"
      preserveAspectRatio="xMinYMin meet"
    >
      {bars.map((bar, i) => {
        const w = Math.max(2, ((width - labelWidth - 70) * bar.value) / max);
        return (
          <g
            key={bar.key}
            transform={`translate(0 ${i * row + 2})`}
            role="button"
            tabIndex={0}
            aria-label={`${bar.label} ${format(bar.value)}`}
            aria-description={`${bar.description}. ${t('insights.showCases')}`}
            aria-pressed={selected === bar.key}
            data-bar={bar.key}
            className={`ins-bar ${selected === bar.key ? 'is-selected' : ''}`}
            onClick={() => onSelect(bar)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' || e.key === ' ') {
                e.preventDefault();
                onSelect(bar);
              }
            }}
          >
            {/* the hover tooltip (the p90 and counts live there) */}
            <title>{bar.description}</title>
            <text x={labelWidth - 8} y={row / 2 + 4} textAnchor="end" className="ins-bar__label">
              {bar.label}
            </text>
            <rect x={labelWidth} y={3} width={w} height={row - 8} rx={3} className="ins-bar__rect" />
            <text x={labelWidth + w + 6} y={row / 2 + 4} className="ins-bar__value">
              {/* the space keeps label and figure apart in the text the bar's name must contain */}
              {` ${format(bar.value)}`}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
