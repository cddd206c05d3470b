import type { StateCreator } from 'zustand';
import type { DesignerState } from './designerStore.js';

export interface SelectionSlice {
  selectedNodeIds: string[];
  selectedEdgeIds: string[];
  /** Replaces the selection. */
  select(ids: { nodeIds?: string[]; edgeIds?: string[] }): void;
  selectAll(): void;
  clearSelection(): void;
}

const EMPTY: string[] = [];

export const createSelectionSlice: StateCreator<DesignerState, [], [], SelectionSlice> = (set, get) => ({
  selectedNodeIds: EMPTY,
  selectedEdgeIds: EMPTY,
  select: ({ nodeIds = EMPTY, edgeIds = EMPTY }) => {
    const s = get();
    if (sameIds(s.selectedNodeIds, nodeIds) && sameIds(s.selectedEdgeIds, edgeIds)) return;
    set({ selectedNodeIds: nodeIds, selectedEdgeIds: edgeIds });
  },
  selectAll: () => {
    const { definition } = get();
    set({ selectedNodeIds: definition.nodes.map((n) => n.id), selectedEdgeIds: definition.edges.map((e) => e.id) });
  },
  clearSelection: () => set({ selectedNodeIds: EMPTY, selectedEdgeIds: EMPTY }),
});

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

export const selectSelectedNodeIds = (s: DesignerState) => s.selectedNodeIds;
export const selectSelectedEdgeIds = (s: DesignerState) => s.selectedEdgeIds;
/** The one selected node (undefined when none or several are selected, or it was undone away). */
export const selectSingleNode = (s: DesignerState) =>
  s.selectedNodeIds.length === 1 && s.selectedEdgeIds.length === 0 ? s.definition.nodes.find((n) => n.id === s.selectedNodeIds[0]) : undefined;
export const selectSingleEdge = (s: DesignerState) =>
  s.selectedEdgeIds.length === 1 && s.selectedNodeIds.length === 0 ? s.definition.edges.find((e) => e.id === s.selectedEdgeIds[0]) : undefined;
export const selectSelectionSize = (s: DesignerState) => s.selectedNodeIds.length + s.selectedEdgeIds.length;
