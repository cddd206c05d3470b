import { selectSimulation } from '../store/simulationSlice.js';
import { selectComparison, selectHeatmap } from '../store/viewSlice.js';
import { useDesigner, useDesignerStore } from '../store/DesignerStoreProvider.js';

/** What the canvas is showing when it is not plainly the draft: a comparison, a simulation, a notice. */
export function CanvasBanner({ notice }: { notice: string | null }) {
  const store = useDesignerStore();
  const comparison = useDesigner(selectComparison);
  const simulation = useDesigner(selectSimulation);
  const heatmap = useDesigner(selectHeatmap);
  if (heatmap) {
    const day = (iso: string) => iso.slice(0, 10);
    const open = heatmap.figures.nodes.reduce((n, s) => n + s.openNow, 0);
    return (
      <div className="canvas-banner canvas-banner--heat" data-testid="heatmap-banner" role="status">
        <span>
          Heatmap of <strong>{heatmap.label}</strong> · {day(heatmap.figures.period.from)} to {day(heatmap.figures.period.to)} · {open} open case
          {open === 1 ? '' : 's'} now
        </span>
        <span className="legend legend--heat">edges: times taken</span>
        <button type="button" className="btn btn--small btn--secondary" onClick={() => store.getState().setHeatmap(null)}>
          Exit heatmap
        </button>
      </div>
    );
  }
  if (comparison) {
    const { added, removed, changed } = comparison.diff.counts;
    return (
      <div className="canvas-banner canvas-banner--compare" data-testid="compare-banner">
        Comparing <strong>{comparison.baseLabel}</strong> → <strong>{comparison.targetLabel}</strong>
        <span className="legend legend--added">{added} added</span>
        <span className="legend legend--removed">{removed} removed</span>
        <span className="legend legend--changed">{changed} changed</span>
        <button type="button" className="btn btn--small btn--secondary" onClick={() => store.getState().setComparison(null)}>
          Exit compare
        </button>
      </div>
    );
  }
  if (simulation) {
    return (
      <div className="canvas-banner canvas-banner--sim">
        Simulating · {simulation.status === 'done' ? `ended ${simulation.outcome}` : 'waiting'}
        <button type="button" className="btn btn--small btn--secondary" onClick={() => store.getState().stopSimulation()}>
          Stop
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
