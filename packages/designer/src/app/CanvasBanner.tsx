import { useTranslation } from 'react-i18next';
import { outcomeLabel } from '../i18n/designerText.js';
import { selectSimulation } from '../store/simulationSlice.js';
import { selectComparison, selectHeatmap } from '../store/viewSlice.js';
import { useDesigner, useDesignerStore } from '../store/DesignerStoreProvider.js';

/** What the canvas is showing when it is not plainly the draft: a comparison, a simulation, a notice. */
export function CanvasBanner({ notice }: { notice: string | null }) {
  const store = useDesignerStore();
  const comparison = useDesigner(selectComparison);
  const simulation = useDesigner(selectSimulation);
  const heatmap = useDesigner(selectHeatmap);
  const { t } = useTranslation();
  if (heatmap) {
    const day = (iso: string) => iso.slice(0, 10);
    const open = heatmap.figures.nodes.reduce((n, s) => n + s.openNow, 0);
    return (
      <div className="canvas-banner canvas-banner--heat" data-testid="heatmap-banner" role="status">
        <span>
          {t('canvasBanner.heatmapOf')} <strong>{heatmap.label}</strong>
          {t('canvasBanner.heatmapPeriod', { from: day(heatmap.figures.period.from), to: day(heatmap.figures.period.to), count: open })}
        </span>
        <span className="legend legend--heat">{t('canvasBanner.edgesTaken')}</span>
        <button type="button" className="btn btn--small btn--secondary" onClick={() => store.getState().setHeatmap(null)}>
          {t('canvasBanner.exitHeatmap')}
        </button>
      </div>
    );
  }
  if (comparison) {
    const { added, removed, changed } = comparison.diff.counts;
    return (
      <div className="canvas-banner canvas-banner--compare" data-testid="compare-banner">
        {t('canvasBanner.comparing')} <strong>{comparison.baseLabel}</strong> → <strong>{comparison.targetLabel}</strong>
        <span className="legend legend--added">{t('canvasBanner.added', { count: added })}</span>
        <span className="legend legend--removed">{t('canvasBanner.removed', { count: removed })}</span>
        <span className="legend legend--changed">{t('canvasBanner.changed', { count: changed })}</span>
        <button type="button" className="btn btn--small btn--secondary" onClick={() => store.getState().setComparison(null)}>
          {t('canvasBanner.exitCompare')}
        </button>
      </div>
    );
  }
  if (simulation) {
    return (
      <div className="canvas-banner canvas-banner--sim">
        {simulation.status === 'done'
          ? t('canvasBanner.simulatingEnded', { outcome: outcomeLabel(String(simulation.outcome)) })
          : t('canvasBanner.simulatingWaiting')}
        <button type="button" className="btn btn--small btn--secondary" onClick={() => store.getState().stopSimulation()}>
          {t('canvasBanner.stop')}
        </button>
      </div>
    );
  }
  if (notice)
    return (
      <div className="canvas-banner canvas-banner--notice" role="status">
        {notice}
      </div>
    );
  return null;
}
