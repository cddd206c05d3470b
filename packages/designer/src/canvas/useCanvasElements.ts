import { useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { selectDefinition, selectProblems } from '../store/flowSlice.js';
import { selectSelectedEdgeIds, selectSelectedNodeIds } from '../store/selectionSlice.js';
import { selectSimulation } from '../store/simulationSlice.js';
import { selectComparison, selectHeatmap } from '../store/viewSlice.js';
import { useDesigner } from '../store/DesignerStoreProvider.js';
import { simulationPath } from '../simulate/simulator.js';
import { createCanvasDeriver, type CanvasElements } from './derive.js';
import { useEdgeRoutes } from './useEdgeRoutes.js';

const NO_PROBLEMS: never[] = [];

/**
 * The canvas elements for the current store state: the draft (or the compared version, or the
 * published version under its heatmap), with selection, problems and the simulated path. Recomputed only when one of those changes.
 */
export function useCanvasElements(measured: ReadonlyMap<string, { width: number; height: number }>): CanvasElements & { readOnly: boolean } {
  const definition = useDesigner(selectDefinition);
  const problems = useDesigner(selectProblems);
  const selectedNodeIds = useDesigner(selectSelectedNodeIds);
  const selectedEdgeIds = useDesigner(selectSelectedEdgeIds);
  const simulation = useDesigner(selectSimulation);
  const comparison = useDesigner(selectComparison);
  const heatmap = useDesigner(selectHeatmap);
  const derive = useRef(createCanvasDeriver()).current;
  const { i18n } = useTranslation();
  const language = i18n.language;
  const path = useMemo(() => (simulation ? simulationPath(simulation) : null), [simulation]);
  const shown = comparison ? comparison.target : heatmap ? heatmap.definition : definition;
  const routes = useEdgeRoutes(shown, measured);

  return useMemo(() => {
    const readOnly = comparison !== null || heatmap !== null;
    const elements = derive({
      definition: shown,
      problems: readOnly ? NO_PROBLEMS : problems,
      selectedNodeIds,
      selectedEdgeIds,
      measured,
      simulation: readOnly ? null : path,
      comparison: comparison ? { base: comparison.base, diff: comparison.diff } : null,
      readOnly,
      heatmap: heatmap?.figures ?? null,
      routes,
      language,
    });
    return { ...elements, readOnly };
  }, [derive, shown, problems, selectedNodeIds, selectedEdgeIds, measured, path, comparison, heatmap, routes, language]);
}
