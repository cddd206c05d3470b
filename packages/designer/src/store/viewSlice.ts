import type { Heatmap, WorkflowDefinition } from '@exflow/shared';
import type { StateCreator } from 'zustand';
import type { DefinitionDiff } from '../versions/diff.js';
import type { DesignerState } from './designerStore.js';

export type SidePanel = 'inspect' | 'problems' | 'simulate' | 'replay' | 'versions' | 'compiled';

/** A visual diff shown on the canvas instead of the draft (read-only). */
export interface Comparison {
  base: WorkflowDefinition;
  target: WorkflowDefinition;
  baseLabel: string;
  targetLabel: string;
  diff: DefinitionDiff;
}

/** The heatmap of a published version, shown on the canvas over that version (read-only). */
export interface HeatmapView {
  definition: WorkflowDefinition;
  figures: Heatmap;
  label: string;
}

export interface ViewSlice {
  panel: SidePanel;
  comparison: Comparison | null;
  heatmap: HeatmapView | null;
  /** Asks the canvas to bring an element into view; `nonce` repeats a request for the same id. */
  focusRequest: { id: string; nonce: number } | null;
  setPanel(panel: SidePanel): void;
  setComparison(comparison: Comparison | null): void;
  setHeatmap(heatmap: HeatmapView | null): void;
  /** Selects a node or edge and brings it into view (problem list, simulator). */
  reveal(target: { nodeId?: string; edgeId?: string }): void;
}

export const createViewSlice: StateCreator<DesignerState, [], [], ViewSlice> = (set, get) => ({
  panel: 'inspect',
  comparison: null,
  heatmap: null,
  focusRequest: null,
  setPanel: (panel) => set({ panel }),
  // a comparison and a heatmap both replace the draft on the canvas: one at a time
  setComparison: (comparison) => set(comparison ? { comparison, heatmap: null } : { comparison }),
  setHeatmap: (heatmap) => set(heatmap ? { heatmap, comparison: null } : { heatmap }),
  reveal({ nodeId, edgeId }) {
    const id = nodeId ?? edgeId;
    if (!id) return;
    get().select(nodeId && !edgeId ? { nodeIds: [nodeId] } : { edgeIds: [edgeId!] });
    set({ focusRequest: { id, nonce: (get().focusRequest?.nonce ?? 0) + 1 } });
  },
});

export const selectPanel = (s: DesignerState) => s.panel;
export const selectComparison = (s: DesignerState) => s.comparison;
export const selectHeatmap = (s: DesignerState) => s.heatmap;
export const selectFocusRequest = (s: DesignerState) => s.focusRequest;
