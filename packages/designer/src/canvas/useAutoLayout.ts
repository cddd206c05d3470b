import { useReactFlow } from '@xyflow/react';
import { useCallback } from 'react';
import { useDesignerStore } from '../store/DesignerStoreProvider.js';
import type { StepEdge, StepNode } from './derive.js';
import { getElk } from './elk.js';
import { layoutInputFor } from './flowGeometry.js';
import { layoutDefinition } from './layout.js';
import { useReadableFit } from './readableView.js';

/**
 * Lays the draft out with ELK (in a worker) and applies the positions as one undoable change;
 * the canvas's edge router reads the same ELK input, so every edge then runs on ELK's route.
 * `record: false` for the automatic layout of an imported flow that had no positions.
 */
export function useAutoLayout() {
  const store = useDesignerStore();
  const flow = useReactFlow<StepNode, StepEdge>();
  const fitReadable = useReadableFit();
  return useCallback(
    async (options: { record?: boolean; fit?: boolean } = {}) => {
      const { definition } = store.getState();
      if (definition.nodes.length === 0) return;
      performance.mark('exflow:auto-layout-start');
      const { positions } = await layoutDefinition(definition, layoutInputFor(flow, definition), await getElk());
      if (store.getState().definition !== definition) return; // edited meanwhile: do not overwrite
      if (options.record === false)
        store
          .getState()
          .commit(
            { ...definition, nodes: definition.nodes.map((n) => ({ ...n, position: positions[n.id] ?? n.position })) },
            { layoutOnly: true, record: false },
          );
      else store.getState().applyLayout(positions);
      performance.mark('exflow:auto-layout-done');
      if (options.fit !== false) requestAnimationFrame(() => void fitReadable({ duration: 250 }));
    },
    [store, flow, fitReadable],
  );
}
